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
    // In-vocabulary tokens (words the model knows). Additive, issue #14.
    std::int64_t knownTokens = 0;
    // True when the note has fewer than kMinKnownTokens in-vocabulary words (an empty note, a note of numbers
    // or of words the model never saw, binary junk read as text): the scores then come from the codes'
    // priors (the network's biases), not from the note, and callers show insufficientTextMessage() instead
    // of suggestions. `codes` is still filled (evaluations rank every note).
    bool insufficientText = false;
};

// Fewer in-vocabulary words than this and a note gets no suggestions (Prediction::insufficientText). One
// known word is enough: a coder who types "hypertension" expects I10, and the attention then sits on it.
constexpr std::int64_t kMinKnownTokens = 1;
// What the CLI and the GUI say for such a note.
inline const char* insufficientTextMessage() {
    return "not enough text to suggest codes (the note has no word the model knows)";
}

} // namespace fc
