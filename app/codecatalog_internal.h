#pragma once
// Internals of CodeCatalog shared by its three sources: codecatalog.cpp (lookup), codecatalog_parser.cpp
// (loading and indexing a catalog file) and codecatalog_search.cpp (search). Not part of the interface.
#include "codecatalog.h"

#include <QByteArray>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fc {

namespace catalog_detail {

// Normalised codes (no dot, upper case) are at most this long, so that they pack into one 64-bit key.
constexpr std::size_t kMaxCodeChars = 8;

// A byte range of a System's text.
struct Span {
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
};

struct GroupRecord {
    Span code;
    Span kind;
    Span title;
    std::int32_t parent = -1; // group index
};

struct EntryRecord {
    Span code;
    Span shortText; // without the leading '^' when it continues the parent's text
    Span longText;
    std::int32_t parentEntry = -1;
    std::int32_t parentGroup = -1;
    std::uint64_t key = 0;       // packCode() of the normalised code
    std::uint32_t wordCount = 0; // distinct folded words of the short and long description
    bool billable = false;
    bool shortInherits = false;
    bool longInherits = false;
    bool longIsShort = false;
};

// Code characters packed big-endian: the numeric order of keys is the lexicographic order of the codes, and
// the codes starting with a prefix form one contiguous key range.
inline std::uint64_t packCode(std::string_view normalized) {
    std::uint64_t key = 0;
    for (std::size_t i = 0; i < normalized.size(); ++i)
        key |= std::uint64_t(static_cast<unsigned char>(normalized[i])) << (56 - 8 * i);
    return key;
}

inline std::uint64_t prefixEnd(std::uint64_t key, std::size_t length) {
    return length >= kMaxCodeChars ? key : key | (~std::uint64_t(0) >> (8 * length));
}

// "n44.8" -> "N448"; false when the text is not a plausible code (other characters, empty, too long).
inline bool normalizeCode(std::string_view code, std::string* out) {
    out->clear();
    for (char c : code) {
        if (c == '.')
            continue;
        if (c >= 'a' && c <= 'z')
            c = char(c - 'a' + 'A');
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return false;
        out->push_back(c);
    }
    return !out->empty() && out->size() <= kMaxCodeChars;
}

inline bool isAsciiAlnum(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Calls f(std::string_view word) for every folded word of UTF-8 `text`, as CodeCatalog::foldedWords() splits
// it; ASCII runs are folded here, runs with other characters go through foldedWords().
template <typename F> void forEachFoldedWord(std::string_view text, std::string& buffer, F&& f) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (!isAsciiAlnum(c) && c < 0x80) {
            ++i;
            continue;
        }
        const std::size_t start = i;
        bool ascii = true;
        while (i < text.size()) {
            const auto b = static_cast<unsigned char>(text[i]);
            if (b < 0x80 && !isAsciiAlnum(b))
                break;
            ascii = ascii && b < 0x80;
            ++i;
        }
        if (ascii) {
            buffer.assign(text.data() + start, i - start);
            for (char& b : buffer)
                if (b >= 'A' && b <= 'Z')
                    b = char(b - 'A' + 'a');
            f(std::string_view(buffer));
        } else {
            const QStringList words =
                CodeCatalog::foldedWords(QString::fromUtf8(text.data() + start, qsizetype(i - start)));
            for (const QString& word : words) {
                const QByteArray utf8 = word.toUtf8();
                f(std::string_view(utf8.constData(), std::size_t(utf8.size())));
            }
        }
    }
}

} // namespace catalog_detail

using namespace catalog_detail;

struct CodeCatalog::System {
    QString id;
    QString title;
    QByteArray text; // the decompressed file; every Span points into it
    std::vector<GroupRecord> groups;
    std::vector<EntryRecord> entries;
    // Code index: keys sorted ascending, codeEntries[i] is the entry of codeKeys[i].
    std::vector<std::uint64_t> codeKeys;
    std::vector<std::uint32_t> codeEntries;
    // Word index: the sorted folded vocabulary (word id = position); postings of word w are
    // postings[postingStart[w] .. postingStart[w + 1]) (entry indices, ascending); the word ids of entry e
    // are entryWords[entryWordStart[e] .. entryWordStart[e + 1]) (distinct, unordered).
    std::vector<std::string> vocabulary;
    std::vector<std::uint32_t> postingStart;
    std::vector<std::uint32_t> postings;
    std::vector<std::uint32_t> entryWordStart;
    std::vector<std::uint32_t> entryWords;

    std::string_view view(Span span) const {
        return std::string_view(text.constData() + span.offset, span.size);
    }
    QString qstring(Span span) const { return QString::fromUtf8(text.constData() + span.offset, span.size); }

    QString shortText(std::uint32_t index) const {
        const EntryRecord& entry = entries[index];
        const QString own = qstring(entry.shortText);
        return entry.shortInherits ? shortText(std::uint32_t(entry.parentEntry)) + own : own;
    }
    QString longText(std::uint32_t index) const {
        const EntryRecord& entry = entries[index];
        if (entry.longIsShort)
            return shortText(index);
        const QString own = qstring(entry.longText);
        return entry.longInherits ? longText(std::uint32_t(entry.parentEntry)) + own : own;
    }

    // Index of the entry whose normalised code is `normalized`, or -1.
    std::int64_t find(std::string_view normalized) const {
        const std::uint64_t key = packCode(normalized);
        const auto it = std::lower_bound(codeKeys.begin(), codeKeys.end(), key);
        if (it == codeKeys.end() || *it != key)
            return -1;
        return codeEntries[std::size_t(it - codeKeys.begin())];
    }

    // [first, last) word ids of the vocabulary words that start with `prefix`.
    std::pair<std::uint32_t, std::uint32_t> wordRange(const std::string& prefix) const {
        const auto lo = std::lower_bound(vocabulary.begin(), vocabulary.end(), prefix);
        const auto hi = std::partition_point(lo, vocabulary.end(), [&](const std::string& word) {
            return word.compare(0, prefix.size(), prefix) == 0;
        });
        return {std::uint32_t(lo - vocabulary.begin()), std::uint32_t(hi - vocabulary.begin())};
    }
};

} // namespace fc
