// CodeCatalog::search: code prefixes through the sorted code keys, words through the postings.
#include "codecatalog_internal.h"

#include <unordered_map>

namespace fc {

namespace {

struct RankedHit {
    std::uint32_t systemRank = 0; // position of the system in the search order
    std::uint32_t entry = 0;
    CatalogMatch match = CatalogMatch::Words;
    std::uint32_t exactWords = 0;
    std::uint32_t length = 0;     // code matches: code length; word matches: description word count
    std::uint32_t codeLength = 0; // more general (shorter) codes first among equal word matches
    std::uint64_t codeKey = 0;
};

bool ranksBefore(const RankedHit& a, const RankedHit& b) {
    if (a.match != b.match)
        return a.match < b.match;
    if (a.exactWords != b.exactWords)
        return a.exactWords > b.exactWords;
    if (a.length != b.length)
        return a.length < b.length;
    if (a.codeLength != b.codeLength)
        return a.codeLength < b.codeLength;
    if (a.systemRank != b.systemRank)
        return a.systemRank < b.systemRank;
    return a.codeKey < b.codeKey;
}

} // namespace

QList<CatalogHit> CodeCatalog::search(const QString& query, const QStringList& systems, int limit) const {
    QList<CatalogHit> result;
    const QString trimmed = query.trimmed();
    if (trimmed.isEmpty() || limit <= 0)
        return result;

    std::vector<const System*> order;
    for (const auto& system : systems_)
        if (systems.isEmpty() || systems.contains(system->id))
            order.push_back(system.get());

    // Code matches of every system first: they rank before any word match, so once there are `limit` of
    // them the word search is skipped.
    std::vector<RankedHit> hits;
    std::vector<std::size_t> codeHitsEnd(order.size(), 0);
    const QByteArray codeInput = trimmed.toUtf8();
    std::string codeQuery;
    if (normalizeCode(std::string_view(codeInput.constData(), std::size_t(codeInput.size())), &codeQuery)) {
        const std::uint64_t key = packCode(codeQuery);
        for (std::uint32_t rank = 0; rank < order.size(); ++rank) {
            const System& s = *order[rank];
            const auto lo = std::lower_bound(s.codeKeys.begin(), s.codeKeys.end(), key);
            const auto hi = std::upper_bound(lo, s.codeKeys.end(), prefixEnd(key, codeQuery.size()));
            for (auto it = lo; it != hi; ++it) {
                RankedHit hit;
                hit.systemRank = rank;
                hit.entry = s.codeEntries[std::size_t(it - s.codeKeys.begin())];
                hit.match = *it == key ? CatalogMatch::ExactCode : CatalogMatch::CodePrefix;
                hit.length = s.entries[hit.entry].code.size;
                hit.codeKey = *it;
                hits.push_back(hit);
            }
            codeHitsEnd[rank] = hits.size();
        }
    }

    std::vector<std::string> words;
    if (hits.size() < std::size_t(limit))
        for (const QString& word : foldedWords(trimmed))
            words.push_back(word.toStdString());
    std::vector<std::uint8_t> marks; // per entry: 1 = candidate, 2 = already a code match
    for (std::uint32_t rank = 0; rank < order.size() && !words.empty(); ++rank) {
        const System& s = *order[rank];
        // Every query word selects the vocabulary range of the words it starts; the range with the fewest
        // postings gives the candidates, the other words are checked in each candidate's word list.
        std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;
        std::vector<std::int64_t> exactIds;
        std::size_t smallest = 0;
        std::uint32_t smallestPostings = std::numeric_limits<std::uint32_t>::max();
        for (const std::string& word : words) {
            const auto range = s.wordRange(word);
            if (range.first == range.second)
                break;
            const std::uint32_t postingCount = s.postingStart[range.second] - s.postingStart[range.first];
            if (postingCount < smallestPostings) {
                smallestPostings = postingCount;
                smallest = ranges.size();
            }
            exactIds.push_back(s.vocabulary[range.first] == word ? std::int64_t(range.first) : -1);
            ranges.push_back(range);
        }
        if (ranges.size() != words.size())
            continue;

        marks.assign(s.entries.size(), 0);
        for (std::size_t i = rank == 0 ? 0 : codeHitsEnd[rank - 1]; i < codeHitsEnd[rank]; ++i)
            marks[hits[i].entry] = 2;
        for (std::uint32_t k = s.postingStart[ranges[smallest].first];
             k < s.postingStart[ranges[smallest].second]; ++k)
            if (marks[s.postings[k]] == 0)
                marks[s.postings[k]] = 1;

        for (std::uint32_t entry = 0; entry < marks.size(); ++entry) {
            if (marks[entry] != 1)
                continue;
            const std::uint32_t* begin = s.entryWords.data() + s.entryWordStart[entry];
            const std::uint32_t* end = s.entryWords.data() + s.entryWordStart[entry + 1];
            std::uint32_t exact = 0;
            bool all = true;
            for (std::size_t w = 0; w < ranges.size() && all; ++w) {
                bool found = false, whole = false;
                for (const std::uint32_t* id = begin; id != end; ++id) {
                    if (*id >= ranges[w].first && *id < ranges[w].second) {
                        found = true;
                        whole = whole || std::int64_t(*id) == exactIds[w];
                    }
                }
                all = found;
                exact += whole;
            }
            if (!all)
                continue;
            RankedHit hit;
            hit.systemRank = rank;
            hit.entry = entry;
            hit.exactWords = exact;
            hit.length = s.entries[entry].wordCount;
            hit.codeLength = s.entries[entry].code.size;
            hit.codeKey = s.entries[entry].key;
            hits.push_back(hit);
        }
    }

    const std::size_t count = std::min(hits.size(), std::size_t(limit));
    std::partial_sort(hits.begin(), hits.begin() + std::ptrdiff_t(count), hits.end(), ranksBefore);
    result.reserve(qsizetype(count));
    for (std::size_t i = 0; i < count; ++i) {
        CatalogHit hit;
        hit.entry = makeEntry(*order[hits[i].systemRank], hits[i].entry);
        hit.match = hits[i].match;
        hit.exactWords = int(hits[i].exactWords);
        result.push_back(std::move(hit));
    }
    return result;
}

} // namespace fc
