#pragma once
// Helpers of the network unit tests that build one architecture directly (torch internals): a config, the
// checkpoint schema, a right-padded id batch, and a tiny-overfit run on six notes with three codes.
#include "fc/model/modelfiles.h"
#include "torch/network.h"

#include <torch/nn/functional/loss.h>
#include <torch/optim/adam.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace fc::testing {

using Schema = std::map<std::string, std::vector<std::int64_t>>;

inline ModelConfig networkConfig(const std::string& arch, std::vector<std::string> labels,
                                 std::int64_t vocab) {
    ModelConfig c;
    c.arch = arch;
    c.labels = std::move(labels);
    c.vocabularySize = vocab;
    return c;
}

inline Schema schemaOf(const net::Network& network) {
    Schema s;
    for (const auto& [name, tensor] : net::stateDict(network))
        s[name] = tensor.sizes().vec();
    return s;
}

inline torch::Tensor idRows(const std::vector<std::vector<std::int64_t>>& rows) {
    std::size_t n = 0;
    for (const auto& r : rows)
        n = std::max(n, r.size());
    auto t =
        torch::zeros({static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(n)}, torch::kInt64);
    for (std::size_t b = 0; b < rows.size(); ++b)
        for (std::size_t i = 0; i < rows[b].size(); ++i)
            t[static_cast<std::int64_t>(b)][static_cast<std::int64_t>(i)] = rows[b][i];
    return t;
}

// 60 Adam steps (lr 1e-2) on six notes over a 12-word vocabulary, where word 3 means code 0, word 5 code 1
// and word 7 code 2, and the rest is filler. Returns {first loss, last loss, last-step accuracy}. The
// config's labels must be three codes; its sizes should be tiny. `prepare` (optional) runs on the fresh
// network, e.g. the one-time fits the trainer would do (Network::fitLabelStatistics, setLabelDescriptions).
inline std::tuple<double, double, double>
overfitSixNotes(const ModelConfig& config, const std::function<void(net::Network&)>& prepare = {}) {
    torch::manual_seed(3);
    auto network = net::makeNetwork(config);
    if (prepare)
        prepare(*network);
    const auto x = idRows({{1, 3, 2, 4}, {5, 1, 2}, {7, 4, 4, 1, 2}, {3, 7, 2}, {2, 5, 7, 1}, {4, 2, 3, 5}});
    const auto y =
        torch::tensor({1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0}, torch::kFloat32).view({6, 3});
    torch::optim::Adam adam(network->module().parameters(), torch::optim::AdamOptions(1e-2));
    network->module().train();
    double first = 0, last = 0, accuracy = 0;
    for (int step = 0; step < 60; ++step) {
        const auto out = network->forward(x);
        auto loss = torch::nn::functional::binary_cross_entropy_with_logits(out.logits, y);
        loss = loss + network->auxiliaryLoss(y);
        adam.zero_grad();
        loss.backward();
        adam.step();
        (step == 0 ? first : last) = loss.item<double>();
        accuracy = (out.logits.gt(0).to(torch::kFloat32) == y).to(torch::kFloat32).mean().item<double>();
    }
    return {first, last, accuracy};
}

} // namespace fc::testing
