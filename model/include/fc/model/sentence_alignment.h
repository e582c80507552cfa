#pragma once
// Sentence alignment of a Spanish CodiEsp note with its English machine translation, and projection of
// Spanish character spans (CodiEsp-X evidence) onto the English sentences that translate them (issue #13).
//
// The English MT (text_files_en/) is one sentence per line without offsets; the Spanish original has
// paragraphs. The Spanish text is split into sentences (splitSpanishSentences), the English into its lines
// (englishSentences), and the two sequences are aligned by dynamic programming over "beads" of 0-3 sentences
// on each side, as Gale & Church (1993) do: a bead costs -log P(bead type) - log P(length match), the length
// match being the two-sided normal tail of delta = (l_en - c l_es) / sqrt(s2 (l_es + l_en / c) / 2) with c
// the document's own English/Spanish character ratio and s2 = 6.8. Anchors make the cost lower for beads
// whose two sides share numbers ("33", "3") or identical words of >= 4 letters (drug names, acronyms,
// surnames: "Anderson", "UIV") and higher for numbers present on one side only; they keep the alignment on
// track where lengths alone are ambiguous. projectSpan() maps a Spanish span to the English text covered by
// the English sentences aligned with the Spanish sentences the span overlaps (sentence-level, not
// word-level).
//
// Offsets are Unicode code points, half-open. Pure functions; thread-safe. Torch-free and Qt-free.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fc {

struct SentenceSpan {
    std::int64_t begin = 0;
    std::int64_t end = 0;
};

// One aligned group: Spanish sentences [esFirst, esFirst + esCount) translate to English sentences
// [enFirst, enFirst + enCount). A count may be 0 (a sentence the other side does not have).
struct AlignmentBead {
    std::int32_t esFirst = 0;
    std::int32_t esCount = 0;
    std::int32_t enFirst = 0;
    std::int32_t enCount = 0;
};

// Sentences of a Spanish note: a sentence ends at a line break, or after '.', '?' or '!' (and any closing
// quotes or brackets) followed by white space and then an upper-case letter, a digit, or an opening mark
// (¿ ¡ " ( -), unless the word before the period is a known abbreviation (Dr., Sra., aprox., p. ej.) or a
// single letter. Leading and trailing white space is excluded; empty sentences are dropped.
std::vector<SentenceSpan> splitSpanishSentences(const std::u32string& text);

// The English MT's sentences: its non-empty lines, trimmed. Lines without any letter (the MT writes "1."
// where the Spanish has a blank line) are not sentences.
std::vector<SentenceSpan> englishSentences(const std::u32string& text);

// Beads covering both sequences in order (every sentence in exactly one bead).
std::vector<AlignmentBead> alignSentences(const std::u32string& spanish, const std::vector<SentenceSpan>& es,
                                          const std::u32string& english, const std::vector<SentenceSpan>& en);

// The English range [begin of its first sentence, end of its last) of the English sentences aligned with
// every Spanish sentence that [begin, end) overlaps; nullopt when the span overlaps no Spanish sentence or
// its sentences are aligned with no English sentence.
std::optional<SentenceSpan> projectSpan(const std::vector<AlignmentBead>& beads,
                                        const std::vector<SentenceSpan>& es,
                                        const std::vector<SentenceSpan>& en, std::int64_t begin,
                                        std::int64_t end);

// All of the above for one document: the English span of each Spanish span (nullopt where none).
std::vector<std::optional<SentenceSpan>> projectSpans(const std::u32string& spanish,
                                                      const std::u32string& english,
                                                      const std::vector<SentenceSpan>& spanishSpans);

} // namespace fc
