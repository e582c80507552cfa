#pragma once
// Fusion (Luo et al. 2021) exactly as the authors' FlowHidden model (fusion-spec.md 1.2), with the paper's
// MaxPool and DocLevel ablations (1.3) as options. Submodule names reproduce the authors' state_dict
// (fusion-spec.md section 8): word_rep.embed, conv.channel-{k}.{baseconv, basevonb-pool-0.att_conv,
// resconv-0.{left, shortcut}}, transfer.{encoder_layers.0.*, pos_embedding.position_encoding},
// output_layer.{U, final}.
#include "torch/layers.h"
#include "torch/transformer.h"

#include <vector>

namespace fc::net {

struct FusionOptions {
    FusionOptions(std::int64_t vocab_rows, std::int64_t labels) : vocab_rows_(vocab_rows), labels_(labels) {}
    TORCH_ARG(std::int64_t, vocab_rows); // V + 2
    TORCH_ARG(std::int64_t, labels);     // Y
    TORCH_ARG(std::int64_t, embedding_dim) = 100;
    TORCH_ARG(std::vector<std::int64_t>, filter_sizes) = std::vector<std::int64_t>{3, 5, 9, 15, 19, 25};
    TORCH_ARG(std::int64_t, filter_maps) = 50;
    TORCH_ARG(double, dropout) = 0.2;
    TORCH_ARG(std::int64_t, pool_size) = 2;
    TORCH_ARG(Pooling, pooling) = Pooling::SoftAttention; // Max = "fusion-maxpool"
    TORCH_ARG(bool, doc_level_attention) = false;         // true = "fusion-doclevel"
    TORCH_ARG(std::int64_t, heads) = 4;
    TORCH_ARG(std::int64_t, ffn_dim) = 1024;
    TORCH_ARG(std::int64_t, transformer_layers) = 1;
    TORCH_ARG(HeadSplit, head_split) = HeadSplit::Authors;
    TORCH_ARG(std::int64_t, max_length) = 2500; // tokens; the positional table covers max_length positions
};

// One `channel-{k}`: baseconv (Xavier, bias) -> tanh -> basevonb-pool-0 -> resconv-0 (GroupNorm).
class FusionBranchImpl : public torch::nn::Module {
public:
    FusionBranchImpl(const FusionOptions& options, std::int64_t kernel);
    // [B, d, n] -> [B, F, ceil(n / g)]; *poolWeights receives [B, n] if given.
    torch::Tensor forward(const torch::Tensor& x, torch::Tensor* poolWeights = nullptr);

    torch::nn::Conv1d baseconv{nullptr};
    SoftPool pool{nullptr};
    ResidualBlock resconv{nullptr};
};
TORCH_MODULE(FusionBranch);

struct FusionOutput {
    torch::Tensor logits;       // [B, Y]
    torch::Tensor attention;    // [B, Y, P], P = ceil(n / pool_size)
    torch::Tensor poolWeights;  // [B, m, n] when requested
    torch::Tensor features;     // [B, P, D] the label attention's input, at inference with the attention
    torch::Tensor labelWeights; // [Y, D] the output layer's weights, with `features`
};

class FusionImpl : public torch::nn::Module {
public:
    explicit FusionImpl(const FusionOptions& options);
    // ids [B, n] int64, 1 <= n <= 2 * max_length. With autograd off and !wantAttention, `attention` is left
    // undefined and the label attention runs block by block (OutputLayerImpl::infer).
    FusionOutput forward(const torch::Tensor& ids, bool wantPoolWeights = false, bool wantAttention = true);

    FusionOptions options;
    WordRep word_rep{nullptr};
    torch::nn::ModuleDict conv{nullptr};
    Transfer transfer{nullptr};
    OutputLayer output_layer{nullptr};
    torch::nn::Dropout transfer_dropout{nullptr};
};
TORCH_MODULE(Fusion);

} // namespace fc::net
