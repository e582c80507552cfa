#include "fc/model/training_examples.h"

#include "fc/model/unicode.h"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <utility>

namespace fc {

namespace {

bool isLineBreak(char32_t c) {
    return c == U'\n' || c == U'\r' || c == 0x2028 || c == 0x2029;
}

// The window [begin, end) widened by `words` whitespace-separated words on each side, not crossing a line
// break. Code point offsets into `text`.
std::pair<std::int64_t, std::int64_t> widen(const std::u32string& text, std::int64_t begin, std::int64_t end,
                                            int words) {
    const auto size = static_cast<std::int64_t>(text.size());
    std::int64_t left = begin;
    for (int w = 0; w < words; ++w) {
        std::int64_t p = left;
        while (p > 0 && isSpaceChar(text[p - 1]) && !isLineBreak(text[p - 1]))
            --p;
        if (p == 0 || isLineBreak(text[p - 1]))
            break;
        while (p > 0 && !isSpaceChar(text[p - 1]))
            --p;
        left = p;
    }
    std::int64_t right = end;
    for (int w = 0; w < words; ++w) {
        std::int64_t p = right;
        while (p < size && isSpaceChar(text[p]) && !isLineBreak(text[p]))
            ++p;
        if (p == size || isLineBreak(text[p]))
            break;
        while (p < size && !isSpaceChar(text[p]))
            ++p;
        right = p;
    }
    // A mention annotated across a line break keeps its own extent; only the context stops at lines.
    return {std::min(left, begin), std::max(right, end)};
}

} // namespace

std::vector<Document> mentionExamples(const std::vector<Document>& documents,
                                      const MentionExampleOptions& options, MentionExampleReport* report) {
    MentionExampleReport counts;
    std::vector<Document> examples;
    std::set<std::pair<std::string, std::vector<std::string>>> seen;
    std::unordered_map<std::string, int> perCode;
    for (const Document& document : documents) {
        const std::u32string text = decodeUtf8(document.text);
        const std::set<std::string> assigned(document.codes.begin(), document.codes.end());
        int k = 0;
        for (const EvidenceAnnotation& mention : document.evidence) {
            ++counts.mentions;
            if (!assigned.count(mention.code)) {
                ++counts.notAssigned;
                continue;
            }
            const auto [left, right] = widen(text, mention.begin, mention.end, options.contextWords);
            Document example;
            example.text = encodeUtf8(std::u32string_view(text).substr(left, right - left));
            example.codes.push_back(mention.code);
            for (const EvidenceAnnotation& other : document.evidence) {
                if (other.begin < left || other.end > right || !assigned.count(other.code))
                    continue;
                bool listed = false;
                for (const std::string& code : example.codes)
                    listed = listed || code == other.code;
                if (!listed)
                    example.codes.push_back(other.code);
                const EvidenceAnnotation shifted{other.code, other.begin - left, other.end - left};
                bool repeated = false;
                for (const EvidenceAnnotation& e : example.evidence)
                    repeated = repeated ||
                               (e.code == shifted.code && e.begin == shifted.begin && e.end == shifted.end);
                if (!repeated)
                    example.evidence.push_back(shifted);
            }
            // A sentence-level mention (English projections) holding several codes is one example, whichever
            // of its codes it was made for.
            std::vector<std::string> codeSet = example.codes;
            std::sort(codeSet.begin(), codeSet.end());
            if (!seen.insert({example.text, codeSet}).second) {
                ++counts.duplicates;
                continue;
            }
            if (options.maxPerCode > 0 && perCode[mention.code] >= options.maxPerCode) {
                ++counts.capped;
                continue;
            }
            ++perCode[mention.code];
            example.id = document.id + "#m" + std::to_string(++k);
            examples.push_back(std::move(example));
        }
    }
    counts.examples = static_cast<std::int64_t>(examples.size());
    if (report)
        *report = counts;
    return examples;
}

std::vector<Document> knowledgeExamples(const std::vector<std::string>& codes,
                                        const std::map<std::string, std::vector<std::string>>& terms) {
    std::vector<Document> examples;
    for (const std::string& code : codes) {
        const auto found = terms.find(code);
        if (found == terms.end())
            continue;
        std::set<std::string> seen;
        int n = 0;
        for (const std::string& term : found->second) {
            bool blank = true;
            for (const char c : term)
                blank = blank && (c == ' ' || c == '\t' || c == '\n' || c == '\r');
            if (blank || !seen.insert(term).second)
                continue;
            Document example;
            example.id = "k:" + code + "#" + std::to_string(++n);
            example.text = term;
            example.codes = {code};
            examples.push_back(std::move(example));
        }
    }
    return examples;
}

} // namespace fc
