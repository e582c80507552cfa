#pragma once
// HyperCore (Cao, Chen, Liu, Zhao, Liu & Chong, ACL 2020, "HyperCore: Hyperbolic and Co-graph Representation
// for Automatic ICD Coding"), adapted to the harness; docs/MODELS.md lists what the paper says and what this
// port chose. No public code exists.
//
//   E = dropout(embed(ids))                                   [B, n, d]
//   H = tanh(conv(E))                                         [B, n, h]   (kernel k, same padding)
//   code-wise attention: A = softmax_i(attention(H))^T        [B, Y, n]   (a learned vector per code)
//   V = A H                                                   [B, Y, h]   (code-wise document vectors)
//   hyperbolic document representation: M_y = expMap0(to_ball(V_y)) in the Poincaré ball B^p (c = 1),
//     i.e. the Möbius matrix-vector product of to_ball with expMap0(V_y) (poincare.h)
//   hyperbolic code embedding L_y = hierarchy_embedding[y]: the code hierarchy (code_graph.h: labels, their
//     categories, chapters, roots) embedded in B^p by Nickel & Kiela's method (fitted once, then fixed)
//   delta_y = poincare distance(M_y, L_y)                     [B, Y]
//   co-graph: G = V + Â relu(Â V gcn.0) gcn.1                [B, Y, h]   (Â: the training labels'
//     co-occurrence graph, each code's `neighbours` strongest links, row-normalised, self loop included;
//     the residual V is this port's choice)
//   logits_y = <final.weight[y], [G_y ; -delta_y]> + final.bias[y]
//
// Network::fitLabelStatistics (the trainer, once, before the first epoch) fills the three buffers from the
// training notes' codes and the labels' hierarchy; until then Â is the identity and L is Nickel & Kiela's
// small uniform initialisation. A model directory needs no extra file.
//
// state_dict: embed.weight [V+2, d]; conv.{weight [h, d, k], bias [h]}; attention.weight [Y, h];
// to_ball.weight [p, h]; gcn.{0,1}.weight [h, h]; final.{weight [Y, h + 1], bias [Y]}; buffers
// hierarchy_embedding [N, p] (N: labels then ancestors, code_graph.h), cooccurrence_neighbours [Y, K] int64,
// cooccurrence_weights [Y, K] with K = min(Y, neighbours). One attention position per token, receptive
// radius k / 2: PositionGeometry {1, k / 2}.
#include "torch/code_graph.h"
#include "torch/network.h"

#include <torch/nn.h>
#include <torch/types.h>

#include <memory>

namespace fc::net {

struct HypercoreOptions {
    HypercoreOptions(std::int64_t vocab_rows, std::int64_t labels, CodeGraph graph)
        : vocab_rows_(vocab_rows), labels_(labels), graph_(std::move(graph)) {}
    TORCH_ARG(std::int64_t, vocab_rows);
    TORCH_ARG(std::int64_t, labels);
    TORCH_ARG(CodeGraph, graph); // the hierarchy; its first `labels` nodes are the labels
    TORCH_ARG(std::int64_t, embedding_dim) = 100;
    TORCH_ARG(std::int64_t, conv_maps) = 100; // h
    TORCH_ARG(std::int64_t, kernel) = 9;      // k (odd)
    TORCH_ARG(std::int64_t, ball_dim) = 50;   // p
    TORCH_ARG(std::int64_t, neighbours) = 32; // co-occurrence links kept per code, self included
    TORCH_ARG(double, dropout) = 0.2;         // on the embeddings
};

// Row y of the co-occurrence graph: y itself (weight 1) and the codes most often coded with y in the same
// note (weight P(z | y) = notes with y and z / notes with y; at most k - 1, ties by index), the row scaled
// to sum 1; unused slots point at y with weight 0. Returns {neighbours [Y, k] int64, weights [Y, k]}.
std::pair<torch::Tensor, torch::Tensor>
cooccurrenceGraph(const std::vector<std::vector<std::int32_t>>& noteLabels, std::int64_t labels,
                  std::int64_t k);

class HypercoreImpl : public torch::nn::Module {
public:
    explicit HypercoreImpl(const HypercoreOptions& options);
    // ids [B, n] -> {logits [B, Y], attention [B, Y, n]}
    std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& ids);
    // Fills the co-occurrence buffers from the training notes' codes and fits hierarchy_embedding.
    void fit(const std::vector<std::vector<std::int32_t>>& noteLabels);
    // Â x for x [Y, ...] (a sparse product, so all-codes models stay small).
    torch::Tensor propagate(const torch::Tensor& x) const;

    HypercoreOptions options;
    torch::nn::Embedding embed{nullptr};
    torch::nn::Dropout dropout{nullptr};
    torch::nn::Conv1d conv{nullptr};
    torch::nn::Linear attention{nullptr};
    torch::nn::Linear to_ball{nullptr};
    torch::nn::ModuleList gcn{nullptr};
    torch::nn::Linear final{nullptr};
    torch::Tensor hierarchy_embedding, cooccurrence_neighbours, cooccurrence_weights;
};
TORCH_MODULE(Hypercore);

// config.arch "hypercore". Options of 0 take this port's defaults (docs/MODELS.md).
std::unique_ptr<Network> makeHypercoreNetwork(const ModelConfig& config);

} // namespace fc::net
