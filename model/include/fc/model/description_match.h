#pragma once
// How much of each code's catalog description a note mentions: the share of the description's content
// words (IDF-weighted over the training notes) that occur in the note. On CodiEsp, whose codes were
// assigned from explicit mentions, this alone ranks codes better than the nearest-neighbour vote
// (docs/MODELS.md); it is the second part of a model's retrieval component (modelfiles.h RetrievalOptions).
#include "fc/model/neighbours.h"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fc {

class DescriptionMatcher {
public:
    DescriptionMatcher() = default;
    // Per label, the description's words minus ICD boilerplate and function words ("unspecified", "of",
    // "initial encounter", ...), weighted by their IDF in `idfSource` (words the training notes never use get
    // the highest IDF). Labels without a description never match.
    static DescriptionMatcher build(const std::vector<std::string>& labels,
                                    const std::unordered_map<std::string, std::string>& descriptions,
                                    const NeighbourIndex& idfSource);

    // Per label (build()'s order), in [0, 1].
    std::vector<float> match(std::string_view utf8Text) const;

    // `code<TAB>description` lines; throws ModelError naming the file and line when it is unreadable or a
    // line has no tab or is not valid UTF-8.
    static std::unordered_map<std::string, std::string> readDescriptions(const std::string& path);

private:
    std::unordered_map<std::string, std::vector<std::pair<std::uint32_t, float>>>
        m_wordLabels; // word -> (label, weight)
    std::size_t m_labels = 0;
};

} // namespace fc
