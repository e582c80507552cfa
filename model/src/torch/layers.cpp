#include "torch/layers.h"
#include "torch/random_embedding.h"

#include <cstdlib>
#include <string_view>

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

namespace {

// A ResidualBlock's normalisation (GroupNorm or BatchNorm1d) at `left[1]`, `left[4]` or `shortcut[1]`. In
// fast mode it stays float32 (Engine::load): the bfloat16 input is normalised in float32 and converted back.
torch::Tensor normalise(const std::shared_ptr<torch::nn::Module>& norm, const torch::Tensor& x) {
    auto* group = norm->as<torch::nn::GroupNormImpl>();
    auto* batch = group ? nullptr : norm->as<torch::nn::BatchNorm1dImpl>();
    const auto& weight = group ? group->weight : batch->weight;
    return inWeightDtype(
        weight, x, [&](const torch::Tensor& in) { return group ? group->forward(in) : batch->forward(in); });
}

} // namespace

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& x) {
    if (is_training() || !inferenceOnly())
        return dropout(torch::tanh(left->forward(x) + shortcut->forward(x)));
    // Same operations; the 1x1 shortcut as a matrix product, the sum and tanh in place (dropout is off).
    auto out = normalise(left->ptr(1), left->ptr<torch::nn::Conv1dImpl>(0)->forward(x)).tanh_();
    out = normalise(left->ptr(4), left->ptr<torch::nn::Conv1dImpl>(3)->forward(out));
    out.add_(normalise(shortcut->ptr(1), pointwiseConv(*shortcut->ptr<torch::nn::Conv1dImpl>(0), x)));
    return out.tanh_();
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
    const auto scores =
        pointwiseConv(*att_conv->ptr<torch::nn::Conv1dImpl>(0), padded).view({batch, 1, positions, g});
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

std::pair<torch::Tensor, torch::Tensor> OutputLayerImpl::infer(const torch::Tensor& g, bool wantAttention) {
    if (!inferenceOnly() || options.shared_attention()) {
        auto out = forward(g);
        if (!wantAttention)
            out.second = torch::Tensor();
        return out;
    }
    const auto batch = g.size(0), positions = g.size(1), labels = options.labels();
    const auto block = std::min(kLabelBlock, labels);
    const auto& u = U->weight;
    const auto& w = final->weight;
    const auto& bias = final->bias;
    auto logits = torch::empty({batch, labels}, g.options());
    const auto attention =
        wantAttention ? torch::empty({batch, labels, positions}, g.options()) : torch::Tensor();
    const auto scratch = wantAttention ? torch::Tensor() : torch::empty({block, positions}, g.options());
    auto v = torch::empty({block, g.size(2)}, g.options());
    for (std::int64_t b = 0; b < batch; ++b) {
        const auto h = g[b]; // [P, D]
        const auto ht = h.t();
        for (std::int64_t first = 0; first < labels; first += block) {
            const auto rows = std::min(block, labels - first);
            auto alpha = wantAttention ? attention[b].narrow(0, first, rows) : scratch.narrow(0, 0, rows);
            torch::mm_out(alpha, u.narrow(0, first, rows), ht);
            at::_softmax_out(alpha, alpha, 1, false); // in place: each row is read before it is written
            auto m = v.narrow(0, 0, rows);
            torch::mm_out(m, alpha, h);
            logits[b]
                .narrow(0, first, rows)
                .copy_(w.narrow(0, first, rows).mul(m).sum(1).add_(bias.narrow(0, first, rows)));
        }
    }
    return {logits, attention};
}

bool inferenceOnly() {
    // FC_REFERENCE_GRAPH=1: run the training graph's operations at inference too (A/B measurements of the
    // shortcuts in one binary, docs/PERFORMANCE.md).
    static const bool referenceGraph = [] {
        const char* value = std::getenv("FC_REFERENCE_GRAPH");
        return value != nullptr && std::string_view(value) == "1";
    }();
    return !referenceGraph && !torch::GradMode::is_enabled();
}

torch::Tensor pointwiseConv(torch::nn::Conv1dImpl& conv, const torch::Tensor& x) {
    const auto& o = conv.options;
    const auto* padding =
        c10::get_if<torch::ExpandingArray<1>>(&o.padding()); // kValid / kSame: none at k = 1
    const bool plain = o.kernel_size()->at(0) == 1 && o.stride()->at(0) == 1 && o.groups() == 1 &&
                       (padding == nullptr || (*padding)->at(0) == 0);
    if (!inferenceOnly() || !plain || x.dim() != 3)
        return conv.forward(x);
    const auto weight = conv.weight.select(2, 0); // [O, C]
    if (x.size(0) == 1) {
        // x[0] may be a transposed view: the BLAS reads it with a transpose flag, no copy.
        const auto y = conv.bias.defined() ? torch::addmm(conv.bias.unsqueeze(1), weight, x[0])
                                           : torch::mm(weight, x[0]);
        return y.unsqueeze(0);
    }
    auto y = torch::matmul(weight, x);
    if (conv.bias.defined())
        y.add_(conv.bias.unsqueeze(1));
    return y;
}

} // namespace fc::net
