#pragma once
// Reading and writing model directories with torch types (internal; the public side is modelfiles.h).
// All functions throw ModelError with one line naming the file and the problem.
#include "fc/model/modelfiles.h"
#include "torch/network.h"

#include <memory>
#include <string>
#include <vector>

namespace fc::net {

// Tensors of a weights.pt / torch.save file, in file order. Accepts PyTorch's zip format only (the
// default since 1.6, and what torch::pickle_save writes); a legacy pickle file is rejected with a message
// saying how to convert it.
std::vector<std::pair<std::string, torch::Tensor>> readTensorFile(const std::string& path);
void writeTensorFile(const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                     const std::string& path);

// Copies `tensors` into `network` after checking that names and shapes are exactly the network's
// checkpoint schema (no missing, no extra) and every value is finite. `what` names the source in errors.
void assignStateDict(Network& network, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                     const std::string& what);

// model.json + labels.txt + vocab.txt + weights.pt under a temporary sibling, then renamed onto outDir
// (an existing outDir is replaced). `vocabulary`: sorted, unique words (ids 1..V).
void writeModelDirectory(const ModelConfig& config, const std::vector<std::string>& vocabulary,
                         const Network& network, const std::string& outDir);

// Builds the network described by `directory` and loads its weights (validated).
std::unique_ptr<Network> loadNetwork(const std::string& directory, const ModelConfig& config);

} // namespace fc::net
