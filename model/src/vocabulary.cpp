#include "fc/model/vocabulary.h"

#include "fc/model/errors.h"
#include "fc/model/unicode.h"

#include "atomic_file.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace fc {
namespace {

const std::string kPadWord = "**PAD**";
const std::string kUnkWord = "**UNK**";

// A word must survive a save/load round trip: valid UTF-8, non-empty, no line break, no surrounding
// whitespace (the loader strips it, as the authors' loader does).
void checkWord(const std::string& word, const std::string& where) {
    if (word.empty())
        throw InputError(where + "empty vocabulary word");
    std::u32string cps;
    try {
        cps = decodeUtf8(word);
    } catch (const InputError& e) {
        throw InputError(where + e.what());
    }
    if (isSpaceChar(cps.front()) || isSpaceChar(cps.back()))
        throw InputError(where + "vocabulary word with surrounding whitespace");
    for (char32_t c : cps)
        if (c == U'\n' || c == U'\r')
            throw InputError(where + "vocabulary word with a line break");
}

// Python's str.strip(): removes str.isspace() code points at both ends.
std::u32string_view stripSpace(std::u32string_view text) {
    while (!text.empty() && isSpaceChar(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isSpaceChar(text.back()))
        text.remove_suffix(1);
    return text;
}

} // namespace

Vocabulary::Vocabulary(std::vector<std::string> words) {
    for (const std::string& word : words)
        checkWord(word, "");
    std::sort(words.begin(), words.end()); // byte-wise UTF-8 order == code-point order == Python sorted()
    words.erase(std::unique(words.begin(), words.end()), words.end());
    m_words = std::move(words);
    m_ids.reserve(m_words.size());
    for (std::size_t i = 0; i < m_words.size(); ++i)
        m_ids.emplace(m_words[i], static_cast<std::int64_t>(i) + 1);
}

Vocabulary Vocabulary::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError("cannot open vocabulary file " + path);
    std::vector<std::string> words;
    std::string line;
    std::int64_t lineNumber = 0;
    // Mirrors caml-mimic's load_vocab_dict: strip each line, skip empty ones, a set of words sorted.
    while (std::getline(in, line)) {
        ++lineNumber;
        const std::string where = path + ":" + std::to_string(lineNumber) + ": ";
        std::u32string cps;
        try {
            cps = decodeUtf8(line);
        } catch (const InputError& e) {
            throw InputError(where + e.what());
        }
        if (lineNumber == 1 && !cps.empty() && cps.front() == 0xFEFF)
            cps.erase(0, 1);
        const std::u32string_view word = stripSpace(cps);
        if (word.empty())
            continue;
        words.push_back(encodeUtf8(word));
        checkWord(words.back(), where);
    }
    if (in.bad())
        throw InputError("cannot read vocabulary file " + path);
    return Vocabulary(std::move(words));
}

void Vocabulary::save(const std::string& path) const {
    AtomicFile file(path);
    for (const std::string& word : m_words)
        file.stream() << word << '\n';
    file.commit();
}

std::int64_t Vocabulary::id(std::string_view word) const {
    const auto it = m_ids.find(std::string(word));
    return it == m_ids.end() ? unkId() : it->second;
}

const std::string& Vocabulary::word(std::int64_t id) const {
    if (id == kPad)
        return kPadWord;
    if (id == unkId())
        return kUnkWord;
    if (id < 0 || id > static_cast<std::int64_t>(m_words.size()))
        throw std::out_of_range("word id " + std::to_string(id) + " outside [0, " + std::to_string(unkId()) +
                                "]");
    return m_words[static_cast<std::size_t>(id) - 1];
}

} // namespace fc
