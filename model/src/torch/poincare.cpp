#include "torch/poincare.h"

#include <torch/autograd.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace fc::net::poincare {

namespace {

constexpr double kMinNorm = 1e-15;
constexpr double kBoundaryGap = 1e-5; // points stay at norm <= (1 - gap) / sqrt(c)

torch::Tensor safeNorm(const torch::Tensor& x) {
    return x.norm(2, -1, true).clamp_min(kMinNorm);
}

torch::Tensor artanh(const torch::Tensor& x) {
    const auto z = x.clamp(-1.0 + kBoundaryGap, 1.0 - kBoundaryGap);
    return 0.5 * (torch::log1p(z) - torch::log1p(-z));
}

} // namespace

torch::Tensor project(const torch::Tensor& x, double c) {
    const double maxNorm = (1.0 - kBoundaryGap) / std::sqrt(c);
    const auto n = safeNorm(x);
    return torch::where(n > maxNorm, x / n * maxNorm, x);
}

torch::Tensor mobiusAdd(const torch::Tensor& x, const torch::Tensor& y, double c) {
    const auto xy = (x * y).sum(-1, true);
    const auto x2 = (x * x).sum(-1, true);
    const auto y2 = (y * y).sum(-1, true);
    const auto numerator = (1.0 + 2.0 * c * xy + c * y2) * x + (1.0 - c * x2) * y;
    const auto denominator = 1.0 + 2.0 * c * xy + c * c * x2 * y2;
    return project(numerator / denominator.clamp_min(kMinNorm), c);
}

torch::Tensor expMap0(const torch::Tensor& v, double c) {
    const double s = std::sqrt(c);
    const auto n = safeNorm(v);
    return project(torch::tanh(s * n) * v / (s * n), c);
}

torch::Tensor logMap0(const torch::Tensor& y, double c) {
    const double s = std::sqrt(c);
    const auto n = safeNorm(y);
    return artanh(s * n) * y / (s * n);
}

torch::Tensor distance(const torch::Tensor& x, const torch::Tensor& y, double c) {
    const double s = std::sqrt(c);
    const auto difference = mobiusAdd(-x, y, c);
    return (2.0 / s) * artanh(s * difference.norm(2, -1));
}

torch::Tensor mobiusMatVec(const torch::Tensor& weight, const torch::Tensor& x, double c) {
    return expMap0(torch::matmul(logMap0(x, c), weight.t()), c);
}

double fitEmbedding(torch::Tensor& points, const std::vector<std::int64_t>& from,
                    const std::vector<std::int64_t>& to, int epochs, double learningRate, int negatives) {
    if (from.size() != to.size() || points.dim() != 2 || epochs < 0 || negatives < 1)
        throw std::invalid_argument("poincare::fitEmbedding: inconsistent arguments");
    if (from.empty() || epochs == 0)
        return 0.0;
    const auto nodes = points.size(0);
    const auto u = torch::tensor(from, torch::kInt64);
    const auto v = torch::tensor(to, torch::kInt64);
    const auto links = u.size(0);
    torch::AutoGradMode gradients(true); // the caller may run under a NoGradGuard
    auto x = points.detach().clone();
    const int burnIn = std::max(1, epochs / 10);
    double last = 0.0;
    for (int epoch = 0; epoch < epochs; ++epoch) {
        x.set_requires_grad(true);
        // Candidates per link: the linked node first, then random nodes.
        const auto candidates = torch::cat({v.unsqueeze(1), torch::randint(nodes, {links, negatives})}, 1);
        const auto d = distance(x.index_select(0, u).unsqueeze(1),
                                x.index_select(0, candidates.view(-1)).view({links, negatives + 1, -1}));
        // Summed, so each link moves its nodes as one SGD sample would (a mean would shrink the steps with
        // the graph's size).
        const auto loss = -torch::log_softmax(-d, 1).select(1, 0).sum();
        const auto gradient = torch::autograd::grad({loss}, {x})[0];
        last = loss.item<double>() / static_cast<double>(links);
        torch::NoGradGuard noGrad;
        const double rate = epoch < burnIn ? learningRate / 10.0 : learningRate;
        const auto scale = (1.0 - (x * x).sum(-1, true)).pow(2) / 4.0;
        x = project(x.detach() - rate * scale * gradient);
    }
    torch::NoGradGuard noGrad;
    points.copy_(x.detach());
    return last;
}

} // namespace fc::net::poincare
