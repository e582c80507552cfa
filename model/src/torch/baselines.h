#pragma once
// Baselines in the same harness (fusion-spec.md 2, 5.1), with their authors' state_dict names.
//
// MultiResCNN (Li & Yu 2020, foxlf823/Multi-Filter-Residual-Convolutional-Neural-Network, models.py):
//   word_rep.embed.weight [V+2, d]
//   conv.channel-{k}.baseconv.{weight [d, d, k], bias [d]}                       (Xavier weight)
//   conv.channel-{k}.resconv-0.left.{0.weight [F, d, k], 1.*, 3.weight [F, F, k], 4.*}
//   conv.channel-{k}.resconv-0.shortcut.{0.weight [F, d, 1], 1.*}
//     where * = BatchNorm1d weight, bias [F] and buffers running_mean, running_var [F], num_batches_tracked
//     []
//   output_layer.U.{weight, bias}, output_layer.final.{weight, bias}
// CAML (Mullenbach et al. 2018, caml-mimic learn/models.py ConvAttnPool):
//   embed.weight [V+2, d], conv.{weight [50, d, 10], bias [50]} (Xavier; padding floor(10/2), so the
//   attention has n + 1 positions), U.{weight [Y, 50], bias}, final.{weight [Y, 50], bias}
// DR-CAML adds the description module used only by the training regulariser:
//   desc_embedding.weight [V+2, d], label_conv.{weight [50, d, 10], bias [50]}, label_fc1.{weight [50, 50],
//   bias}
#include "torch/layers.h"

#include <vector>

namespace fc::net {

struct MultiResCnnOptions {
    MultiResCnnOptions(std::int64_t vocab_rows, std::int64_t labels)
        : vocab_rows_(vocab_rows), labels_(labels) {}
    TORCH_ARG(std::int64_t, vocab_rows);
    TORCH_ARG(std::int64_t, labels);
    TORCH_ARG(std::int64_t, embedding_dim) = 100;
    TORCH_ARG(std::vector<std::int64_t>, filter_sizes) = std::vector<std::int64_t>{3, 5, 9, 15, 19, 25};
    TORCH_ARG(std::int64_t, filter_maps) = 50;
    TORCH_ARG(double, dropout) = 0.2; // embeddings and after every residual block
};

class MultiResCnnBranchImpl : public torch::nn::Module {
public:
    MultiResCnnBranchImpl(const MultiResCnnOptions& options, std::int64_t kernel);
    torch::Tensor forward(const torch::Tensor& x); // [B, d, n] -> [B, F, n]

    torch::nn::Conv1d baseconv{nullptr};
    ResidualBlock resconv{nullptr};
};
TORCH_MODULE(MultiResCnnBranch);

class MultiResCnnImpl : public torch::nn::Module {
public:
    explicit MultiResCnnImpl(const MultiResCnnOptions& options);
    // ids [B, n] -> {logits [B, Y], attention [B, Y, n]}
    std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& ids);

    MultiResCnnOptions options;
    WordRep word_rep{nullptr};
    torch::nn::ModuleDict conv{nullptr};
    OutputLayer output_layer{nullptr};
};
TORCH_MODULE(MultiResCnn);

struct CamlOptions {
    CamlOptions(std::int64_t vocab_rows, std::int64_t labels) : vocab_rows_(vocab_rows), labels_(labels) {}
    TORCH_ARG(std::int64_t, vocab_rows);
    TORCH_ARG(std::int64_t, labels);
    TORCH_ARG(std::int64_t, embedding_dim) = 100;
    TORCH_ARG(std::int64_t, kernel) = 10;
    TORCH_ARG(std::int64_t, filter_maps) = 50;
    TORCH_ARG(double, dropout) = 0.2;
    TORCH_ARG(bool, description_regulariser) = false; // DR-CAML
    TORCH_ARG(double, lambda) = 10.0;
};

class CamlImpl : public torch::nn::Module {
public:
    explicit CamlImpl(const CamlOptions& options);
    // ids [B, n] -> {logits [B, Y], attention [B, Y, n + 1 - kernel % 2]}
    std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& ids);
    // DR-CAML: lambda * mean over documents of (sum over the document's gold codes y of
    // mean_j (final.weight[y, j] - b_y[j])^2), b_y = label_fc1(maxpool_t
    // tanh(label_conv(desc_embedding(desc_y)))). Codes without a description are skipped. Zero when
    // description_regulariser is false.
    torch::Tensor descriptionLoss(const torch::Tensor& targets,
                                  const std::vector<torch::Tensor>& descriptions);

    CamlOptions options;
    torch::nn::Embedding embed{nullptr};
    torch::nn::Dropout embed_drop{nullptr};
    torch::nn::Conv1d conv{nullptr};
    torch::nn::Linear U{nullptr};
    torch::nn::Linear final{nullptr};
    torch::nn::Embedding desc_embedding{nullptr};
    torch::nn::Conv1d label_conv{nullptr};
    torch::nn::Linear label_fc1{nullptr};
};
TORCH_MODULE(Caml);

} // namespace fc::net
