#pragma once
// What one analysis of a note produces. Plain data: safe to copy across threads.
#include <cstdint>
#include <string>
#include <vector>

namespace fc {

// Where an evidence span comes from: the network's label attention, or a mention of the code's description
// (a lexicon match of the retrieval part).
enum class EvidenceSource : std::uint8_t { Attention, Mention };

// A span of the original note that drove a code, in code points, half-open.
struct EvidenceSpan {
    std::int64_t begin = 0;
    std::int64_t end = 0;
    // In (0, 1]: for a passage of the network's attention, the share of the code's attention mass on it; for
    // a mention of the code's description (models whose score mixes in the description match, listed first),
    // the share of the description's IDF mass the mention covers.
    double weight = 0.0;
    EvidenceSource source = EvidenceSource::Attention;
};

struct CodeScore {
    std::string code;   // as in the label file, e.g. "N44.8", "BW03ZZZ", "401.9"
    float score = 0.0f; // sigmoid probability (mixed with the neighbour vote when the model has retrieval)
    std::vector<EvidenceSpan> evidence; // strongest first; empty when not requested
};

struct Prediction {
    std::int64_t tokens = 0;      // tokens after the tokenizer (numbers dropped), whole note
    bool truncated = false;       // true when the note exceeded one model window (see Engine::predict)
    std::int64_t windows = 1;     // number of model windows the note was scored in
    std::vector<CodeScore> codes; // every label, sorted by score descending (ties: label order)
};

} // namespace fc
