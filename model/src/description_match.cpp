// DescriptionMatcher (description_match.h).
#include "fc/model/description_match.h"

#include "fc/model/errors.h"
#include "fc/model/tokenizer.h"
#include "fc/model/unicode.h"

#include <algorithm>
#include <fstream>
#include <set>

namespace fc {

namespace {

// Words of ICD titles that carry no clinical content, or that notes never write ("unspecified",
// "elsewhere classified", the 7th-character "initial encounter" ...): without this list they would dominate
// the IDF weights, because 500 training notes never use them.
const std::set<std::string>& boilerplate() {
    static const std::set<std::string> words{
        "a",         "an",          "and",   "as",      "at",         "by",         "due",  "elsewhere",
        "encounter", "for",         "from",  "in",      "initial",    "nos",        "not",  "of",
        "on",        "or",          "other", "sequela", "specified",  "subsequent", "than", "the",
        "to",        "unspecified", "with",  "without", "classified", "approach",   "site", "type"};
    return words;
}

} // namespace

DescriptionMatcher DescriptionMatcher::build(const std::vector<std::string>& labels,
                                             const std::unordered_map<std::string, std::string>& descriptions,
                                             const NeighbourIndex& idfSource) {
    DescriptionMatcher matcher;
    matcher.m_labels = labels.size();
    for (std::size_t y = 0; y < labels.size(); ++y) {
        const auto it = descriptions.find(labels[y]);
        if (it == descriptions.end())
            continue;
        std::set<std::string> words;
        for (const auto& token : tokenize(it->second))
            if (boilerplate().count(token.text) == 0)
                words.insert(token.text);
        double total = 0.0;
        for (const auto& word : words)
            total += idfSource.idf(word);
        if (!(total > 0.0))
            continue;
        for (const auto& word : words)
            matcher.m_wordLabels[word].emplace_back(static_cast<std::uint32_t>(y),
                                                    static_cast<float>(idfSource.idf(word) / total));
    }
    return matcher;
}

std::vector<float> DescriptionMatcher::match(std::string_view utf8Text) const {
    std::vector<float> scores(m_labels, 0.0f);
    std::set<std::string> seen;
    for (auto& token : tokenize(utf8Text)) {
        if (!seen.insert(token.text).second)
            continue;
        const auto it = m_wordLabels.find(token.text);
        if (it == m_wordLabels.end())
            continue;
        for (const auto& [label, weight] : it->second)
            scores[label] += weight;
    }
    for (auto& score : scores)
        score = std::min(score, 1.0f); // float sums of shares may pass 1 by an ulp
    return scores;
}

std::vector<std::vector<EvidenceSpan>> DescriptionMatcher::mentions(const std::vector<Token>& tokens,
                                                                    const std::vector<std::size_t>& labels,
                                                                    float minShare) const {
    std::vector<std::vector<EvidenceSpan>> result(labels.size());
    std::unordered_map<std::uint32_t, std::size_t> slot; // label -> its entry in `labels`
    for (std::size_t i = 0; i < labels.size(); ++i)
        slot.emplace(static_cast<std::uint32_t>(labels[i]), i);
    // Per wanted label, the tokens that are description words, in text order, with the word's share.
    struct Hit {
        std::size_t token;
        float share;
    };
    std::vector<std::vector<Hit>> hits(labels.size());
    for (std::size_t t = 0; t < tokens.size(); ++t) {
        const auto it = m_wordLabels.find(tokens[t].text);
        if (it == m_wordLabels.end())
            continue;
        for (const auto& [label, share] : it->second)
            if (const auto s = slot.find(label); s != slot.end())
                hits[s->second].push_back({t, share});
    }
    for (std::size_t i = 0; i < labels.size(); ++i) {
        auto& spans = result[i];
        const auto& h = hits[i];
        for (std::size_t first = 0; first < h.size();) {
            std::size_t last = first;
            // One other token may sit between two description words ("diabetes with renal failure").
            while (last + 1 < h.size() && h[last + 1].token <= h[last].token + 2)
                ++last;
            std::set<std::string> words; // a word repeated in the run counts once
            float share = 0.0f;
            for (std::size_t k = first; k <= last; ++k)
                if (words.insert(tokens[h[k].token].text).second)
                    share += h[k].share;
            if (share >= minShare)
                spans.push_back({tokens[h[first].token].begin, tokens[h[last].token].end,
                                 static_cast<double>(std::min(share, 1.0f)), EvidenceSource::Mention});
            first = last + 1;
        }
        std::stable_sort(spans.begin(), spans.end(),
                         [](const EvidenceSpan& a, const EvidenceSpan& b) { return a.weight > b.weight; });
    }
    return result;
}

std::unordered_map<std::string, std::string> DescriptionMatcher::readDescriptions(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ModelError(path + ": missing or unreadable");
    std::unordered_map<std::string, std::string> descriptions;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty())
            continue;
        const auto tab = line.find('\t');
        if (tab == std::string::npos || tab == 0)
            throw ModelError(path + ":" + std::to_string(number) + ": expected code<TAB>description");
        if (!isValidUtf8(line))
            throw ModelError(path + ":" + std::to_string(number) + ": not valid UTF-8");
        descriptions.emplace(line.substr(0, tab), line.substr(tab + 1));
    }
    return descriptions;
}

} // namespace fc
