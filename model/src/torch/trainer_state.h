#pragma once
// The resumable training state `<outDir>.training/state.pt` (internal to fc::model): a torch archive holding
// the network's current (last epoch's, not the best) tensors, Adam's state, the CPU generator state and a
// JSON document with everything else (config, vocabulary, labels, epoch, history, shuffle RNG state).
// Written to a temporary sibling and renamed, so a reader sees the previous complete state or the new one.
#include "torch/network.h"

#include <nlohmann/json.hpp>
#include <torch/optim.h>

#include <string>

namespace fc::trainer {

void saveTrainingState(const std::string& path, const net::Network& network,
                       const torch::optim::Optimizer& optimizer, const nlohmann::json& meta);

// The JSON part only (to rebuild the network before restoring tensors). Throws ModelError naming the file.
nlohmann::json readTrainingStateMeta(const std::string& path);

// Copies the saved tensors into `network` (same schema required), loads the optimizer state and sets the
// default CPU generator's state. Throws ModelError naming the file.
void restoreTrainingState(const std::string& path, net::Network& network, torch::optim::Optimizer& optimizer);

} // namespace fc::trainer
