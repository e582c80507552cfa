// Spanish sentence splitting, Gale-Church alignment with number and shared-word anchors, span projection
// (sentence_alignment.h).
#include "fc/model/sentence_alignment.h"

#include "fc/model/unicode.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <set>

namespace fc {
namespace {

bool isUpper(char32_t c) {
    return isWordChar(c) && !isNumericChar(c) && toLower(c) != c;
}

bool isLetter(char32_t c) {
    return isWordChar(c) && !isNumericChar(c);
}

// Lower-cased words of the Spanish notes that end with a period without ending the sentence.
const std::set<std::u32string>& abbreviations() {
    static const std::set<std::u32string> words = {
        U"dr",  U"dra",  U"drs", U"sr", U"sra", U"srta", U"aprox", U"ej",  U"vs", U"núm", U"nº", U"pág",
        U"fig", U"cols", U"col", U"ud", U"uds", U"art",  U"cap",   U"ref", U"cf", U"máx", U"mín"};
    return words;
}

SentenceSpan trimmed(const std::u32string& text, std::int64_t begin, std::int64_t end) {
    while (begin < end && isSpaceChar(text[static_cast<std::size_t>(begin)]))
        ++begin;
    while (end > begin && isSpaceChar(text[static_cast<std::size_t>(end - 1)]))
        --end;
    return {begin, end};
}

// The word (letters and digits) that ends right before position `dot`.
std::u32string wordBefore(const std::u32string& text, std::size_t dot) {
    std::size_t start = dot;
    while (start > 0 && isWordChar(text[start - 1]))
        --start;
    return toLowerFull(std::u32string_view(text).substr(start, dot - start));
}

bool endsSentence(const std::u32string& text, std::size_t i) {
    const char32_t c = text[i];
    if (c != U'.' && c != U'?' && c != U'!')
        return false;
    std::size_t j = i + 1;
    while (j < text.size() && (text[j] == U')' || text[j] == U'"' || text[j] == U'»' || text[j] == U']'))
        ++j;
    if (j >= text.size())
        return true;
    if (!isSpaceChar(text[j]))
        return false; // "3.5", "p.ej"
    while (j < text.size() && isSpaceChar(text[j]) && text[j] != U'\n')
        ++j;
    if (j >= text.size() || text[j] == U'\n')
        return true;
    const char32_t next = text[j];
    if (!(isUpper(next) || isNumericChar(next) || next == U'¿' || next == U'¡' || next == U'"' ||
          next == U'(' || next == U'-' || next == U'«'))
        return false;
    if (c == U'.') {
        const std::u32string word = wordBefore(text, i);
        if (abbreviations().count(word) != 0)
            return false;
        if (word.size() == 1 && isLetter(word[0]))
            return false; // an initial ("J. García") or "p. ej."
    }
    return true;
}

// Tokens of a range for anchoring: numbers, and words of >= 4 letters, lower-cased.
struct Anchors {
    std::multiset<std::u32string> numbers;
    std::multiset<std::u32string> words;
};

Anchors anchorsOf(const std::u32string& text, SentenceSpan span) {
    Anchors a;
    std::size_t i = static_cast<std::size_t>(span.begin);
    const auto end = static_cast<std::size_t>(span.end);
    while (i < end) {
        if (!isWordChar(text[i])) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < end && isWordChar(text[j]))
            ++j;
        const std::u32string word = toLowerFull(std::u32string_view(text).substr(i, j - i));
        if (std::all_of(word.begin(), word.end(), [](char32_t c) { return isNumericChar(c); }))
            a.numbers.insert(word);
        else if (word.size() >= 4)
            a.words.insert(word);
        i = j;
    }
    return a;
}

std::int64_t sharedCount(const std::multiset<std::u32string>& a, const std::multiset<std::u32string>& b) {
    std::int64_t shared = 0;
    auto ia = a.begin();
    auto ib = b.begin();
    while (ia != a.end() && ib != b.end()) {
        if (*ia < *ib)
            ++ia;
        else if (*ib < *ia)
            ++ib;
        else {
            ++shared;
            ++ia;
            ++ib;
        }
    }
    return shared;
}

// -log of the two-sided normal tail 2 (1 - Phi(|delta|)), bounded so one bad bead cannot dominate.
double lengthCost(double es, double en, double ratio) {
    constexpr double kVariance = 6.8;
    if (es == 0.0 && en == 0.0)
        return 0.0;
    const double mean = (es + en / ratio) / 2.0;
    const double delta = (en - ratio * es) / std::sqrt(kVariance * std::max(mean, 1.0));
    const double tail = std::erfc(std::fabs(delta) / std::sqrt(2.0));
    return -std::log(std::max(tail, 1e-12));
}

struct BeadType {
    int es;
    int en;
    double cost; // -log prior
};

// Gale & Church's priors (1-1 .89, 1-0/0-1 .0099, 2-1/1-2 .089, 2-2 .011), with small 3-1/1-3 beads for the
// MT's own sentence splits.
const std::array<BeadType, 9>& beadTypes() {
    static const std::array<BeadType, 9> types = {{
        {1, 1, -std::log(0.89)},
        {1, 0, -std::log(0.0099 / 2)},
        {0, 1, -std::log(0.0099 / 2)},
        {2, 1, -std::log(0.089 / 2)},
        {1, 2, -std::log(0.089 / 2)},
        {2, 2, -std::log(0.011)},
        {3, 1, -std::log(0.004)},
        {1, 3, -std::log(0.004)},
        {3, 2, -std::log(0.002)},
    }};
    return types;
}

} // namespace

std::vector<SentenceSpan> splitSpanishSentences(const std::u32string& text) {
    std::vector<SentenceSpan> sentences;
    std::int64_t start = 0;
    auto close = [&](std::int64_t end) {
        const SentenceSpan s = trimmed(text, start, end);
        if (s.end > s.begin)
            sentences.push_back(s);
        start = end;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == U'\n')
            close(static_cast<std::int64_t>(i));
        else if (endsSentence(text, i))
            close(static_cast<std::int64_t>(i) + 1);
    }
    close(static_cast<std::int64_t>(text.size()));
    return sentences;
}

std::vector<SentenceSpan> englishSentences(const std::u32string& text) {
    std::vector<SentenceSpan> sentences;
    std::int64_t start = 0;
    const auto length = static_cast<std::int64_t>(text.size());
    for (std::int64_t i = 0; i <= length; ++i) {
        if (i < length && text[static_cast<std::size_t>(i)] != U'\n')
            continue;
        const SentenceSpan s = trimmed(text, start, i);
        const bool hasLetter = std::any_of(text.begin() + s.begin, text.begin() + s.end, isLetter);
        if (s.end > s.begin && hasLetter)
            sentences.push_back(s);
        start = i + 1;
    }
    return sentences;
}

std::vector<AlignmentBead> alignSentences(const std::u32string& spanish, const std::vector<SentenceSpan>& es,
                                          const std::u32string& english,
                                          const std::vector<SentenceSpan>& en) {
    const std::size_t n = es.size(), m = en.size();
    std::vector<double> esLength(n), enLength(m);
    double esTotal = 0.0, enTotal = 0.0;
    std::vector<Anchors> esAnchors, enAnchors;
    for (std::size_t i = 0; i < n; ++i) {
        esLength[i] = static_cast<double>(es[i].end - es[i].begin);
        esTotal += esLength[i];
        esAnchors.push_back(anchorsOf(spanish, es[i]));
    }
    for (std::size_t j = 0; j < m; ++j) {
        enLength[j] = static_cast<double>(en[j].end - en[j].begin);
        enTotal += enLength[j];
        enAnchors.push_back(anchorsOf(english, en[j]));
    }
    const double ratio = esTotal > 0.0 && enTotal > 0.0 ? enTotal / esTotal : 1.0;

    constexpr double kInfinity = std::numeric_limits<double>::infinity();
    constexpr double kSharedNumberBonus = 2.0; // per number found on both sides
    constexpr double kSharedWordBonus = 1.0;   // per identical word of >= 4 letters
    constexpr double kLoneNumberPenalty = 1.0; // per number found on one side only
    std::vector<std::vector<double>> cost(n + 1, std::vector<double>(m + 1, kInfinity));
    std::vector<std::vector<int>> back(n + 1, std::vector<int>(m + 1, -1));
    cost[0][0] = 0.0;
    const auto& types = beadTypes();
    for (std::size_t i = 0; i <= n; ++i) {
        for (std::size_t j = 0; j <= m; ++j) {
            if (i == 0 && j == 0)
                continue;
            for (std::size_t t = 0; t < types.size(); ++t) {
                const auto di = static_cast<std::size_t>(types[t].es),
                           dj = static_cast<std::size_t>(types[t].en);
                if (di > i || dj > j || cost[i - di][j - dj] == kInfinity)
                    continue;
                double ls = 0.0, lt = 0.0;
                Anchors a, b;
                for (std::size_t k = i - di; k < i; ++k) {
                    ls += esLength[k];
                    a.numbers.insert(esAnchors[k].numbers.begin(), esAnchors[k].numbers.end());
                    a.words.insert(esAnchors[k].words.begin(), esAnchors[k].words.end());
                }
                for (std::size_t k = j - dj; k < j; ++k) {
                    lt += enLength[k];
                    b.numbers.insert(enAnchors[k].numbers.begin(), enAnchors[k].numbers.end());
                    b.words.insert(enAnchors[k].words.begin(), enAnchors[k].words.end());
                }
                const std::int64_t sharedNumbers = sharedCount(a.numbers, b.numbers);
                const auto loneNumbers =
                    static_cast<std::int64_t>(a.numbers.size() + b.numbers.size()) - 2 * sharedNumbers;
                const double anchor = -kSharedNumberBonus * static_cast<double>(sharedNumbers) -
                                      kSharedWordBonus * static_cast<double>(sharedCount(a.words, b.words)) +
                                      kLoneNumberPenalty * static_cast<double>(loneNumbers);
                const double c = cost[i - di][j - dj] + types[t].cost + lengthCost(ls, lt, ratio) + anchor;
                if (c < cost[i][j]) {
                    cost[i][j] = c;
                    back[i][j] = static_cast<int>(t);
                }
            }
        }
    }
    std::vector<AlignmentBead> beads;
    for (std::size_t i = n, j = m; i > 0 || j > 0;) {
        const BeadType& type = types[static_cast<std::size_t>(back[i][j])];
        i -= static_cast<std::size_t>(type.es);
        j -= static_cast<std::size_t>(type.en);
        beads.push_back({static_cast<std::int32_t>(i), type.es, static_cast<std::int32_t>(j), type.en});
    }
    std::reverse(beads.begin(), beads.end());
    return beads;
}

std::optional<SentenceSpan> projectSpan(const std::vector<AlignmentBead>& beads,
                                        const std::vector<SentenceSpan>& es,
                                        const std::vector<SentenceSpan>& en, std::int64_t begin,
                                        std::int64_t end) {
    std::int32_t first = -1, last = -1;
    for (const AlignmentBead& bead : beads) {
        bool overlaps = false;
        for (std::int32_t k = bead.esFirst; k < bead.esFirst + bead.esCount; ++k) {
            const SentenceSpan& s = es[static_cast<std::size_t>(k)];
            overlaps = overlaps || (std::max(s.begin, begin) < std::min(s.end, end));
        }
        if (!overlaps || bead.enCount == 0)
            continue;
        if (first < 0)
            first = bead.enFirst;
        last = bead.enFirst + bead.enCount - 1;
    }
    if (first < 0)
        return std::nullopt;
    return SentenceSpan{en[static_cast<std::size_t>(first)].begin, en[static_cast<std::size_t>(last)].end};
}

std::vector<std::optional<SentenceSpan>> projectSpans(const std::u32string& spanish,
                                                      const std::u32string& english,
                                                      const std::vector<SentenceSpan>& spanishSpans) {
    const auto es = splitSpanishSentences(spanish);
    const auto en = englishSentences(english);
    const auto beads = alignSentences(spanish, es, english, en);
    std::vector<std::optional<SentenceSpan>> projected;
    for (const SentenceSpan& span : spanishSpans)
        projected.push_back(projectSpan(beads, es, en, span.begin, span.end));
    return projected;
}

} // namespace fc
