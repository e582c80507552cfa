#pragma once
// Growing a network's label set for fine-tuning (internal to fc::model; finetune.h states the contract:
// old rows copied, new rows from the description's encoded words, labels kept sorted).
#include "fc/model/vocabulary.h"
#include "torch/network.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fc::finetune {

struct ExtendedNetwork {
    std::unique_ptr<net::Network> network;       // config().labels = sorted union of old and new labels
    std::vector<std::string> withoutDescription; // new labels initialised from the mean of existing rows
};

// `newLabels` must not be in base.config().labels. Uses the current torch RNG only for tensors it then
// overwrites. Throws ModelError when a per-label tensor of the architecture has an unexpected shape.
ExtendedNetwork extendLabels(net::Network& base, const std::vector<std::string>& newLabels,
                             const Vocabulary& vocabulary,
                             const std::map<std::string, std::string>& descriptions);

// Mean over positions of the encoder output (the features the output layer attends over, [F]) for the
// description's tokens; undefined when the architecture's encoder is not reachable and F != embedding dim
// (then the mean of the description's embedding rows is used when F == embedding dim).
torch::Tensor descriptionFeature(net::Network& network, const std::string& description,
                                 const Vocabulary& vocabulary);

} // namespace fc::finetune
