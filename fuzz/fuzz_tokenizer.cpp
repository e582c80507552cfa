// fc::tokenize on arbitrary bytes: either InputError (invalid UTF-8) or tokens whose code-point spans are
// non-empty, increasing, non-overlapping and inside the text, with non-empty lower-case text.
#include "fuzz_support.h"

#include "fc/model/errors.h"
#include "fc/model/tokenizer.h"
#include "fc/model/unicode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<fc::Token> tokens;
    try {
        tokens = fc::tokenize(text);
    } catch (const fc::InputError&) {
        fc::fuzz::require(!fc::isValidUtf8(text), "tokenize rejected valid UTF-8");
        return 0;
    }
    fc::fuzz::require(fc::isValidUtf8(text), "tokenize accepted invalid UTF-8");
    const std::int64_t length = fc::codePointCount(text);
    std::int64_t previousEnd = 0;
    for (const auto& token : tokens) {
        fc::fuzz::require(token.begin >= previousEnd, "token spans overlap or go backwards");
        fc::fuzz::require(token.begin < token.end, "empty token span");
        fc::fuzz::require(token.end <= length, "token span beyond the text");
        fc::fuzz::require(!token.text.empty() && fc::isValidUtf8(token.text),
                          "token text empty or not UTF-8");
        previousEnd = token.end;
    }
    // The u32 overload must agree with the UTF-8 one.
    const auto again = fc::tokenize(fc::decodeUtf8(text));
    fc::fuzz::require(again.size() == tokens.size(), "UTF-8 and UTF-32 tokenisations differ in count");
    for (std::size_t i = 0; i < tokens.size(); ++i)
        fc::fuzz::require(again[i].text == tokens[i].text && again[i].begin == tokens[i].begin &&
                              again[i].end == tokens[i].end,
                          "UTF-8 and UTF-32 tokenisations differ");
    return 0;
}
