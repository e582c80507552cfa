// evidenceDescriptions (evidence_descriptions.h).
#include "fc/model/evidence_descriptions.h"

#include "fc/model/unicode.h"

#include <algorithm>
#include <unordered_map>

namespace fc {

namespace {

// One fragment of text, lower-cased, with runs of white space (tabs, line breaks) folded to one space.
std::string fragmentText(const std::u32string& text, std::int64_t begin, std::int64_t end) {
    std::u32string folded;
    for (const char32_t c : toLowerFull(std::u32string_view(text).substr(
             static_cast<std::size_t>(begin), static_cast<std::size_t>(end - begin)))) {
        if (isSpaceChar(c)) {
            if (!folded.empty() && folded.back() != U' ')
                folded.push_back(U' ');
        } else {
            folded.push_back(c);
        }
    }
    while (!folded.empty() && folded.back() == U' ')
        folded.pop_back();
    return encodeUtf8(folded);
}

} // namespace

std::map<std::string, std::string> evidenceDescriptions(const std::vector<Document>& documents) {
    struct Count {
        std::size_t count = 0;
        std::size_t firstSeen = 0;
    };
    std::map<std::string, std::map<std::string, Count>> mentions; // code -> mention -> count
    std::size_t order = 0;
    for (const Document& document : documents) {
        if (document.evidence.empty())
            continue;
        const std::u32string text = decodeUtf8(document.text);
        std::vector<EvidenceAnnotation> spans = document.evidence;
        std::stable_sort(spans.begin(), spans.end(),
                         [](const EvidenceAnnotation& a, const EvidenceAnnotation& b) {
                             return a.code != b.code ? a.code < b.code : a.begin < b.begin;
                         });
        for (std::size_t i = 0; i < spans.size();) {
            std::size_t j = i;
            std::vector<std::string> fragments;
            for (; j < spans.size() && spans[j].code == spans[i].code; ++j) {
                const auto& s = spans[j];
                if (s.begin < 0 || s.end <= s.begin || s.end > static_cast<std::int64_t>(text.size()))
                    continue;
                std::string fragment = fragmentText(text, s.begin, s.end);
                if (!fragment.empty() &&
                    std::find(fragments.begin(), fragments.end(), fragment) == fragments.end())
                    fragments.push_back(std::move(fragment));
            }
            std::string mention;
            for (const auto& fragment : fragments)
                mention += (mention.empty() ? "" : " ") + fragment;
            if (!mention.empty()) {
                Count& c = mentions[spans[i].code][mention];
                if (c.count++ == 0)
                    c.firstSeen = order++;
            }
            i = j;
        }
    }
    std::map<std::string, std::string> descriptions;
    for (const auto& [code, counts] : mentions) {
        const auto best = std::min_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
            return a.second.count != b.second.count ? a.second.count > b.second.count
                                                    : a.second.firstSeen < b.second.firstSeen;
        });
        descriptions.emplace(code, best->first);
    }
    return descriptions;
}

} // namespace fc
