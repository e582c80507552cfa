#pragma once
// Starting values for the per-label rows of a freshly built network (training extras beyond the paper,
// both off by default; docs/MODELS.md measures them on CodiEsp):
//  - description init: each code's attention vector (U.weight row) and output vector (final.weight row)
//    start as the encoded words of its description, so a note that uses those words attends to them and
//    scores the code before any training example of it was seen;
//  - frequency bias: each code's output bias starts at the log-odds of its training frequency, so the
//    first epochs do not spend themselves learning how rare codes are.
#include "fc/model/vocabulary.h"
#include "torch/network.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace fc::trainer {

// Returns how many labels got a description row (the others keep their random initialisation). Labels of
// architectures whose description feature does not match the row width are left alone (returns 0).
std::size_t
initialiseLabelRowsFromDescriptions(net::Network& network, const Vocabulary& vocabulary,
                                    const std::unordered_map<std::string, std::string>& descriptions);

// positives[y] = training notes with label y, out of `notes`; frequencies are clamped away from 0 and 1.
void initialiseBiasesFromFrequencies(net::Network& network, const std::vector<std::size_t>& positives,
                                     std::size_t notes);

} // namespace fc::trainer
