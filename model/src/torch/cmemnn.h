#pragma once
// C-MemNN (Prakash, Zhao, Hasan, Datla, Lee, Qadir, Liu & Farri, AAAI 2017, "Condensed Memory Networks for
// Clinical Diagnostic Inferencing"), adapted to the harness; docs/MODELS.md lists what the paper says and
// what this port chose. No public code exists.
//
// The paper's knowledge source is one Wikipedia page per diagnosis; here each label's memory is its
// catalogue description (the training `--descriptions` file), tokenised into vocabulary ids and kept as the
// buffer `memory_ids`, so a model directory needs no description file. The note is the query.
//
//   E = dropout(embed(ids))                                  [B, n, d]
//   u^1 = query(mean of E over the note's non-PAD tokens)    [B, d]
//   memory of label y: x_y = mean of embed(memory_ids[y]) over its non-PAD tokens
//   keys k_y = memory_in(x_y), values c_y = memory_out(x_y)  [Y, d]
//   hop h = 1..K (gated, as Liu & Perez's gated end-to-end memory networks):
//     p = softmax_y(u^h . k_y)        o = sum_y p_y c_y
//     T = sigmoid(gate[h-1](u^h))     u^{h+1} = T * o + (1 - T) * u^h
//   condensed memory state (each later hop kept at half the previous width):
//     s = [u^2 ; tanh(condense[0](u^3)) ; tanh(condense[1](u^4)) ; ...]   widths d, d/2, d/4, ...
//   logits = final(s)                                       [B, Y]
//
// Attention for the evidence: the first hop's address score of label y is the mean over tokens of
// query(E_i) . k_y; a_{y,i} = softmax_i(query(E_i) . k_y) says which tokens drew the note to y's memory. It
// is a readout (the paper's model attends over memories, not over the note) and takes no part in the logits.
//
// state_dict: embed.weight [V+2, d]; query.weight, memory_in.weight, memory_out.weight [d, d];
// gate.{h}.{weight [d, d], bias [d]} (h < K); condense.{j}.{weight [d >> (j+1), d], bias} (j < K-1);
// final.{weight [Y, D], bias [Y]} with D = d + sum_{j=1}^{K-1} (d >> j); buffer memory_ids [Y, T] int64.
// One attention position per token: PositionGeometry {1, 0}.
#include "torch/network.h"

#include <torch/nn.h>
#include <torch/types.h>

#include <memory>

namespace fc::net {

struct CmemnnOptions {
    CmemnnOptions(std::int64_t vocab_rows, std::int64_t labels) : vocab_rows_(vocab_rows), labels_(labels) {}
    TORCH_ARG(std::int64_t, vocab_rows);
    TORCH_ARG(std::int64_t, labels);
    TORCH_ARG(std::int64_t, embedding_dim) = 100;
    TORCH_ARG(std::int64_t, hops) = 3;           // K
    TORCH_ARG(std::int64_t, memory_tokens) = 32; // T
    TORCH_ARG(double, dropout) = 0.2;            // on the note's embeddings
};

class CmemnnImpl : public torch::nn::Module {
public:
    explicit CmemnnImpl(const CmemnnOptions& options);
    // ids [B, n] -> {logits [B, Y], attention [B, Y, n]}
    std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& ids);
    // Fills memory_ids from the labels' description ids (the first T of each); returns the non-empty ones.
    std::size_t setMemories(const std::vector<torch::Tensor>& descriptions);
    std::int64_t condensedWidth() const;

    CmemnnOptions options;
    torch::nn::Embedding embed{nullptr};
    torch::nn::Dropout dropout{nullptr};
    torch::nn::Linear query{nullptr};
    torch::nn::Linear memory_in{nullptr};
    torch::nn::Linear memory_out{nullptr};
    torch::nn::ModuleList gate{nullptr};
    torch::nn::ModuleList condense{nullptr};
    torch::nn::Linear final{nullptr};
    torch::Tensor memory_ids;
};
TORCH_MODULE(Cmemnn);

// config.arch "cmemnn". Options of 0 take this port's defaults (docs/MODELS.md).
std::unique_ptr<Network> makeCmemnnNetwork(const ModelConfig& config);

} // namespace fc::net
