#pragma once
// The one conversion between the two coordinate systems of a note:
//   code points    - what the model, storage and exports use: Unicode code points into the original
//                    note text, half-open [begin, end) spans;
//   document positions - what QTextDocument / QPlainTextEdit / QTextCursor use for a document that holds
//                    the text via setPlainText(): UTF-16 code units, where each CR LF pair becomes one
//                    paragraph separator (a lone CR or LF is one position, as is U+2029).
// Built once per note text in O(n); conversions are O(1) code point -> position and O(log n) back.
// Texts without surrogate pairs and without CR LF (the common case) need no table at all.
#include <QString>

#include <cstdint>
#include <vector>

namespace fc::ui {

// The QString (UTF-16) index of each code point boundary in `codePoints` (any order; beyond the end -> the
// text's size), in one pass over the text. The same surrogate-pair rule as TextOffsets; no CR LF merging
// (string indexes, not document positions).
std::vector<qsizetype> utf16Indexes(const QString& text, const std::vector<std::int64_t>& codePoints);

class TextOffsets {
public:
    TextOffsets() = default; // the empty text
    explicit TextOffsets(const QString& text);

    std::int64_t codePointCount() const { return m_codePoints; }
    int documentLength() const { return m_documentLength; } // positions, excluding the document's end mark

    // Out-of-range offsets are clamped to [0, codePointCount()]. The boundary between CR and LF maps to
    // the position after the separator (the LF is zero-width in the document).
    int toDocument(std::int64_t codePoint) const;
    // Out-of-range positions are clamped to [0, documentLength()]. A position inside a surrogate pair maps
    // to the code point of that pair (rounds down).
    std::int64_t toCodePoint(int documentPosition) const;

private:
    std::int64_t m_codePoints = 0;
    int m_documentLength = 0;
    // Empty when the mapping is the identity; otherwise m_positions[i] is the document position of code
    // point boundary i, for i in [0, m_codePoints] (non-decreasing).
    std::vector<int> m_positions;
};

} // namespace fc::ui
