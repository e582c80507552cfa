#include "metrics_input.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace fc::detail {

std::vector<std::vector<std::int32_t>>
normalizedGold(const ScoreMatrix& scores, const std::vector<GoldCodes>& gold, const char* caller) {
    if (scores.values.size() != scores.docs * scores.labels)
        throw std::invalid_argument(std::string(caller) + ": score matrix holds " +
                                    std::to_string(scores.values.size()) + " values, expected " +
                                    std::to_string(scores.docs) + " x " + std::to_string(scores.labels));
    if (gold.size() != scores.docs)
        throw std::invalid_argument(std::string(caller) + ": " + std::to_string(gold.size()) +
                                    " gold entries for " + std::to_string(scores.docs) + " documents");
    std::vector<std::vector<std::int32_t>> result(gold.size());
    for (std::size_t doc = 0; doc < gold.size(); ++doc) {
        if (gold[doc].outsideLabelSet < 0)
            throw std::invalid_argument(std::string(caller) + ": document " + std::to_string(doc) +
                                        " has a negative count of gold codes outside the label set");
        std::vector<std::int32_t> labels = gold[doc].labels;
        for (std::int32_t label : labels) {
            if (label < 0 || static_cast<std::size_t>(label) >= scores.labels)
                throw std::invalid_argument(std::string(caller) + ": document " + std::to_string(doc) +
                                            " has gold label index " + std::to_string(label) +
                                            " outside [0, " + std::to_string(scores.labels) + ")");
        }
        std::sort(labels.begin(), labels.end());
        labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
        result[doc] = std::move(labels);
    }
    return result;
}

void throwNanScore(const char* caller, std::size_t doc, std::size_t label) {
    throw std::invalid_argument(std::string(caller) + ": score of document " + std::to_string(doc) +
                                ", label " + std::to_string(label) + " is NaN");
}

} // namespace fc::detail
