#include "fc/model/unicode.h"

#include "fc/model/errors.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace fc {
namespace {

struct CodePointRange {
    char32_t first;
    char32_t last; // inclusive
};

// c in [first, last] with (c - first) % stride == 0 lower-cases to c + delta.
struct LowerRun {
    char32_t first;
    char32_t last;
    std::int32_t delta;
    std::int32_t stride;
};

#include "unicode_tables.inc"

template <std::size_t N> bool inRanges(const CodePointRange (&table)[N], char32_t c) {
    const auto* it =
        std::upper_bound(std::begin(table), std::end(table), c,
                         [](char32_t value, const CodePointRange& r) { return value < r.first; });
    return it != std::begin(table) && c <= std::prev(it)->last;
}

[[noreturn]] void throwInvalidUtf8(std::size_t offset, const char* what) {
    throw InputError("invalid UTF-8 at byte offset " + std::to_string(offset) + ": " + what);
}

// Decodes the sequence starting at utf8[i]; advances i past it. Strict: rejects overlongs, surrogates,
// values above U+10FFFF, stray continuation bytes and truncated sequences.
char32_t decodeOne(std::string_view utf8, std::size_t& i) {
    const std::size_t start = i;
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(utf8[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    int length = 0;
    unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
    char32_t c = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
        c = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        c = b0 & 0x0F;
        if (b0 == 0xE0)
            lo = 0xA0; // overlong
        if (b0 == 0xED)
            hi = 0x9F; // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        c = b0 & 0x07;
        if (b0 == 0xF0)
            lo = 0x90; // overlong
        if (b0 == 0xF4)
            hi = 0x8F; // above U+10FFFF
    } else {
        throwInvalidUtf8(start,
                         b0 >= 0x80 && b0 <= 0xBF ? "unexpected continuation byte" : "invalid lead byte");
    }
    if (utf8.size() - start < static_cast<std::size_t>(length))
        throwInvalidUtf8(start, "truncated sequence");
    for (int k = 1; k < length; ++k) {
        const unsigned char b = byte(start + k);
        const unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
        if (b < min || b > max)
            throwInvalidUtf8(start, "invalid continuation byte");
        c = (c << 6) | (b & 0x3F);
    }
    i = start + length;
    return c;
}

bool isCasedForSigma(char32_t c) {
    return inRanges(kCasedRanges, c);
}
bool isCaseIgnorable(char32_t c) {
    return inRanges(kCaseIgnorableRanges, c);
}

// Python's Final_Sigma test for the capital sigma at text[i].
bool isFinalSigma(std::u32string_view text, std::size_t i) {
    std::size_t j = i;
    while (j > 0 && isCaseIgnorable(text[j - 1]))
        --j;
    if (j == 0 || !isCasedForSigma(text[j - 1]))
        return false;
    std::size_t k = i + 1;
    while (k < text.size() && isCaseIgnorable(text[k]))
        ++k;
    return k == text.size() || !isCasedForSigma(text[k]);
}

} // namespace

std::u32string decodeUtf8(std::string_view utf8) {
    std::u32string out;
    out.reserve(utf8.size());
    std::size_t i = 0;
    while (i < utf8.size()) {
        const unsigned char b = static_cast<unsigned char>(utf8[i]);
        if (b < 0x80) {
            out.push_back(b);
            ++i;
        } else {
            out.push_back(decodeOne(utf8, i));
        }
    }
    return out;
}

void appendUtf8(char32_t c, std::string& out) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

std::string encodeUtf8(std::u32string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char32_t c = text[i];
        if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
            throw InputError("cannot encode code point " + std::to_string(static_cast<std::uint32_t>(c)) +
                             " at index " + std::to_string(i) + " as UTF-8");
        appendUtf8(c, out);
    }
    return out;
}

bool isValidUtf8(std::string_view utf8) {
    try {
        codePointCount(utf8);
        return true;
    } catch (const InputError&) {
        return false;
    }
}

std::int64_t codePointCount(std::string_view utf8) {
    std::int64_t count = 0;
    std::size_t i = 0;
    while (i < utf8.size()) {
        if (static_cast<unsigned char>(utf8[i]) < 0x80)
            ++i;
        else
            decodeOne(utf8, i);
        ++count;
    }
    return count;
}

bool isWordChar(char32_t c) {
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    return inRanges(kWordRanges, c);
}

bool isNumericChar(char32_t c) {
    if (c < 0x80)
        return c >= '0' && c <= '9';
    return inRanges(kNumericRanges, c);
}

bool isSpaceChar(char32_t c) {
    return inRanges(kSpaceRanges, c);
}

char32_t toLower(char32_t c) {
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    const auto* it = std::upper_bound(std::begin(kLowerRuns), std::end(kLowerRuns), c,
                                      [](char32_t value, const LowerRun& r) { return value < r.first; });
    if (it == std::begin(kLowerRuns))
        return c;
    const LowerRun& run = *std::prev(it);
    if (c > run.last || (c - run.first) % static_cast<char32_t>(run.stride) != 0)
        return c;
    return static_cast<char32_t>(static_cast<std::int64_t>(c) + run.delta);
}

std::u32string toLowerFull(std::u32string_view text) {
    constexpr char32_t kCapitalSigma = 0x3A3, kFinalSigma = 0x3C2, kDottedCapitalI = 0x130;
    std::u32string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char32_t c = text[i];
        if (c == kDottedCapitalI) {
            out.push_back(U'i');
            out.push_back(0x307); // COMBINING DOT ABOVE, as SpecialCasing.txt and Python
        } else if (c == kCapitalSigma && isFinalSigma(text, i)) {
            out.push_back(kFinalSigma);
        } else {
            out.push_back(toLower(c));
        }
    }
    return out;
}

const char* unicodeTablesVersion() {
    return kUnicodeTablesVersion;
}

} // namespace fc
