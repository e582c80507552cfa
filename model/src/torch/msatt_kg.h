#pragma once
// MSATT-KG (Xie, Xiong, Yu & Zhu, CIKM 2019, "EHR Coding with Multi-scale Feature Attention and Structured
// Knowledge Graph Propagation"); docs/MODELS.md lists what the paper specifies and what this port chose.
// No public code exists.
//
//   E = dropout(embed(ids))                                   [B, n, d]
//   densely connected CNN, L layers, kernel k, growth g:
//     x^l = relu(dense[l]([E ; x^1 ; ... ; x^{l-1}]))        [B, n, g]   (same padding; layer l sees an
//                                                                         n-gram of 1 + l(k-1) tokens)
//   multi-scale feature attention, per token i:
//     s_i = (mean over the g features of x_i^l)_{l=1..L}      [B, n, L]
//     alpha_i = softmax_l(scale_fc2(relu(scale_fc1(s_i))))    [B, n, L]
//     z_i = sum_l alpha_i^l x_i^l                             [B, n, g]
//   knowledge graph propagation (code_graph.h: labels + their ancestors, normalised adjacency Â):
//     G = Â relu(Â node_embedding gcn.0) gcn.1, v_y = G[y]    [Y, g]      (two GCN layers; nodes 0..Y-1 are
//                                                                         the labels)
//   code attention: A = softmax_i(z_i . v_y)                  [B, Y, n]
//     c_y = sum_i A[y, i] z_i;  logits_y = <final.weight[y], c_y> + final.bias[y]
//
// state_dict: embed.weight [V+2, d]; dense.{l}.{weight [g, d + l g, k], bias [g]}; scale_fc1.{weight [L, L],
// bias [L]}; scale_fc2.{weight [L, L], bias [L]}; node_embedding [N, g]; gcn.{0,1}.weight [g, g];
// final.{weight [Y, g], bias [Y]}. The graph itself is rebuilt from the labels (not in the checkpoint).
#include "torch/code_graph.h"
#include "torch/network.h"

#include <torch/nn.h>
#include <torch/types.h>

#include <memory>

namespace fc::net {

struct MsattKgOptions {
    MsattKgOptions(std::int64_t vocab_rows, std::int64_t labels, CodeGraph graph)
        : vocab_rows_(vocab_rows), labels_(labels), graph_(std::move(graph)) {}
    TORCH_ARG(std::int64_t, vocab_rows);
    TORCH_ARG(std::int64_t, labels);
    TORCH_ARG(CodeGraph, graph); // its first `labels` nodes are the labels
    TORCH_ARG(std::int64_t, embedding_dim) = 100;
    TORCH_ARG(std::int64_t, layers) = 4;   // L
    TORCH_ARG(std::int64_t, growth) = 100; // g
    TORCH_ARG(std::int64_t, kernel) = 3;   // k (odd)
    TORCH_ARG(double, dropout) = 0.2;      // on the embeddings
};

class MsattKgImpl : public torch::nn::Module {
public:
    explicit MsattKgImpl(const MsattKgOptions& options);
    // ids [B, n] -> {logits [B, Y], attention [B, Y, n]}
    std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& ids);
    // v [Y, g]: the labels' rows of the two-layer GCN over the code graph.
    torch::Tensor codeVectors();

    MsattKgOptions options;
    torch::nn::Embedding embed{nullptr};
    torch::nn::Dropout dropout{nullptr};
    torch::nn::ModuleList dense{nullptr};
    torch::nn::Linear scale_fc1{nullptr};
    torch::nn::Linear scale_fc2{nullptr};
    torch::Tensor node_embedding;
    torch::nn::ModuleList gcn{nullptr};
    torch::nn::Linear final{nullptr};

private:
    torch::Tensor propagate(const torch::Tensor& x) const; // Â x
    torch::Tensor m_from, m_to, m_weight;                  // the graph's edges (not parameters)
};
TORCH_MODULE(MsattKg);

// config.arch "msatt-kg". Options of 0 take this port's defaults (docs/MODELS.md).
std::unique_ptr<Network> makeMsattKgNetwork(const ModelConfig& config);

} // namespace fc::net
