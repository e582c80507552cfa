#include "torch/transformer.h"
#include "torch/layers.h"

#include <cmath>

namespace fc::net {

namespace {

// The layer norms stay float32 in fast mode (inWeightDtype, layers.h).
torch::Tensor layerNorm(torch::nn::LayerNorm& norm, const torch::Tensor& x) {
    return inWeightDtype(norm->weight, x, [&](const torch::Tensor& in) { return norm(in); });
}

} // namespace

MultiHeadAttentionImpl::MultiHeadAttentionImpl(const TransferOptions& o) : options(o) {
    TORCH_CHECK(o.model_dim() % o.heads() == 0, "model_dim must be a multiple of heads");
    // The authors' scale is 1/sqrt(perHead // heads) (integer division, kept for exactness): when a head is
    // narrower than the number of heads that is 1/sqrt(0), and every score becomes NaN (their code divides by
    // zero there). Refuse such a network instead of training or scoring NaN.
    TORCH_CHECK(o.head_split() != HeadSplit::Authors || o.model_dim() / o.heads() >= o.heads(),
                "with the authors' head split, model_dim / heads (", o.model_dim() / o.heads(),
                ") must be at least heads (", o.heads(), "): raise filter_maps or lower heads");
    linear_k = register_module("linear_k", torch::nn::Linear(o.model_dim(), o.model_dim()));
    linear_v = register_module("linear_v", torch::nn::Linear(o.model_dim(), o.model_dim()));
    linear_q = register_module("linear_q", torch::nn::Linear(o.model_dim(), o.model_dim()));
    linear_final = register_module("linear_final", torch::nn::Linear(o.model_dim(), o.model_dim()));
    layer_norm =
        register_module("layer_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.model_dim()})));
}

torch::Tensor MultiHeadAttentionImpl::forward(const torch::Tensor& x) {
    const auto batch = x.size(0), positions = x.size(1), dim = x.size(2);
    const auto heads = options.heads(), perHead = dim / heads;
    auto k = linear_k(x), v = linear_v(x), q = linear_q(x);
    torch::Tensor context;
    if (options.head_split() == HeadSplit::Authors) {
        // The raw reinterpretation of the authors' code: head h of sample b is a quarter of the flat memory.
        const double scale = 1.0 / std::sqrt(static_cast<double>(perHead / heads));
        k = k.reshape({batch * heads, -1, perHead});
        v = v.reshape({batch * heads, -1, perHead});
        q = q.reshape({batch * heads, -1, perHead});
        // Scaled in place: the [B*heads, P, P] matrix (25 MB at 2,500 tokens) is not allocated a second time.
        // Bit-identical to `* scale`; folding the scale into q would round differently (issue #14).
        torch::Tensor attn;
        if (inferenceOnly()) {
            // The scale as the GEMM's alpha (applied to each finished dot product, one rounding as mul_) and
            // the softmax in place: no second allocation, no separate scaling pass. Zeroed first: LibTorch
            // 1.13's small-matrix baddbmm computes 0 * C, so garbage NaN in C would survive beta = 0.
            attn = torch::zeros({q.size(0), q.size(1), k.size(1)}, q.options());
            at::baddbmm_out(attn, attn, q, k.transpose(1, 2), 0.0, scale);
            at::_softmax_out(attn, attn, 2, false);
        } else {
            auto scores = torch::bmm(q, k.transpose(1, 2));
            scores.mul_(scale);
            attn = torch::softmax(scores, 2);
        }
        context = torch::bmm(attn, v).reshape({batch, -1, perHead * heads});
    } else {
        const double scale = 1.0 / std::sqrt(static_cast<double>(perHead));
        auto split = [&](const torch::Tensor& t) {
            return t.view({batch, positions, heads, perHead}).transpose(1, 2);
        };
        const auto attn = torch::softmax(torch::matmul(split(q), split(k).transpose(2, 3)) * scale, 3);
        context = torch::matmul(attn, split(v)).transpose(1, 2).reshape({batch, positions, dim});
    }
    return layerNorm(layer_norm, x + linear_final(context));
}

FeedForwardImpl::FeedForwardImpl(const TransferOptions& o) {
    w1 = register_module("w1", torch::nn::Conv1d(torch::nn::Conv1dOptions(o.model_dim(), o.ffn_dim(), 1)));
    w2 = register_module("w2", torch::nn::Conv1d(torch::nn::Conv1dOptions(o.ffn_dim(), o.model_dim(), 1)));
    layer_norm =
        register_module("layer_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.model_dim()})));
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& x) {
    if (!inferenceOnly()) {
        const auto y = w2(torch::relu(w1(x.transpose(1, 2)))).transpose(1, 2);
        return layer_norm(x + y);
    }
    // The kernel-1 convolutions as the position-wise linear maps they are, on [B*P, D] rows: no transposes,
    // no convolution dispatch; ReLU and the residual sum in place.
    const auto rows = x.reshape({-1, x.size(2)});
    auto hidden = torch::addmm(w1->bias, rows, w1->weight.select(2, 0).t());
    hidden.relu_();
    auto y = torch::addmm(w2->bias, hidden, w2->weight.select(2, 0).t());
    y.add_(rows);
    return layerNorm(layer_norm, y.view(x.sizes()));
}

EncoderLayerImpl::EncoderLayerImpl(const TransferOptions& o) {
    attention = register_module("attention", MultiHeadAttention(o));
    feed_forward = register_module("feed_forward", FeedForward(o));
}

torch::Tensor EncoderLayerImpl::forward(const torch::Tensor& x) {
    return feed_forward(attention(x));
}

PositionalEncodingImpl::PositionalEncodingImpl(const TransferOptions& o) {
    const auto rows = o.max_positions(), dim = o.model_dim();
    // Computed in double as the authors' numpy code does (pos / 10000^(2 floor(j/2) / D)), stored as float.
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    const auto pos = torch::arange(rows, f64).unsqueeze(1);
    const auto pairIndex = torch::floor_divide(torch::arange(dim, f64), 2.0);
    const auto angle = pos / torch::pow(10000.0, 2.0 * pairIndex / static_cast<double>(dim)).unsqueeze(0);
    const auto even = (torch::arange(dim, torch::kInt64).remainder(2) == 0).unsqueeze(0);
    auto table = torch::zeros({rows + 1, dim}, f64);
    table.narrow(0, 1, rows).copy_(torch::where(even, torch::sin(angle), torch::cos(angle)));
    position_encoding = register_module("position_encoding", torch::nn::Embedding(rows + 1, dim));
    torch::NoGradGuard noGrad;
    position_encoding->weight.copy_(table.to(torch::kFloat32));
    position_encoding->weight.set_requires_grad(false);
}

torch::Tensor PositionalEncodingImpl::forward(std::int64_t positions) {
    const auto rows = position_encoding->weight.size(0);
    TORCH_CHECK(positions < rows, "sequence of ", positions, " positions exceeds the positional table (",
                rows - 1, ")");
    return position_encoding->weight.narrow(0, 1, positions);
}

TransferImpl::TransferImpl(const TransferOptions& o) {
    encoder_layers = register_module("encoder_layers", torch::nn::ModuleList());
    for (std::int64_t i = 0; i < o.layers(); ++i)
        encoder_layers->push_back(EncoderLayer(o));
    pos_embedding = register_module("pos_embedding", PositionalEncoding(o));
}

torch::Tensor TransferImpl::forward(const torch::Tensor& x) {
    auto out = x + pos_embedding->forward(x.size(1)).unsqueeze(0);
    for (const auto& layer : *encoder_layers)
        out = layer->as<EncoderLayer>()->forward(out);
    return out;
}

} // namespace fc::net
