#pragma once
// Word ids as the authors' loader assigns them: 0 = PAD, 1..V = vocabulary words in lexicographic
// (byte-wise UTF-8) order, V + 1 = UNK.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fc {

class Vocabulary {
public:
    static constexpr std::int64_t kPad = 0;

    Vocabulary() = default;
    // Sorts and de-duplicates; empty strings are rejected with InputError.
    explicit Vocabulary(std::vector<std::string> words);

    // One word per line, UTF-8, LF or CRLF; the file's order does not matter (ids follow sorted order).
    // Throws InputError with the line number on an invalid line.
    static Vocabulary load(const std::string& path);
    // Writes the sorted words, one per line, atomically (temporary file + rename).
    void save(const std::string& path) const;

    std::int64_t id(std::string_view word) const; // unknown -> unkId()
    std::int64_t unkId() const { return static_cast<std::int64_t>(m_words.size()) + 1; }
    // Rows of the embedding matrix: PAD + V words + UNK.
    std::int64_t rows() const { return static_cast<std::int64_t>(m_words.size()) + 2; }
    std::size_t size() const { return m_words.size(); }
    const std::vector<std::string>& words() const { return m_words; }
    const std::string& word(std::int64_t id) const; // "**PAD**" for 0, "**UNK**" for V+1

private:
    std::vector<std::string> m_words;
    std::unordered_map<std::string, std::int64_t> m_ids;
};

} // namespace fc
