#pragma once
// The paper's (caml-mimic) tokenisation with offsets: `\w+` runs, lower-cased, tokens whose every
// character is numeric dropped ("500" dropped, "250mg" kept). Each token keeps its half-open
// [begin, end) code-point span in the original text. Identical to Python 3's
// [(m.group().lower(), m.start(), m.end()) for m in re.finditer(r"\w+", text) if not m.group().isnumeric()]
// including str.lower()'s special cases (U+0130 -> "i\u0307", final sigma), so token texts match a vocabulary
// built by the authors' Python pipeline. Pure and thread-safe; about 4 ms for a 50,000-word note.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fc {

struct Token {
    std::string text;   // lower-cased UTF-8, what the vocabulary is looked up with
    std::int64_t begin; // code point offset into the original text, inclusive
    std::int64_t end;   // code point offset, exclusive
};

// Throws InputError on invalid UTF-8. Never truncates: the model decides what to do with long notes.
std::vector<Token> tokenize(std::string_view utf8);
std::vector<Token> tokenize(std::u32string_view text);

} // namespace fc
