#pragma once
// A mention lexicon: the words coders read as the evidence of a code, matched as whole phrases in a note.
// Its entries are terms with a code: every train evidence mention (CodiEsp-X spans), code descriptions and,
// where a language has them, catalog terms (inclusion terms, index terms). A match scores its code by how
// reliable the entry was on the training notes, and is shown as a Mention evidence span. It is the third
// part of a model's retrieval component (modelfiles.h RetrievalOptions, lexiconWeight).
//
// Matching works on normalised keys of the note's tokens (tokenizer.h):
//   - normalise: accents folded (á -> a, ü -> u; ñ kept: "año" is not "ano"), function words dropped
//     ("de", "la", "of", "the" ...), simple plural and gender suffixes stripped ("lesiones" -> "lesion",
//     "crónica"/"crónico" -> "cronic", "kidneys" -> "kidney");
//   - abbreviations: an upper-case token of a small per-language table becomes its expansion ("HTA" ->
//     hipertension arterial, "COPD" -> chronic obstructive pulmonary disease), in entries and notes alike;
//   - negation (NegEx-style): a cue ("no", "sin", "niega", "descarta", "negativo para", "denies", "negative
//     for", "ruled out" ...) negates the next `negationScope` tokens up to a clause end (. ; : ? ! or a new
//     line, or "pero"/"but" ...); a few cues ("descartado", "ruled out") negate the tokens just before them.
//     A match with a negated token counts negatedFactor of its weight, unless the cue is inside the match
//     itself ("diabetes sin complicaciones" is an entry, not a negation).
// An entry's weight for its code is how often the code was coded when the entry matched (not negated) a
// training note, smoothed: (coded + 0.5) / (matched + 1), so an entry never seen in the notes weighs 0.5 and
// a phrase common in notes but rarely coded ("dolor") weighs little. A code's score in a note is the largest
// weight of its matches (LexiconOptions::combine). Offsets are code points into the note. Pure and
// thread-safe after bind().
#include "fc/model/dataset.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace fc {

struct LexiconOptions {
    std::string language = "es"; // "es" or "en": function words, abbreviations, negation cues, suffixes
    bool normalise = true;       // accents, function words, suffixes
    bool abbreviations = true;   // expand the language's abbreviation table
    bool negation = true;        // negated matches count negatedFactor
    float negatedFactor = 0.0f;  // in [0, 1]
    int negationScope = 6;       // tokens after (before, for the trailing cues) a cue
    // How a code's matches make its score: "max" (the strongest match) or "noisy-or" (1 - prod(1 - w) over
    // its distinct matched entries, each at its strongest: several different mentions count more than one).
    std::string combine = "max";
};

struct LexiconEntry {
    std::string code;
    std::string term;          // as written (one representative of the terms with this key)
    std::string source;        // "evidence", "description" or "terms"
    std::uint32_t matched = 0; // training notes in which the entry's key matched, not negated
    std::uint32_t coded = 0;   // of those, the notes that carry `code`
    float weight() const { return (static_cast<float>(coded) + 0.5f) / (static_cast<float>(matched) + 1.0f); }
};

// One key of a note: a normalised word, or a word of an abbreviation's expansion (several keys then share
// the token's offsets).
struct LexiconKey {
    std::string key;
    std::size_t token;       // index of the token it comes from
    std::int64_t begin, end; // code points of that token
    bool negated = false;    // inside a negation scope
    std::int64_t cue = -1;   // token index of the negating cue, -1 if none
};

// A match of an entry for a bound label: its span (code points, from the first to the last matched token)
// and its weight (negatedFactor already applied).
struct LexiconHit {
    std::size_t label;
    std::int64_t begin, end;
    float weight;
    std::uint32_t entry = 0; // the entry that matched (the strongest one for this span and label)
};

// The note's keys under `options` (exposed for tests and for build()).
std::vector<LexiconKey> lexiconKeys(std::u32string_view text, const LexiconOptions& options);

class MentionLexicon {
public:
    MentionLexicon() = default;
    // `terms`: (code, term, source) with matched/coded ignored; terms whose key is empty are dropped, terms
    // with the same key and code merge. The weights are counted over `train`'s notes and codes.
    static MentionLexicon build(const std::vector<LexiconEntry>& terms, const std::vector<Document>& train,
                                const LexiconOptions& options);

    // Text file: two header lines with the format and the options, then code<TAB>term<TAB>source<TAB>
    // matched<TAB>coded. save() writes atomically; load() throws ModelError naming the file and line.
    void save(const std::string& path) const;
    static MentionLexicon load(const std::string& path);

    const LexiconOptions& options() const { return m_options; }
    const std::vector<LexiconEntry>& entries() const { return m_entries; }

    // Binds the entries to a label list (entries of other codes never match).
    void bind(const std::vector<std::string>& labels);
    // Matches of bound labels in the note, with weight > 0, in text order.
    std::vector<LexiconHit> hits(std::string_view utf8Text) const;
    // Per bound label, its hits' weights combined as options().combine says, in [0, 1].
    std::vector<float> scores(const std::vector<LexiconHit>& hits) const;

private:
    void index();
    // Entry indices per key, and every prefix of a key (to stop extending a phrase early).
    std::unordered_map<std::string, std::vector<std::uint32_t>> m_byKey;
    std::unordered_set<std::string> m_prefixes;
    std::size_t m_longest = 0; // keys in the longest entry
    std::vector<LexiconEntry> m_entries;
    std::vector<std::int64_t> m_entryLabel; // per entry, its bound label or -1
    std::size_t m_labels = 0;
    LexiconOptions m_options;
};

} // namespace fc
