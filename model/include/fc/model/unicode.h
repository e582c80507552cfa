#pragma once
// UTF-8 <-> code points. Offsets everywhere in fc::model are Unicode code points into the original text
// (as Python strings, CodiEsp-X and MDACE count them); the UI converts them to UTF-16 in one place.
#include <cstddef>
#include <string>
#include <string_view>

namespace fc {

// Decodes strict UTF-8 (no overlongs, no surrogates, max U+10FFFF). Throws InputError naming the byte offset
// of the first invalid sequence. A leading UTF-8 BOM is kept as U+FEFF (it is not a word character).
std::u32string decodeUtf8(std::string_view utf8);
std::string encodeUtf8(std::u32string_view text);
bool isValidUtf8(std::string_view utf8);

// Python 3 str.isalnum() || '_' for one code point: the `\w` of the paper's regex tokenizer.
bool isWordChar(char32_t c);
// Python 3 str.isnumeric() for one code point (Nd, Nl, No and other numeric-valued characters).
bool isNumericChar(char32_t c);
// Python 3 str.lower() restricted to one-to-one mappings (U+0130 maps to 'i'; documented deviation).
char32_t toLower(char32_t c);

} // namespace fc
