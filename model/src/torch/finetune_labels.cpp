// extendLabels and descriptionFeature (finetune_labels.h).
#include "torch/finetune_labels.h"

#include "fc/model/errors.h"
#include "fc/model/tokenizer.h"
#include "torch/baselines.h"
#include "torch/checkpoint.h"
#include "torch/fusion.h"

#include <algorithm>
#include <unordered_map>

namespace fc::finetune {

namespace {

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

torch::Tensor embeddingTable(net::Network& network) {
    for (const auto& p : network.module().named_parameters(true))
        if (p.key() == "word_rep.embed.weight" || p.key() == "embed.weight")
            return p.value();
    return {};
}

// Row r of `rows` ([Y, F]) re-scaled to the mean L2 norm of the existing rows.
torch::Tensor scaledLike(const torch::Tensor& direction, const torch::Tensor& existing) {
    const auto norm = direction.norm();
    const auto target = existing.norm(2, {1}).mean();
    if (norm.item<double>() <= 0.0)
        return existing.mean(0);
    return direction / norm * target;
}

} // namespace

torch::Tensor descriptionFeature(net::Network& network, const std::string& description,
                                 const Vocabulary& vocabulary) {
    std::vector<std::int64_t> ids;
    const auto maxTokens = network.config().options.maxTokens;
    for (const auto& token : tokenize(description)) {
        if (static_cast<std::int64_t>(ids.size()) >= maxTokens)
            break;
        const auto id = vocabulary.id(token.text);
        if (id != vocabulary.unkId())
            ids.push_back(id);
    }
    if (ids.empty())
        return {};
    torch::NoGradGuard noGrad;
    const bool wasTraining = network.module().is_training();
    network.module().eval();
    const auto input = torch::tensor(ids, torch::kInt64).reshape({1, static_cast<std::int64_t>(ids.size())});
    torch::Tensor feature;
    if (auto* fusion = dynamic_cast<net::FusionImpl*>(&network.module())) {
        const auto x = fusion->word_rep(input).transpose(1, 2);
        std::vector<torch::Tensor> local;
        for (const auto& item : *fusion->conv)
            local.push_back(item.value()->as<net::FusionBranch>()->forward(x).transpose(1, 2));
        feature = torch::tanh(fusion->transfer(torch::cat(local, 2))).mean(1).squeeze(0);
    } else if (auto* caml = dynamic_cast<net::CamlImpl*>(&network.module())) {
        // The features CAML's label attention reads: tanh(conv(embeddings)), averaged over positions.
        feature = torch::tanh(caml->conv(caml->embed(input).transpose(1, 2))).mean(2).squeeze(0);
    } else if (auto* multires = dynamic_cast<net::MultiResCnnImpl*>(&network.module())) {
        const auto x = multires->word_rep(input).transpose(1, 2);
        std::vector<torch::Tensor> branches;
        for (const auto& item : *multires->conv)
            branches.push_back(item.value()->as<net::MultiResCnnBranch>()->forward(x));
        feature = torch::cat(branches, 1).mean(2).squeeze(0);
    } else if (auto table = embeddingTable(network); table.defined()) {
        feature = table.index_select(0, input.squeeze(0)).mean(0);
    }
    network.module().train(wasTraining);
    return feature;
}

ExtendedNetwork extendLabels(net::Network& base, const std::vector<std::string>& newLabels,
                             const Vocabulary& vocabulary,
                             const std::map<std::string, std::string>& descriptions) {
    ModelConfig config = base.config();
    const std::vector<std::string> oldLabels = config.labels;
    std::unordered_map<std::string, std::int64_t> oldIndex;
    for (std::size_t i = 0; i < oldLabels.size(); ++i)
        oldIndex.emplace(oldLabels[i], static_cast<std::int64_t>(i));
    config.labels.insert(config.labels.end(), newLabels.begin(), newLabels.end());
    std::sort(config.labels.begin(), config.labels.end());
    config.labels.erase(std::unique(config.labels.begin(), config.labels.end()), config.labels.end());
    const auto oldY = static_cast<std::int64_t>(oldLabels.size());
    const auto newY = static_cast<std::int64_t>(config.labels.size());

    // Width F of the per-label rows the description feature initialises (final.weight is [Y, F]).
    std::int64_t featureWidth = -1;
    for (const auto& [name, tensor] : net::stateDict(base))
        if (endsWith(name, "final.weight") && tensor.dim() == 2)
            featureWidth = tensor.size(1);

    ExtendedNetwork result;
    std::unordered_map<std::string, torch::Tensor> features; // new label -> [F] or undefined
    for (const auto& label : config.labels) {
        if (oldIndex.count(label) != 0)
            continue;
        const auto it = descriptions.find(label);
        torch::Tensor feature;
        if (it != descriptions.end())
            feature = descriptionFeature(base, it->second, vocabulary);
        if (feature.defined() && feature.size(0) != featureWidth)
            feature = torch::Tensor();
        if (!feature.defined())
            result.withoutDescription.push_back(label);
        features.emplace(label, feature);
    }

    torch::NoGradGuard noGrad;
    result.network = net::makeNetwork(config);
    std::unordered_map<std::string, torch::Tensor> baseTensors;
    for (auto& [name, tensor] : net::stateDict(base))
        baseTensors.emplace(name, tensor);
    std::vector<std::pair<std::string, torch::Tensor>> merged;
    for (auto& [name, fresh] : net::stateDict(*result.network)) {
        const auto it = baseTensors.find(name);
        if (it == baseTensors.end())
            throw ModelError("label extension: the base model has no tensor '" + name + "'");
        const torch::Tensor& old = it->second;
        if (old.sizes() == fresh.sizes()) {
            merged.emplace_back(name, old.clone());
            continue;
        }
        if (old.dim() < 1 || old.size(0) != oldY || fresh.size(0) != newY ||
            old.sizes().slice(1) != fresh.sizes().slice(1))
            throw ModelError("label extension: tensor '" + name + "' is not per-label");
        auto grown = torch::empty(fresh.sizes(), old.options());
        const bool bias = old.dim() == 1;
        for (std::int64_t row = 0; row < newY; ++row) {
            const auto& label = config.labels[static_cast<std::size_t>(row)];
            const auto known = oldIndex.find(label);
            if (known != oldIndex.end()) {
                grown[row].copy_(old[known->second]);
                continue;
            }
            const torch::Tensor& feature = features.at(label);
            if (bias) {
                // final.bias: the lowest existing bias (a new code starts rarely predicted); other biases
                // (e.g. U.bias, unused by the forward pass) take the mean.
                grown[row].copy_(endsWith(name, "final.bias") ? old.min() : old.mean());
            } else if (feature.defined() && feature.size(0) == old.size(1) &&
                       (endsWith(name, "U.weight") || endsWith(name, "final.weight"))) {
                grown[row].copy_(scaledLike(feature, old));
            } else {
                grown[row].copy_(old.mean(0));
            }
        }
        merged.emplace_back(name, grown);
    }
    std::sort(result.withoutDescription.begin(), result.withoutDescription.end());
    net::assignStateDict(*result.network, merged, "label extension");
    return result;
}

} // namespace fc::finetune
