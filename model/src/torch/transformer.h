#pragma once
// Fusion's feature aggregation (`transfer`, the authors' EncoderHidden): fixed sinusoidal positions plus
// post-LayerNorm Transformer encoder layers (fusion-spec.md 1.2 step 5). Input/output [B, P, D].
#include <torch/nn.h>
#include <torch/types.h>

namespace fc::net {

enum class HeadSplit {
    Authors,  // Q/K/V [B, P, D] viewed (no transpose) as [B*h, P, D/h]; scale 1/sqrt(floor((D/h)/h))
    Standard, // heads are D/h-wide slices of every position; scale 1/sqrt(D/h)
};

struct TransferOptions {
    TORCH_ARG(std::int64_t, model_dim) = 300;
    TORCH_ARG(std::int64_t, heads) = 4;
    TORCH_ARG(std::int64_t, ffn_dim) = 1024;
    TORCH_ARG(std::int64_t, layers) = 1;
    TORCH_ARG(std::int64_t, max_positions) = 2500; // table rows = max_positions + 1 (row 0 = PAD zeros)
    TORCH_ARG(HeadSplit, head_split) = HeadSplit::Authors;
};

// `attention`: linear_k, linear_v, linear_q, linear_final, layer_norm; out = LN(x + final(attn(x))).
class MultiHeadAttentionImpl : public torch::nn::Module {
public:
    explicit MultiHeadAttentionImpl(const TransferOptions& options);
    torch::Tensor forward(const torch::Tensor& x);

    TransferOptions options;
    torch::nn::Linear linear_k{nullptr}, linear_v{nullptr}, linear_q{nullptr}, linear_final{nullptr};
    torch::nn::LayerNorm layer_norm{nullptr};
};
TORCH_MODULE(MultiHeadAttention);

// `feed_forward`: w1, w2 (1x1 convolutions), layer_norm; out = LN(x + w2(relu(w1(x)))).
class FeedForwardImpl : public torch::nn::Module {
public:
    explicit FeedForwardImpl(const TransferOptions& options);
    torch::Tensor forward(const torch::Tensor& x);

    torch::nn::Conv1d w1{nullptr}, w2{nullptr};
    torch::nn::LayerNorm layer_norm{nullptr};
};
TORCH_MODULE(FeedForward);

class EncoderLayerImpl : public torch::nn::Module {
public:
    explicit EncoderLayerImpl(const TransferOptions& options);
    torch::Tensor forward(const torch::Tensor& x);

    MultiHeadAttention attention{nullptr};
    FeedForward feed_forward{nullptr};
};
TORCH_MODULE(EncoderLayer);

// `pos_embedding.position_encoding`: [max_positions + 1, D] fixed table (requires_grad false, but a
// parameter as in the authors' code, so it is in the state_dict). Row i = PE(i - 1), row 0 = zeros.
class PositionalEncodingImpl : public torch::nn::Module {
public:
    explicit PositionalEncodingImpl(const TransferOptions& options);
    // [P, D] rows 1..P; throws if P exceeds the table.
    torch::Tensor forward(std::int64_t positions);

    torch::nn::Embedding position_encoding{nullptr};
};
TORCH_MODULE(PositionalEncoding);

class TransferImpl : public torch::nn::Module {
public:
    explicit TransferImpl(const TransferOptions& options);
    // [B, P, D] -> [B, P, D]: x + PE, then every encoder layer (no final activation).
    torch::Tensor forward(const torch::Tensor& x);

    torch::nn::ModuleList encoder_layers{nullptr};
    PositionalEncoding pos_embedding{nullptr};
};
TORCH_MODULE(Transfer);

} // namespace fc::net
