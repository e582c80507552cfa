// computeMetrics and rocAuc: one row-major pass over the score matrix feeds every metric.
#include "fc/model/metrics.h"

#include "metrics_input.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace fc {
namespace {

constexpr double kCamlEpsilon = 1e-10;
constexpr std::array<int, 3> kRankCutoffs = {5, 8, 15};

// Of a sorted range of positive scores: 2 * (number greater than s) + (number equal to s).
// Summed over every item of a column (positives included) and reduced by P^2, this is twice the
// Mann-Whitney count of (positive, negative) pairs with the positive scored higher, ties counting one half —
// the trapezoid area under sklearn's ROC curve times 2 * P * negatives.
std::int64_t twiceOutrankingPositives(const float* begin, const float* end, float s) {
    const auto count = static_cast<std::int64_t>(end - begin);
    if (s < *begin)
        return 2 * count;
    if (s > end[-1])
        return 0;
    const float* lower = std::lower_bound(begin, end, s);
    const float* upper = std::upper_bound(lower, end, s);
    return 2 * static_cast<std::int64_t>(end - upper) + static_cast<std::int64_t>(upper - lower);
}

// Maps a non-NaN float to an unsigned key with the same order (-0 and +0 alike).
std::uint32_t orderKey(float value) {
    if (value == 0.0f)
        value = 0.0f;
    std::uint32_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    return (bits & 0x80000000u) != 0 ? ~bits : (bits | 0x80000000u);
}

// Same as twiceOutrankingPositives for a short range, without branches on the data.
std::int64_t twiceOutrankingFew(const float* begin, const float* end, float s) {
    std::int64_t result = 0;
    for (const float* p = begin; p != end; ++p)
        result += 2 * static_cast<std::int64_t>(*p > s) + static_cast<std::int64_t>(*p == s);
    return result;
}

// The per-label positive scores: one sorted run per label in a flat array.
struct LabelPositives {
    static constexpr std::size_t kLinearLimit = 24;

    // label must have >= 1 positive.
    std::int64_t twiceOutranking(std::size_t label, float s) const {
        const float* begin = scores.data() + offset[label];
        const float* end = scores.data() + offset[label + 1];
        if (s < *begin) // most negatives of a trained model
            return 2 * static_cast<std::int64_t>(end - begin);
        if (static_cast<std::size_t>(end - begin) <= kLinearLimit)
            return twiceOutrankingFew(begin, end, s);
        return twiceOutrankingPositives(begin, end, s);
    }

    std::vector<float> scores;
    std::vector<std::size_t> offset; // labels + 1 entries
};

// The sorted positive scores of a large set (all positives of the matrix) with a bucket index over the order
// keys between the smallest and the largest positive (about four buckets per positive), so a query costs a
// table look-up plus a search among the few positives of its bucket.
class BucketedPositives {
public:
    explicit BucketedPositives(std::vector<float> positives) : m_scores(std::move(positives)) {
        std::sort(m_scores.begin(), m_scores.end());
        if (m_scores.empty())
            return;
        m_minKey = orderKey(m_scores.front());
        m_maxKey = orderKey(m_scores.back());
        std::size_t buckets = 1024;
        while (buckets < 4 * m_scores.size() && buckets < (std::size_t{1} << 20))
            buckets *= 2;
        while (((m_maxKey - m_minKey) >> m_shift) >= buckets)
            ++m_shift;
        const std::size_t used = ((m_maxKey - m_minKey) >> m_shift) + 1;
        m_bucketStart.assign(used + 1, 0);
        for (float s : m_scores)
            ++m_bucketStart[((orderKey(s) - m_minKey) >> m_shift) + 1];
        for (std::size_t b = 1; b <= used; ++b)
            m_bucketStart[b] += m_bucketStart[b - 1];
    }

    std::int64_t size() const { return static_cast<std::int64_t>(m_scores.size()); }

    std::int64_t twiceOutranking(float s) const {
        const auto total = static_cast<std::int64_t>(m_scores.size());
        if (total == 0)
            return 0;
        const std::uint32_t key = orderKey(s);
        if (key < m_minKey)
            return 2 * total;
        if (key > m_maxKey)
            return 0;
        const std::uint32_t bucket = (key - m_minKey) >> m_shift;
        const std::uint32_t first = m_bucketStart[bucket];
        const std::uint32_t last = m_bucketStart[bucket + 1];
        const std::int64_t above = total - static_cast<std::int64_t>(last);
        const float* begin = m_scores.data() + first;
        const float* end = m_scores.data() + last;
        if (last - first <= LabelPositives::kLinearLimit)
            return 2 * above + twiceOutrankingFew(begin, end, s);
        return 2 * above + twiceOutrankingPositives(begin, end, s);
    }

private:
    std::vector<float> m_scores;
    std::uint32_t m_minKey = 0;
    std::uint32_t m_maxKey = 0;
    unsigned m_shift = 0;
    std::vector<std::uint32_t> m_bucketStart;
};

std::optional<double> aucFromTwiceSum(std::int64_t twiceSum, std::int64_t positives, std::int64_t negatives) {
    if (positives <= 0 || negatives <= 0)
        return std::nullopt;
    const std::int64_t twiceU = twiceSum - positives * positives;
    return static_cast<double>(twiceU) /
           (2.0 * static_cast<double>(positives) * static_cast<double>(negatives));
}

double ratioOrZero(double numerator, double denominator) {
    return denominator > 0.0 ? numerator / denominator : 0.0;
}

double harmonicMean(double a, double b) {
    return a + b > 0.0 ? 2.0 * a * b / (a + b) : 0.0;
}

// 1-based rank of `label` in a row ranked by score descending, equal scores by label index ascending.
std::int64_t rankInRow(const float* row, std::size_t labels, std::size_t label) {
    const float s = row[label];
    std::int32_t above = 0; // 32-bit lanes let the compiler vectorise these counts
    for (std::size_t j = 0; j < labels; ++j)
        above += static_cast<std::int32_t>(row[j] > s);
    for (std::size_t j = 0; j < label; ++j)
        above += static_cast<std::int32_t>(row[j] == s);
    return static_cast<std::int64_t>(above) + 1;
}

} // namespace

std::optional<double> rocAuc(const std::vector<float>& scores, const std::vector<std::uint8_t>& positive) {
    if (scores.size() != positive.size())
        throw std::invalid_argument("rocAuc: " + std::to_string(scores.size()) + " scores but " +
                                    std::to_string(positive.size()) + " labels");
    std::vector<float> positives;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        if (std::isnan(scores[i]))
            throw std::invalid_argument("rocAuc: score " + std::to_string(i) + " is NaN");
        if (positive[i] != 0)
            positives.push_back(scores[i]);
    }
    if (positives.empty())
        return std::nullopt;
    std::sort(positives.begin(), positives.end());
    std::int64_t twiceSum = 0;
    for (float s : scores)
        twiceSum += twiceOutrankingPositives(positives.data(), positives.data() + positives.size(), s);
    const auto p = static_cast<std::int64_t>(positives.size());
    return aucFromTwiceSum(twiceSum, p, static_cast<std::int64_t>(scores.size()) - p);
}

EvalMetrics computeMetrics(const ScoreMatrix& scores, const std::vector<GoldCodes>& gold, float threshold) {
    static constexpr const char* kCaller = "computeMetrics";
    const std::vector<std::vector<std::int32_t>> golds = detail::normalizedGold(scores, gold, kCaller);
    const std::size_t docs = scores.docs;
    const std::size_t labels = scores.labels;
    const bool withAuc = docs > 1;

    EvalMetrics m;
    m.n_docs = static_cast<std::int64_t>(docs);
    m.n_labels = static_cast<std::int64_t>(labels);
    m.threshold = threshold;

    // Per label: gold document count and the sorted scores of its positive documents.
    std::vector<std::int64_t> goldCount(labels, 0);
    for (const auto& docLabels : golds)
        for (std::int32_t label : docLabels)
            ++goldCount[static_cast<std::size_t>(label)];
    LabelPositives labelPositives;
    labelPositives.offset.assign(labels + 1, 0);
    for (std::size_t l = 0; l < labels; ++l)
        labelPositives.offset[l + 1] = labelPositives.offset[l] + static_cast<std::size_t>(goldCount[l]);
    labelPositives.scores.resize(labelPositives.offset[labels]);
    {
        std::vector<std::size_t> fill(labelPositives.offset.begin(), labelPositives.offset.end() - 1);
        for (std::size_t doc = 0; doc < docs; ++doc) {
            for (std::int32_t label : golds[doc]) {
                const float s = scores.at(doc, static_cast<std::size_t>(label));
                if (std::isnan(s))
                    detail::throwNanScore(kCaller, doc, static_cast<std::size_t>(label));
                labelPositives.scores[fill[static_cast<std::size_t>(label)]++] = s;
            }
        }
    }
    std::optional<BucketedPositives> allPositives;
    if (withAuc)
        allPositives.emplace(labelPositives.scores);
    for (std::size_t l = 0; l < labels; ++l)
        std::sort(labelPositives.scores.begin() + static_cast<std::ptrdiff_t>(labelPositives.offset[l]),
                  labelPositives.scores.begin() + static_cast<std::ptrdiff_t>(labelPositives.offset[l + 1]));

    std::vector<std::int64_t> predictedInGoldDocs(labels, 0);  // documents with >= 1 gold label
    std::vector<std::int64_t> predictedInOtherDocs(labels, 0); // documents without
    std::vector<std::int64_t> truePositives(labels, 0);
    std::vector<std::int64_t> twiceMacroSum(labels, 0);
    std::int64_t twiceMicroSum = 0;

    std::array<double, kRankCutoffs.size()> precisionSum{};
    std::array<double, kRankCutoffs.size()> recallSum{};
    double averagePrecisionSum = 0.0;
    std::int64_t mapDocs = 0;

    std::vector<std::int64_t> goldRanks;

    for (std::size_t doc = 0; doc < docs; ++doc) {
        const float* row = scores.row(doc);
        const std::vector<std::int32_t>& docGold = golds[doc];
        const std::size_t goldCountDoc = docGold.size();
        std::int64_t* predicted = goldCountDoc > 0 ? predictedInGoldDocs.data() : predictedInOtherDocs.data();

        bool anyNan = false;
        for (std::size_t j = 0; j < labels; ++j) {
            anyNan |= std::isnan(row[j]);
            predicted[j] += static_cast<std::int64_t>(row[j] > threshold);
        }
        if (anyNan)
            detail::throwNanScore(
                kCaller, doc,
                static_cast<std::size_t>(
                    std::find_if(row, row + labels, [](float s) { return std::isnan(s); }) - row));
        if (withAuc) {
            for (std::size_t j = 0; j < labels; ++j) {
                if (goldCount[j] > 0)
                    twiceMacroSum[j] += labelPositives.twiceOutranking(j, row[j]);
                twiceMicroSum += allPositives->twiceOutranking(row[j]);
            }
        }
        for (std::int32_t label : docGold)
            if (row[label] > threshold)
                ++truePositives[static_cast<std::size_t>(label)];

        // Rank (1-based) of a gold label = 1 + labels ranked above it (higher score, or equal score and lower
        // index). Gold ranks are distinct, so the m-th smallest one has exactly m + 1 gold labels at or above
        // it.
        goldRanks.clear();
        for (std::int32_t label : docGold)
            goldRanks.push_back(rankInRow(row, labels, static_cast<std::size_t>(label)));
        std::sort(goldRanks.begin(), goldRanks.end());
        std::array<std::int64_t, kRankCutoffs.size()> hits{};
        double precisionAtGoldSum = 0.0;
        for (std::size_t pos = 0; pos < goldRanks.size(); ++pos) {
            const std::int64_t rank = goldRanks[pos];
            for (std::size_t c = 0; c < kRankCutoffs.size(); ++c)
                if (rank <= kRankCutoffs[c])
                    ++hits[c];
            precisionAtGoldSum += static_cast<double>(pos + 1) / static_cast<double>(rank);
        }
        for (std::size_t c = 0; c < kRankCutoffs.size(); ++c) {
            precisionSum[c] += static_cast<double>(hits[c]) / kRankCutoffs[c];
            recallSum[c] += ratioOrZero(static_cast<double>(hits[c]), static_cast<double>(goldCountDoc));
        }
        const std::int64_t relevant = static_cast<std::int64_t>(goldCountDoc) + gold[doc].outsideLabelSet;
        if (relevant > 0) {
            averagePrecisionSum += precisionAtGoldSum / static_cast<double>(relevant);
            ++mapDocs;
        }
    }

    // caml-mimic macro and micro scores over all labels.
    double macroPrecisionSum = 0.0;
    double macroRecallSum = 0.0;
    double perCodeF1Sum = 0.0;
    std::int64_t tpTotal = 0;
    std::int64_t predictedTotal = 0;
    std::int64_t goldTotal = 0;
    double aucSum = 0.0;
    for (std::size_t l = 0; l < labels; ++l) {
        const auto tp = static_cast<double>(truePositives[l]);
        const std::int64_t predicted = predictedInGoldDocs[l] + predictedInOtherDocs[l];
        macroPrecisionSum += tp / (static_cast<double>(predicted) + kCamlEpsilon);
        macroRecallSum += tp / (static_cast<double>(goldCount[l]) + kCamlEpsilon);
        tpTotal += truePositives[l];
        predictedTotal += predicted;
        goldTotal += goldCount[l];
        if (goldCount[l] > 0) {
            ++m.n_codes_present;
            const auto fp = static_cast<double>(predictedInGoldDocs[l] - truePositives[l]);
            const auto fn = static_cast<double>(goldCount[l] - truePositives[l]);
            perCodeF1Sum += tp / (tp + 0.5 * (fp + fn) + kCamlEpsilon);
        }
        if (withAuc) {
            if (const auto auc = aucFromTwiceSum(twiceMacroSum[l], goldCount[l],
                                                 static_cast<std::int64_t>(docs) - goldCount[l])) {
                aucSum += *auc;
                ++m.n_auc_codes;
            }
        }
    }
    if (labels > 0) {
        m.macro_precision = macroPrecisionSum / static_cast<double>(labels);
        m.macro_recall = macroRecallSum / static_cast<double>(labels);
    }
    m.macro_f1 = harmonicMean(m.macro_precision, m.macro_recall);
    m.macro_f1_per_code = ratioOrZero(perCodeF1Sum, static_cast<double>(m.n_codes_present));
    m.micro_precision = ratioOrZero(static_cast<double>(tpTotal), static_cast<double>(predictedTotal));
    m.micro_recall = ratioOrZero(static_cast<double>(tpTotal), static_cast<double>(goldTotal));
    m.micro_f1 = harmonicMean(m.micro_precision, m.micro_recall);

    if (withAuc) {
        if (m.n_auc_codes > 0)
            m.macro_auc = aucSum / static_cast<double>(m.n_auc_codes);
        m.micro_auc = aucFromTwiceSum(twiceMicroSum, allPositives->size(),
                                      static_cast<std::int64_t>(docs * labels) - allPositives->size());
    }

    if (docs > 0) {
        const auto n = static_cast<double>(docs);
        m.p_at_5 = precisionSum[0] / n;
        m.p_at_8 = precisionSum[1] / n;
        m.p_at_15 = precisionSum[2] / n;
        m.r_at_5 = recallSum[0] / n;
        m.r_at_8 = recallSum[1] / n;
        m.r_at_15 = recallSum[2] / n;
    }
    m.n_map_docs = mapDocs;
    m.map = ratioOrZero(averagePrecisionSum, static_cast<double>(mapDocs));
    return m;
}

} // namespace fc
