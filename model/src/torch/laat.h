#pragma once
// LAAT and JointLAAT (Vu, Nguyen & Nguyen, IJCAI 2020, "A Label Attention Model for ICD Coding from Clinical
// Text"; authors' code aehrc/LAAT, src/models/rnn.py + src/models/attentions/). docs/MODELS.md has the
// paper's settings and what this port chose where the paper is silent.
//
// Network: word embedding -> dropout -> BiLSTM (hidden u per direction, packed: padding never enters the
// recurrence) -> H [B, n, 2u]. For each label level l:
//   Z = tanh(first_linears[l](H))            [B, n, d_a]    (no bias)
//   A = softmax_n(second_linears[l](Z))^T    [B, Y_l, n]    (no bias; padded positions take part, as the
//                                                             authors' padded softmax does)
//   V = A H                                  [B, Y_l, 2u]
//   JointLAAT, level > 0: V_y <- [V_y ; p], p = sigmoid(projection_linears[l-1](sigmoid(logits_{l-1}))) [B,
//   P] logits_l[y] = <third_linears[l].weight[y], V_y> + third_linears[l].bias[y]
// LAAT has one level (the codes); JointLAAT two: level 0 = the codes' parents (jointlaat.h), level 1 = the
// codes. The last level's logits and attention are the network's output.
//
// state_dict (the authors' names; the authors' unused `attention.linear` and `linears.*` are not created):
//   embedding.embeddings.weight [V+2, d]
//   rnn.{weight_ih_l0 [4u, d], weight_hh_l0 [4u, u], bias_ih_l0 [4u], bias_hh_l0 [4u]} and the same with
//     suffix _reverse
//   attention.first_linears.{l}.weight [d_a, 2u]
//   attention.second_linears.{l}.weight [Y_l, d_a]
//   attention.third_linears.{l}.{weight [Y_l, 2u (+P if l > 0)], bias [Y_l]}
//   projection_linears.{l}.weight [P, Y_l]  (JointLAAT, every level as in the authors' code; the last level's
//     is unused by the forward pass)
#include <torch/nn.h>
#include <torch/types.h>

#include <vector>

namespace fc::net {

struct LaatOptions {
    LaatOptions(std::int64_t vocab_rows, std::vector<std::int64_t> level_labels)
        : vocab_rows_(vocab_rows), level_labels_(std::move(level_labels)) {}
    TORCH_ARG(std::int64_t, vocab_rows);
    TORCH_ARG(std::vector<std::int64_t>, level_labels); // labels per level, the codes last
    TORCH_ARG(std::int64_t, embedding_dim) = 100;
    TORCH_ARG(std::int64_t, hidden) = 256;           // u, per direction
    TORCH_ARG(std::int64_t, attention_dim) = 256;    // d_a
    TORCH_ARG(std::int64_t, level_projection) = 128; // P (JointLAAT)
    TORCH_ARG(double, dropout) = 0.3;                // on the embeddings
};

class LaatAttentionImpl : public torch::nn::Module {
public:
    explicit LaatAttentionImpl(const LaatOptions& options);
    // h [B, n, 2u], previous [B, P] or undefined -> {logits [B, Y_l], attention [B, Y_l, n]}
    std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& h, const torch::Tensor& previous,
                                                    std::size_t level);

    torch::nn::ModuleList first_linears{nullptr};
    torch::nn::ModuleList second_linears{nullptr};
    torch::nn::ModuleList third_linears{nullptr};
};
TORCH_MODULE(LaatAttention);

// The embedding holder, so that the parameter is `embedding.embeddings.weight` as in the authors' code.
class LaatEmbeddingImpl : public torch::nn::Module {
public:
    LaatEmbeddingImpl(std::int64_t rows, std::int64_t dim);
    torch::Tensor forward(const torch::Tensor& ids) { return embeddings(ids); }
    torch::nn::Embedding embeddings{nullptr};
};
TORCH_MODULE(LaatEmbedding);

struct LaatOutput {
    std::vector<torch::Tensor> logits;    // per level [B, Y_l]
    std::vector<torch::Tensor> attention; // per level [B, Y_l, n]
};

class LaatImpl : public torch::nn::Module {
public:
    explicit LaatImpl(const LaatOptions& options);
    LaatOutput forward(const torch::Tensor& ids);

    LaatOptions options;
    LaatEmbedding embedding{nullptr};
    torch::nn::Dropout dropout{nullptr};
    torch::nn::LSTM rnn{nullptr};
    LaatAttention attention{nullptr};
    torch::nn::ModuleList projection_linears{nullptr}; // JointLAAT only (more than one level)
};
TORCH_MODULE(Laat);

} // namespace fc::net
