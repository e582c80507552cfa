#include "textoffsets.h"

#include <algorithm>

namespace fc::ui {

namespace {

bool isCarriageReturnLineFeed(const QString& text, qsizetype i) {
    return text.at(i) == QLatin1Char('\r') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('\n');
}

bool isSurrogatePair(const QString& text, qsizetype i) {
    return text.at(i).isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate();
}

} // namespace

std::vector<qsizetype> utf16Indexes(const QString& text, const std::vector<std::int64_t>& codePoints) {
    std::vector<std::int64_t> sorted = codePoints;
    std::sort(sorted.begin(), sorted.end());
    std::vector<qsizetype> sortedIndexes(sorted.size(), text.size());
    qsizetype unit = 0;
    std::int64_t codePoint = 0;
    size_t next = 0;
    while (next < sorted.size()) {
        if (sorted[next] <= codePoint || unit >= text.size()) {
            sortedIndexes[next] = unit;
            ++next;
            continue;
        }
        unit += isSurrogatePair(text, unit) ? 2 : 1;
        ++codePoint;
    }
    std::vector<qsizetype> result;
    result.reserve(codePoints.size());
    for (const std::int64_t requested : codePoints) {
        const auto it = std::lower_bound(sorted.begin(), sorted.end(), requested);
        result.push_back(sortedIndexes[static_cast<size_t>(it - sorted.begin())]);
    }
    return result;
}

TextOffsets::TextOffsets(const QString& text) {
    bool identity = true;
    for (qsizetype i = 0; i < text.size() && identity; ++i)
        identity = !isCarriageReturnLineFeed(text, i) && !isSurrogatePair(text, i);
    if (identity) {
        m_codePoints = text.size();
        m_documentLength = static_cast<int>(text.size());
        return;
    }

    m_positions.reserve(static_cast<size_t>(text.size()) + 1);
    int position = 0;
    for (qsizetype i = 0; i < text.size();) {
        if (isSurrogatePair(text, i)) {
            m_positions.push_back(position);
            position += 2;
            i += 2;
        } else if (isCarriageReturnLineFeed(text, i)) {
            // CR -> the paragraph separator; LF -> zero width, after it.
            m_positions.push_back(position);
            ++position;
            m_positions.push_back(position);
            i += 2;
        } else {
            // Unpaired surrogates are one code point each, as a lenient UTF-16 decoder counts them.
            m_positions.push_back(position);
            ++position;
            ++i;
        }
    }
    m_positions.push_back(position);
    m_codePoints = static_cast<std::int64_t>(m_positions.size()) - 1;
    m_documentLength = position;
}

int TextOffsets::toDocument(std::int64_t codePoint) const {
    const std::int64_t clamped = std::clamp<std::int64_t>(codePoint, 0, m_codePoints);
    if (m_positions.empty())
        return static_cast<int>(clamped);
    return m_positions[static_cast<size_t>(clamped)];
}

std::int64_t TextOffsets::toCodePoint(int documentPosition) const {
    const int clamped = std::clamp(documentPosition, 0, m_documentLength);
    if (m_positions.empty())
        return clamped;
    // The last boundary at or before the position; for a zero-width LF that is the boundary after it.
    const auto it = std::upper_bound(m_positions.begin(), m_positions.end(), clamped);
    return static_cast<std::int64_t>(it - m_positions.begin()) - 1;
}

} // namespace fc::ui
