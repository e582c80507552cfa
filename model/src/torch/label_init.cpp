// initialiseLabelRowsFromDescriptions and initialiseBiasesFromFrequencies (label_init.h).
#include "torch/label_init.h"

#include "torch/finetune_labels.h"

#include <algorithm>
#include <cmath>

namespace fc::trainer {

namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The per-label tensors of the output layer, by name suffix ("U.weight", "final.weight", "final.bias").
torch::Tensor perLabelTensor(net::Network& network, const std::string& suffix) {
    const auto labels = static_cast<std::int64_t>(network.config().labels.size());
    for (auto& [name, tensor] : net::stateDict(network))
        if (endsWith(name, suffix) && tensor.dim() >= 1 && tensor.size(0) == labels)
            return tensor;
    return {};
}

// The per-label output bias: `final.bias` for Fusion and the baselines; LAAT/JointLAAT keep theirs in
// `attention.third_linears.<level>.bias`, the code level being the one with a row per label.
torch::Tensor outputBias(net::Network& network) {
    if (auto bias = perLabelTensor(network, "final.bias"); bias.defined())
        return bias;
    const auto labels = static_cast<std::int64_t>(network.config().labels.size());
    torch::Tensor last; // the code level comes last (JointLAAT's parents may have as many rows)
    for (auto& [name, tensor] : net::stateDict(network))
        if (name.find("third_linears.") != std::string::npos && endsWith(name, ".bias") &&
            tensor.dim() == 1 && tensor.size(0) == labels)
            last = tensor;
    return last;
}

} // namespace

std::size_t
initialiseLabelRowsFromDescriptions(net::Network& network, const Vocabulary& vocabulary,
                                    const std::unordered_map<std::string, std::string>& descriptions) {
    const torch::Tensor final = perLabelTensor(network, "final.weight");
    if (!final.defined() || final.dim() != 2)
        return 0;
    const torch::Tensor attention = perLabelTensor(network, "U.weight"); // undefined with shared attention
    torch::NoGradGuard noGrad;
    // Rows keep the scale of the random initialisation (xavier): only their directions change.
    const double finalNorm = final.norm(2, {1}).mean().item<double>();
    const double attentionNorm = attention.defined() ? attention.norm(2, {1}).mean().item<double>() : 0.0;
    const auto& labels = network.config().labels;
    std::size_t initialised = 0;
    for (std::size_t y = 0; y < labels.size(); ++y) {
        const auto it = descriptions.find(labels[y]);
        if (it == descriptions.end())
            continue;
        const torch::Tensor feature = finetune::descriptionFeature(network, it->second, vocabulary);
        if (!feature.defined() || feature.size(0) != final.size(1))
            continue;
        const double norm = feature.norm().item<double>();
        if (!(norm > 0.0))
            continue;
        const auto row = static_cast<std::int64_t>(y);
        final[row].copy_(feature / norm * finalNorm);
        if (attention.defined() && attention.dim() == 2 && attention.size(1) == feature.size(0))
            attention[row].copy_(feature / norm * attentionNorm);
        ++initialised;
    }
    return initialised;
}

void initialiseBiasesFromFrequencies(net::Network& network, const std::vector<std::size_t>& positives,
                                     std::size_t notes) {
    torch::Tensor bias = outputBias(network);
    if (!bias.defined() || bias.dim() != 1 || notes == 0)
        return;
    torch::NoGradGuard noGrad;
    const double floor = 0.5 / static_cast<double>(notes); // a code never seen in training: half a note
    for (std::size_t y = 0; y < positives.size() && static_cast<std::int64_t>(y) < bias.size(0); ++y) {
        const double p =
            std::clamp(static_cast<double>(positives[y]) / static_cast<double>(notes), floor, 1.0 - floor);
        bias[static_cast<std::int64_t>(y)].fill_(std::log(p / (1.0 - p)));
    }
}

} // namespace fc::trainer
