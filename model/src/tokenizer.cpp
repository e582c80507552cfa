#include "fc/model/tokenizer.h"

#include "fc/model/unicode.h"

namespace fc {
namespace {

bool allNumeric(std::u32string_view run) {
    for (char32_t c : run)
        if (!isNumericChar(c))
            return false;
    return true;
}

// UTF-8 of Python's run.lower(); the ASCII case skips the Final_Sigma machinery.
std::string lowerUtf8(std::u32string_view run) {
    std::string out;
    out.reserve(run.size());
    bool ascii = true;
    for (char32_t c : run) {
        if (c >= 0x80) {
            ascii = false;
            break;
        }
        out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    }
    if (ascii)
        return out;
    out.clear();
    for (char32_t c : toLowerFull(run))
        appendUtf8(c, out);
    return out;
}

} // namespace

std::vector<Token> tokenize(std::u32string_view text) {
    std::vector<Token> tokens;
    tokens.reserve(text.size() / 6 + 1);
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        if (!isWordChar(text[i])) {
            ++i;
            continue;
        }
        const std::size_t begin = i;
        while (i < n && isWordChar(text[i]))
            ++i;
        const std::u32string_view run = text.substr(begin, i - begin);
        if (allNumeric(run))
            continue;
        tokens.push_back(
            Token{lowerUtf8(run), static_cast<std::int64_t>(begin), static_cast<std::int64_t>(i)});
    }
    return tokens;
}

std::vector<Token> tokenize(std::string_view utf8) {
    return tokenize(decodeUtf8(utf8));
}

} // namespace fc
