#pragma once
// UTF-8 <-> code points. Offsets everywhere in fc::model are Unicode code points into the original text
// (as Python strings, CodiEsp-X and MDACE count them); the UI converts them to UTF-16 in one place.
// The character classes reproduce Python 3's str methods exactly; their tables are generated from Python by
// scripts/gen_unicode_tables.py (unicodeTablesVersion() names the Unicode version). All functions are pure
// and thread-safe.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fc {

// Decodes strict UTF-8 (no overlongs, no surrogates, max U+10FFFF). Throws InputError naming the byte offset
// of the first invalid sequence. A leading UTF-8 BOM is kept as U+FEFF (it is not a word character).
std::u32string decodeUtf8(std::string_view utf8);
// Throws InputError on a surrogate or a value above U+10FFFF (naming its index).
std::string encodeUtf8(std::u32string_view text);
void appendUtf8(char32_t c, std::string& out); // c must be a Unicode scalar value
bool isValidUtf8(std::string_view utf8);
// Number of code points of strict UTF-8 text without decoding it; throws InputError like decodeUtf8.
std::int64_t codePointCount(std::string_view utf8);

// Python 3 str.isalnum() || '_' for one code point: the `\w` of the paper's regex tokenizer.
bool isWordChar(char32_t c);
// Python 3 str.isnumeric() for one code point (Nd, Nl, No and other numeric-valued characters).
bool isNumericChar(char32_t c);
// Python 3 str.isspace() for one code point.
bool isSpaceChar(char32_t c);
// Python 3 str.lower() restricted to one-to-one mappings (U+0130 maps to 'i'; documented deviation).
char32_t toLower(char32_t c);
// Python 3 str.lower() of a whole string, exactly: U+0130 becomes "i\u0307" and a capital sigma becomes the
// final form U+03C2 by the Final_Sigma rule (cased letter before it, none after it, case-ignorables skipped).
std::u32string toLowerFull(std::u32string_view text);
// Unicode version of the generated tables, e.g. "14.0.0".
const char* unicodeTablesVersion();

} // namespace fc
