// The masked BCE of fine-tuning and its test hook maskedBceWithLogits (finetune.h).
#include "torch/finetune_loss.h"

#include "fc/model/finetune.h"

#include <torch/nn/functional/loss.h>

#include <stdexcept>

namespace fc {

namespace finetune {

torch::Tensor maskedBce(const torch::Tensor& logits, const torch::Tensor& targets,
                        const torch::Tensor& mask) {
    namespace F = torch::nn::functional;
    const auto perEntry = F::binary_cross_entropy_with_logits(
        logits, targets, F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone));
    // Multiplying by the mask (not indexing) keeps the graph shape fixed; d(loss)/d(logit) = mask * (...).
    const auto weighted = perEntry * mask;
    return weighted.sum() / mask.sum().clamp_min(1.0);
}

} // namespace finetune

double maskedBceWithLogits(const std::vector<float>& logits, const std::vector<float>& targets,
                           const std::vector<float>& mask, std::vector<float>* gradient) {
    if (logits.size() != targets.size() || logits.size() != mask.size())
        throw std::invalid_argument("maskedBceWithLogits: logits, targets and mask differ in size");
    const auto n = static_cast<std::int64_t>(logits.size());
    auto x = torch::tensor(logits, torch::kFloat32).reshape({1, n}).set_requires_grad(true);
    const auto t = torch::tensor(targets, torch::kFloat32).reshape({1, n});
    const auto m = torch::tensor(mask, torch::kFloat32).reshape({1, n});
    auto loss = finetune::maskedBce(x, t, m);
    if (gradient != nullptr) {
        loss.backward();
        const auto g = x.grad().contiguous();
        gradient->assign(g.data_ptr<float>(), g.data_ptr<float>() + n);
    }
    return loss.item<double>();
}

} // namespace fc
