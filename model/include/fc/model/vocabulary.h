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
    // Sorts and de-duplicates; empty strings, invalid UTF-8, line breaks and surrounding whitespace (words
    // that would not survive save() + load()) are rejected with InputError.
    explicit Vocabulary(std::vector<std::string> words);

    // One word per line, UTF-8, LF or CRLF; the file's order does not matter (ids follow sorted order).
    // As the authors' loader (caml-mimic load_vocab_dict): each line is stripped (Python str.strip()),
    // empty lines are skipped, duplicates collapse; a leading BOM is ignored.
    // Throws InputError with the line number on an invalid line (invalid UTF-8).
    static Vocabulary load(const std::string& path);
    // Writes the sorted words, one per line (LF), atomically (temporary file + rename); std::runtime_error
    // when the file cannot be written.
    void save(const std::string& path) const;

    std::int64_t id(std::string_view word) const; // unknown -> unkId()
    std::int64_t unkId() const { return static_cast<std::int64_t>(m_words.size()) + 1; }
    // Rows of the embedding matrix: PAD + V words + UNK.
    std::int64_t rows() const { return static_cast<std::int64_t>(m_words.size()) + 2; }
    std::size_t size() const { return m_words.size(); }
    const std::vector<std::string>& words() const { return m_words; }
    // "**PAD**" for 0, "**UNK**" for V+1; std::out_of_range outside [0, V+1].
    const std::string& word(std::int64_t id) const;

private:
    std::vector<std::string> m_words;
    std::unordered_map<std::string, std::int64_t> m_ids;
};

} // namespace fc
