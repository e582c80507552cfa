#pragma once
// C-LSTM-Att (Shi, Xie, Hu, Zhang & Xing 2017, "Towards Automated ICD Coding Using Deep Learning", arXiv
// 1711.04075), adapted to the harness's input; docs/MODELS.md lists what the paper does and what this port
// chose. No public code exists.
//
// The paper encodes each written diagnosis description (a short line of the discharge summary) with an LSTM
// into one vector, and lets every code attend over those vectors, because a note has a different number of
// descriptions than of codes. The harness gives a network word ids only, without line boundaries, so here
// a "description" is a segment of `segment` consecutive tokens:
//
//   ids [B, n] -> right-pad to S = ceil(n / segment) segments -> [B*S, segment]
//   E = dropout(embed(ids))                         [B*S, segment, d]
//   h_s = last hidden state of lstm over segment s  [B, S, u]   (one forward layer, as the paper's LSTM)
//   A = softmax_s(code_attention(h))^T              [B, Y, S]   (u_y . h_s, the code's vector against each
//                                                                description; no bias)
//   c_y = sum_s A[y, s] h_s                         [B, Y, u]
//   logits_y = <final.weight[y], c_y> + final.bias[y]
//
// state_dict: embed.weight [V+2, d]; lstm.{weight_ih_l0 [4u, d], weight_hh_l0 [4u, u], bias_ih_l0 [4u],
// bias_hh_l0 [4u]}; code_attention.weight [Y, u]; final.weight [Y, u]; final.bias [Y].
// One attention position per segment: PositionGeometry {segment, 0}.
#include "torch/network.h"

#include <torch/nn.h>
#include <torch/types.h>

#include <memory>

namespace fc::net {

struct ClstmAttOptions {
    ClstmAttOptions(std::int64_t vocab_rows, std::int64_t labels)
        : vocab_rows_(vocab_rows), labels_(labels) {}
    TORCH_ARG(std::int64_t, vocab_rows);
    TORCH_ARG(std::int64_t, labels);
    TORCH_ARG(std::int64_t, embedding_dim) = 100;
    TORCH_ARG(std::int64_t, hidden) = 128; // u
    TORCH_ARG(std::int64_t, segment) = 10; // tokens per "description"
    TORCH_ARG(double, dropout) = 0.2;      // on the embeddings
};

class ClstmAttImpl : public torch::nn::Module {
public:
    explicit ClstmAttImpl(const ClstmAttOptions& options);
    // ids [B, n] -> {logits [B, Y], attention [B, Y, ceil(n / segment)]}
    std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& ids);

    ClstmAttOptions options;
    torch::nn::Embedding embed{nullptr};
    torch::nn::Dropout dropout{nullptr};
    torch::nn::LSTM lstm{nullptr};
    torch::nn::Linear code_attention{nullptr};
    torch::nn::Linear final{nullptr};
};
TORCH_MODULE(ClstmAtt);

// config.arch "clstm-att". Options of 0 take this port's defaults (docs/MODELS.md).
std::unique_ptr<Network> makeClstmAttNetwork(const ModelConfig& config);

} // namespace fc::net
