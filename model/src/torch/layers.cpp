#include "torch/layers.h"
#include "torch/random_embedding.h"

namespace F = torch::nn::functional;

namespace fc::net {

WordRepImpl::WordRepImpl(const WordRepOptions& options) {
    embed = register_module(
        "embed",
        torch::nn::Embedding(torch::nn::EmbeddingOptions(options.rows(), options.dim()).padding_idx(0)));
    dropout = register_module("dropout", torch::nn::Dropout(options.dropout()));
}

torch::Tensor WordRepImpl::forward(const torch::Tensor& ids) {
    return dropout(embed(ids));
}

torch::Tensor randomUnitRows(const torch::Tensor& like) {
    torch::NoGradGuard noGrad;
    auto w = torch::randn_like(like);
    w = w / (w.norm(2, {1}, true) + 1e-6);
    w[0].zero_();
    return w;
}

void WordRepImpl::resetToRandomUnitRows() {
    torch::NoGradGuard noGrad;
    embed->weight.copy_(randomUnitRows(embed->weight));
}

ResidualBlockImpl::ResidualBlockImpl(const ResidualBlockOptions& o) {
    using torch::nn::Conv1dOptions;
    auto norm = [&](std::int64_t channels) -> torch::nn::AnyModule {
        if (o.norm() == Normalisation::Batch)
            return torch::nn::AnyModule(torch::nn::BatchNorm1d(channels));
        return torch::nn::AnyModule(torch::nn::GroupNorm(torch::nn::GroupNormOptions(1, channels).eps(1e-5)));
    };
    const auto pad = o.kernel() / 2;
    torch::nn::Sequential l;
    l->push_back(torch::nn::Conv1d(Conv1dOptions(o.in(), o.out(), o.kernel()).padding(pad).bias(false)));
    l->push_back(norm(o.out()));
    l->push_back(torch::nn::Tanh());
    l->push_back(torch::nn::Conv1d(Conv1dOptions(o.out(), o.out(), o.kernel()).padding(pad).bias(false)));
    l->push_back(norm(o.out()));
    left = register_module("left", l);
    torch::nn::Sequential s;
    s->push_back(torch::nn::Conv1d(Conv1dOptions(o.in(), o.out(), 1).bias(false)));
    s->push_back(norm(o.out()));
    shortcut = register_module("shortcut", s);
    dropout = register_module("dropout", torch::nn::Dropout(o.dropout()));
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& x) {
    return dropout(torch::tanh(left->forward(x) + shortcut->forward(x)));
}

SoftPoolImpl::SoftPoolImpl(const SoftPoolOptions& o) : options(o) {
    TORCH_CHECK(o.window() >= 1, "pool window must be >= 1");
    if (o.pooling() == Pooling::SoftAttention) {
        torch::nn::Sequential a;
        a->push_back(torch::nn::Conv1d(torch::nn::Conv1dOptions(o.channels(), 1, 1).bias(false)));
        att_conv = register_module("att_conv", a);
    }
}

torch::Tensor SoftPoolImpl::forward(const torch::Tensor& x, torch::Tensor* weights) {
    const auto g = options.window();
    const auto batch = x.size(0), channels = x.size(1), n = x.size(2);
    const auto positions = (n + g - 1) / g;
    if (options.pooling() == Pooling::Max) {
        // Zero padding could beat tanh outputs < 0: pad with -inf so a short last window keeps its own max.
        const auto p = F::pad(x, F::PadFuncOptions({0, positions * g - n}).value(-INFINITY));
        auto [values, index] = p.view({batch, channels, positions, g}).max(3);
        if (weights) {
            // Share of the channels whose max came from each token (one-hot per channel, averaged).
            auto onehot = torch::zeros({batch, channels, positions, g}, x.options());
            onehot.scatter_(3, index.unsqueeze(3), 1.0);
            *weights = onehot.mean(1).reshape({batch, positions * g}).narrow(1, 0, n);
        }
        return values;
    }
    const auto padded = F::pad(x, F::PadFuncOptions({0, positions * g - n}));
    const auto scores = att_conv->forward(padded).view({batch, 1, positions, g});
    const auto alpha = torch::softmax(scores, 3);
    if (weights)
        *weights = alpha.reshape({batch, positions * g}).narrow(1, 0, n);
    return (padded.view({batch, channels, positions, g}) * alpha).sum(3);
}

OutputLayerImpl::OutputLayerImpl(const OutputLayerOptions& o) : options(o) {
    U = register_module("U", torch::nn::Linear(o.features(), o.shared_attention() ? 1 : o.labels()));
    final = register_module("final", torch::nn::Linear(o.features(), o.labels()));
    torch::nn::init::xavier_uniform_(U->weight);
    torch::nn::init::xavier_uniform_(final->weight);
}

std::pair<torch::Tensor, torch::Tensor> OutputLayerImpl::forward(const torch::Tensor& g) {
    // alpha [B, Y|1, P]; v [B, Y|1, D]; shared attention broadcasts against final.weight [Y, D].
    auto alpha = torch::softmax(U->weight.matmul(g.transpose(1, 2)), 2);
    const auto v = alpha.matmul(g);
    const auto logits = final->weight.mul(v).sum(2).add(final->bias);
    if (options.shared_attention())
        alpha = alpha.expand({g.size(0), options.labels(), g.size(1)});
    return {logits, alpha};
}

} // namespace fc::net
