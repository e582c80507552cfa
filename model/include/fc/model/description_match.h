#pragma once
// How much of each code's catalog description a note mentions: the share of the description's content
// words (IDF-weighted over the training notes) that occur in the note. On CodiEsp, whose codes were
// assigned from explicit mentions, this alone ranks codes better than the nearest-neighbour vote
// (docs/MODELS.md); it is the second part of a model's retrieval component (modelfiles.h RetrievalOptions).
#include "fc/model/neighbours.h"
#include "fc/model/prediction.h"
#include "fc/model/tokenizer.h"

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

    // Where the note mentions each of `labels` (build()'s indices): runs of the label's description words (at
    // most one other token between two of them), each weighted by the share of the description's IDF mass its
    // distinct words cover; runs below minShare are dropped (a lone function word of a description is not a
    // mention). Spans in code points, strongest first (ties: text order). One vector per entry of `labels`.
    std::vector<std::vector<EvidenceSpan>>
    mentions(const std::vector<Token>& tokens, const std::vector<std::size_t>& labels, float minShare) const;

    // `code<TAB>description` lines; throws ModelError naming the file and line when it is unreadable or a
    // line has no tab or is not valid UTF-8.
    static std::unordered_map<std::string, std::string> readDescriptions(const std::string& path);

private:
    std::unordered_map<std::string, std::vector<std::pair<std::uint32_t, float>>>
        m_wordLabels; // word -> (label, weight)
    std::size_t m_labels = 0;
};

} // namespace fc
