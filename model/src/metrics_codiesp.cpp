// The official CodiEsp 2020 metrics: D/P MAP scored apart and CodiEsp-X micro P/R/F1 (metrics_codiesp.h).
#include "fc/model/metrics_codiesp.h"

#include "fc/model/modelfiles.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>

namespace fc {
namespace {

double ratio(double numerator, double denominator) {
    return denominator > 0.0 ? numerator / denominator : 0.0;
}

// AP of one document in one sub-task: `ranked` = the sub-task's labels in run order (already cut at depth),
// `isGold` marks gold labels, `goldTotal` = all gold codes of the sub-task (retrievable or not).
double averagePrecision(const std::vector<std::size_t>& ranked, const std::vector<std::uint8_t>& isGold,
                        std::int64_t goldTotal) {
    double sum = 0.0;
    std::int64_t hits = 0;
    for (std::size_t r = 0; r < ranked.size(); ++r) {
        if (isGold[ranked[r]] == 0)
            continue;
        ++hits;
        sum += static_cast<double>(hits) / static_cast<double>(r + 1);
    }
    return ratio(sum, static_cast<double>(goldTotal));
}

} // namespace

bool isProcedureCode(const std::string& code) {
    // CodiEsp procedures are 7-character ICD-10-PCS codes or 4-character table prefixes, never dotted;
    // all-digit prefixes ("0016") are PCS here although labelSystem() cannot rule out undotted ICD-9 for
    // them.
    const bool alnum = !code.empty() && std::all_of(code.begin(), code.end(),
                                                    [](unsigned char c) { return std::isalnum(c) != 0; });
    return labelSystem(code, true) == "icd-10-pcs" || (alnum && (code.size() == 4 || code.size() == 7));
}

CodiespMap codiespMap(const ScoreMatrix& scores, const std::vector<CodiespMapGold>& gold,
                      const std::vector<std::uint8_t>& isProcedure, int depth) {
    if (gold.size() != scores.docs)
        throw std::invalid_argument("codiespMap: one gold entry per document is required");
    if (isProcedure.size() != scores.labels)
        throw std::invalid_argument("codiespMap: one isProcedure flag per label is required");
    const std::size_t cut = depth > 0 ? static_cast<std::size_t>(depth) : scores.labels;
    CodiespMap result;
    double dSum = 0.0, pSum = 0.0;
    std::vector<std::uint8_t> isGold(scores.labels, 0);
    std::vector<std::size_t> order(scores.labels);
    for (std::size_t doc = 0; doc < scores.docs; ++doc) {
        const float* row = scores.row(doc);
        std::int64_t goldD = gold[doc].outsideDiagnoses, goldP = gold[doc].outsideProcedures;
        std::set<std::int32_t> unique(gold[doc].labels.begin(), gold[doc].labels.end());
        for (const auto label : unique) {
            if (label < 0 || static_cast<std::size_t>(label) >= scores.labels)
                throw std::invalid_argument("codiespMap: gold label index out of range");
            isGold[static_cast<std::size_t>(label)] = 1;
            (isProcedure[static_cast<std::size_t>(label)] != 0 ? goldP : goldD) += 1;
        }
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return row[a] > row[b]; });
        // The run of each sub-task: its own labels only, in score order, cut at the depth.
        std::vector<std::size_t> diagnoses, procedures;
        for (const auto label : order) {
            auto& run = isProcedure[label] != 0 ? procedures : diagnoses;
            if (run.size() < cut)
                run.push_back(label);
        }
        if (goldD > 0) {
            dSum += averagePrecision(diagnoses, isGold, goldD);
            ++result.n_d_docs;
        }
        if (goldP > 0) {
            pSum += averagePrecision(procedures, isGold, goldP);
            ++result.n_p_docs;
        }
        for (const auto label : unique)
            isGold[static_cast<std::size_t>(label)] = 0;
    }
    result.d_map = ratio(dSum, static_cast<double>(result.n_d_docs));
    result.p_map = ratio(pSum, static_cast<double>(result.n_p_docs));
    return result;
}

bool codiespXSpanMatches(std::int64_t predictedBegin, std::int64_t predictedEnd, std::int64_t goldBegin,
                         std::int64_t goldEnd) {
    const std::int64_t startSpace = goldBegin - predictedBegin;
    const std::int64_t endSpace = predictedEnd - goldEnd;
    return startSpace >= 0 && startSpace <= kCodiespXTolerance && endSpace >= 0 &&
           endSpace <= kCodiespXTolerance;
}

void CodiespXScorer::add(const std::vector<CodiespXSpan>& predicted, const std::vector<CodiespXSpan>& gold) {
    std::map<std::string, std::vector<const CodiespXSpan*>> predictedByCode, goldByCode;
    for (const auto& span : predicted)
        predictedByCode[span.code].push_back(&span);
    for (const auto& span : gold)
        goldByCode[span.code].push_back(&span);
    m_counts.predicted += static_cast<std::int64_t>(predictedByCode.size());
    m_counts.gold += static_cast<std::int64_t>(goldByCode.size());
    for (const auto& [code, goldSpans] : goldByCode) {
        const auto it = predictedByCode.find(code);
        if (it == predictedByCode.end())
            continue;
        const bool hit = std::any_of(goldSpans.begin(), goldSpans.end(), [&](const CodiespXSpan* g) {
            return std::any_of(it->second.begin(), it->second.end(), [&](const CodiespXSpan* p) {
                return codiespXSpanMatches(p->begin, p->end, g->begin, g->end);
            });
        });
        if (hit)
            ++m_counts.truePositives;
    }
}

void CodiespXScorer::merge(const CodiespXScorer& other) {
    m_counts.predicted += other.m_counts.predicted;
    m_counts.gold += other.m_counts.gold;
    m_counts.truePositives += other.m_counts.truePositives;
}

CodiespXScores CodiespXScorer::scores() const {
    CodiespXScores s = m_counts;
    s.precision = ratio(static_cast<double>(s.truePositives), static_cast<double>(s.predicted));
    s.recall = ratio(static_cast<double>(s.truePositives), static_cast<double>(s.gold));
    s.f1 = s.precision + s.recall > 0.0 ? 2.0 * s.precision * s.recall / (s.precision + s.recall) : 0.0;
    return s;
}

} // namespace fc
