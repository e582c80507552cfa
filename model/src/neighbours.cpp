// NeighbourIndex (neighbours.h). File format, UTF-8 text, tab-separated:
//   fusioncoder-neighbours<TAB>1
//   words<TAB>W            then W lines  word<TAB>idf
//   documents<TAB>D        then D lines  code code ...<TAB>wordIndex:weight wordIndex:weight ...
#include "fc/model/neighbours.h"

#include "atomic_file.h"
#include "fc/model/errors.h"
#include "fc/model/tokenizer.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

namespace fc {

namespace {

constexpr const char* kMagic = "fusioncoder-neighbours";

// Word -> raw term count of one text.
std::map<std::string, int> termCounts(std::string_view utf8Text) {
    std::map<std::string, int> counts;
    for (auto& token : tokenize(utf8Text))
        ++counts[std::move(token.text)];
    return counts;
}

std::vector<std::string> splitOn(const std::string& s, char separator) {
    std::vector<std::string> parts;
    std::string part;
    std::istringstream in(s);
    while (std::getline(in, part, separator))
        if (!part.empty())
            parts.push_back(part);
    return parts;
}

} // namespace

float retrievalPrior(float vote) {
    constexpr double floor = 0.02; // modelfiles.h kRetrievalPriorFloor
    const double p = floor + (1.0 - 2.0 * floor) * std::clamp(static_cast<double>(vote), 0.0, 1.0);
    return static_cast<float>(std::log(p / (1.0 - p)));
}

void NeighbourIndex::addDocument(std::vector<std::string> codes,
                                 const std::vector<std::pair<std::uint32_t, float>>& vector) {
    const auto id = static_cast<std::uint32_t>(m_documentCodes.size());
    for (const auto& [word, weight] : vector)
        m_postings[word].push_back({id, weight});
    m_documentCodes.push_back(std::move(codes));
    m_documentVectors.push_back(vector);
    m_sources.push_back(-1);
}

NeighbourIndex NeighbourIndex::build(const std::vector<Document>& train) {
    NeighbourIndex index;
    std::vector<std::map<std::string, int>> counts;
    std::vector<const Document*> kept;
    std::map<std::string, int> documentFrequency;
    for (const auto& document : train) {
        if (document.codes.empty())
            continue;
        auto c = termCounts(document.text);
        if (c.empty())
            continue;
        for (const auto& [word, n] : c)
            ++documentFrequency[word];
        counts.push_back(std::move(c));
        kept.push_back(&document);
    }
    const double n = static_cast<double>(kept.size());
    for (const auto& [word, df] : documentFrequency) {
        index.m_wordIds.emplace(word, static_cast<std::uint32_t>(index.m_words.size()));
        index.m_words.push_back(word);
        index.m_idf.push_back(static_cast<float>(std::log(n / df)));
    }
    index.m_postings.resize(index.m_words.size());
    for (std::size_t d = 0; d < kept.size(); ++d) {
        std::vector<std::pair<std::uint32_t, float>> vector;
        double norm = 0.0;
        for (const auto& [word, tf] : counts[d]) {
            const auto id = index.m_wordIds.at(word);
            const double w = (1.0 + std::log(static_cast<double>(tf))) * index.m_idf[id];
            if (w > 0.0) {
                vector.emplace_back(id, static_cast<float>(w));
                norm += w * w;
            }
        }
        if (!(norm > 0.0))
            continue; // only words every note has: no direction to compare with
        for (auto& entry : vector)
            entry.second = static_cast<float>(entry.second / std::sqrt(norm));
        std::vector<std::string> codes = kept[d]->codes;
        std::sort(codes.begin(), codes.end());
        codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
        index.addDocument(std::move(codes), vector);
        index.m_sources.back() = static_cast<std::int64_t>(kept[d] - train.data());
    }
    return index;
}

void NeighbourIndex::save(const std::string& path) const {
    AtomicFile file(path);
    auto& out = file.stream();
    out << kMagic << "\t1\nwords\t" << m_words.size() << "\n";
    for (std::size_t i = 0; i < m_words.size(); ++i)
        out << m_words[i] << '\t' << m_idf[i] << '\n';
    out << "documents\t" << m_documentCodes.size() << "\n";
    for (std::size_t d = 0; d < m_documentCodes.size(); ++d) {
        for (std::size_t c = 0; c < m_documentCodes[d].size(); ++c)
            out << (c ? " " : "") << m_documentCodes[d][c];
        out << '\t';
        for (std::size_t i = 0; i < m_documentVectors[d].size(); ++i)
            out << (i ? " " : "") << m_documentVectors[d][i].first << ':' << m_documentVectors[d][i].second;
        out << '\n';
    }
    file.commit();
}

NeighbourIndex NeighbourIndex::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ModelError(path + ": missing or unreadable");
    std::size_t lineNumber = 0;
    std::string line;
    const auto fail = [&](const std::string& why) -> ModelError {
        return ModelError(path + ":" + std::to_string(lineNumber) + ": " + why);
    };
    const auto next = [&]() {
        if (!std::getline(in, line)) {
            ++lineNumber;
            throw fail("the file ends early (truncated neighbour index)");
        }
        ++lineNumber;
    };
    const auto count = [&](const char* key) {
        next();
        const auto tab = line.find('\t');
        if (line.substr(0, tab) != key || tab == std::string::npos)
            throw fail(std::string("expected '") + key + "<TAB>count'");
        try {
            std::size_t used = 0;
            const unsigned long long value = std::stoull(line.substr(tab + 1), &used);
            if (used != line.size() - tab - 1 || value > 50'000'000ULL)
                throw std::invalid_argument("range");
            return static_cast<std::size_t>(value);
        } catch (const std::exception&) {
            throw fail("bad count");
        }
    };
    next();
    if (line != std::string(kMagic) + "\t1")
        throw fail("not a fusioncoder neighbour index (version 1)");
    NeighbourIndex index;
    const std::size_t words = count("words");
    index.m_postings.resize(words);
    for (std::size_t i = 0; i < words; ++i) {
        next();
        const auto tab = line.find('\t');
        if (tab == std::string::npos || tab == 0)
            throw fail("expected word<TAB>idf");
        char* end = nullptr;
        const float idf = std::strtof(line.c_str() + tab + 1, &end);
        if (end == line.c_str() + tab + 1 || *end != '\0' || !std::isfinite(idf) || idf < 0.0f)
            throw fail("bad idf");
        const std::string word = line.substr(0, tab);
        if (!index.m_wordIds.emplace(word, static_cast<std::uint32_t>(i)).second)
            throw fail("word listed twice");
        index.m_words.push_back(word);
        index.m_idf.push_back(idf);
    }
    const std::size_t documents = count("documents");
    for (std::size_t d = 0; d < documents; ++d) {
        next();
        const auto tab = line.find('\t');
        if (tab == std::string::npos)
            throw fail("expected codes<TAB>vector");
        std::vector<std::string> codes = splitOn(line.substr(0, tab), ' ');
        if (codes.empty())
            throw fail("a document without codes");
        std::vector<std::pair<std::uint32_t, float>> vector;
        for (const auto& item : splitOn(line.substr(tab + 1), ' ')) {
            const auto colon = item.find(':');
            char* end = nullptr;
            const unsigned long id = std::strtoul(item.c_str(), &end, 10);
            if (colon == std::string::npos || end != item.c_str() + colon || id >= words)
                throw fail("bad word index in '" + item + "'");
            const float weight = std::strtof(item.c_str() + colon + 1, &end);
            if (*end != '\0' || !std::isfinite(weight))
                throw fail("bad weight in '" + item + "'");
            vector.emplace_back(static_cast<std::uint32_t>(id), weight);
        }
        index.addDocument(std::move(codes), vector);
    }
    return index;
}

std::unordered_map<std::string, float> NeighbourIndex::vote(std::string_view utf8Text, int k,
                                                            std::int64_t exclude) const {
    std::unordered_map<std::string, float> votes;
    if (k < 1 || m_documentCodes.empty())
        return votes;
    // Query vector with the index's idf; words the training notes never had carry no weight.
    std::vector<std::pair<std::uint32_t, double>> query;
    double norm = 0.0;
    for (const auto& [word, tf] : termCounts(utf8Text)) {
        const auto it = m_wordIds.find(word);
        if (it == m_wordIds.end())
            continue;
        const double w = (1.0 + std::log(static_cast<double>(tf))) * m_idf[it->second];
        if (w > 0.0) {
            query.emplace_back(it->second, w);
            norm += w * w;
        }
    }
    if (!(norm > 0.0))
        return votes;
    std::vector<double> similarity(m_documentCodes.size(), 0.0);
    for (const auto& [word, w] : query)
        for (const auto& posting : m_postings[word])
            similarity[posting.document] += w * posting.weight;
    if (exclude >= 0)
        for (std::size_t d = 0; d < m_sources.size(); ++d)
            if (m_sources[d] == exclude)
                similarity[d] = 0.0; // no share of the vote
    std::vector<std::uint32_t> order(similarity.size());
    for (std::uint32_t d = 0; d < order.size(); ++d)
        order[d] = d;
    const auto nearest = std::min<std::size_t>(static_cast<std::size_t>(k), order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(nearest), order.end(),
                      [&](std::uint32_t a, std::uint32_t b) {
                          return similarity[a] != similarity[b] ? similarity[a] > similarity[b] : a < b;
                      });
    double total = 0.0;
    for (std::size_t i = 0; i < nearest; ++i)
        total += std::max(0.0, similarity[order[i]]);
    if (!(total > 0.0))
        return votes;
    for (std::size_t i = 0; i < nearest && similarity[order[i]] > 0.0; ++i) {
        const double share = similarity[order[i]] / total;
        for (const auto& code : m_documentCodes[order[i]])
            votes[code] += static_cast<float>(share);
    }
    return votes;
}

NeighbourIndex::AddOutcome NeighbourIndex::add(const Document& document) {
    std::vector<std::string> codes = document.codes;
    std::sort(codes.begin(), codes.end());
    codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
    if (codes.empty())
        return AddOutcome::Skipped;
    std::vector<std::pair<std::uint32_t, float>> vector;
    double norm = 0.0;
    for (const auto& [word, tf] : termCounts(document.text)) {
        auto it = m_wordIds.find(word);
        if (it == m_wordIds.end()) {
            const float unseen = idf(word);
            it = m_wordIds.emplace(word, static_cast<std::uint32_t>(m_words.size())).first;
            m_words.push_back(word);
            m_idf.push_back(unseen);
            m_postings.emplace_back();
        }
        const double w = (1.0 + std::log(static_cast<double>(tf))) * m_idf[it->second];
        if (w > 0.0) {
            vector.emplace_back(it->second, static_cast<float>(w));
            norm += w * w;
        }
    }
    if (!(norm > 0.0))
        return AddOutcome::Skipped;
    std::vector<double> similarity(m_documentCodes.size(), 0.0);
    for (auto& entry : vector) {
        entry.second = static_cast<float>(entry.second / std::sqrt(norm));
        for (const auto& posting : m_postings[entry.first])
            similarity[posting.document] += static_cast<double>(entry.second) * posting.weight;
    }
    const auto best = std::max_element(similarity.begin(), similarity.end());
    if (best != similarity.end() && *best >= 0.999) {
        m_documentCodes[static_cast<std::size_t>(best - similarity.begin())] = std::move(codes);
        return AddOutcome::Replaced;
    }
    addDocument(std::move(codes), vector);
    return AddOutcome::Added;
}

float NeighbourIndex::idf(const std::string& word) const {
    const auto it = m_wordIds.find(word);
    if (it != m_wordIds.end())
        return m_idf[it->second];
    return static_cast<float>(std::log(std::max<double>(1.0, static_cast<double>(m_documentCodes.size()))));
}

std::unordered_map<std::string, std::size_t> NeighbourIndex::codeCounts() const {
    std::unordered_map<std::string, std::size_t> counts;
    for (const auto& codes : m_documentCodes)
        for (const auto& code : codes)
            ++counts[code];
    return counts;
}

} // namespace fc
