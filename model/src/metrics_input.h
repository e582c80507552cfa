#pragma once
// Input checks shared by the metric functions (internal to fc::model).
#include "fc/model/metrics.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fc::detail {

// Per document, the gold label indices sorted ascending without duplicates. Throws std::invalid_argument
// (message names `caller`) when the matrix shape is inconsistent, gold.size() != scores.docs, a label index
// is outside [0, scores.labels) or outsideLabelSet is negative.
std::vector<std::vector<std::int32_t>> normalizedGold(const ScoreMatrix& scores,
                                                      const std::vector<GoldCodes>& gold, const char* caller);

// Throws std::invalid_argument naming `caller`, the document and the label of a NaN score.
[[noreturn]] void throwNanScore(const char* caller, std::size_t doc, std::size_t label);

} // namespace fc::detail
