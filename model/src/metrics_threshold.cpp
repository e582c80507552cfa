// tuneThreshold: one pass that files every score under the number of candidate thresholds below it, then
// reads tp / fp / fn at each candidate from suffix sums of those histograms.
#include "fc/model/metrics.h"

#include "metrics_input.h"

#include <algorithm>
#include <cmath>

namespace fc {
namespace {

constexpr std::size_t kCandidates = 100;
constexpr std::size_t kBins = kCandidates + 1; // bin b: exactly b candidates lie strictly below the score
constexpr double kEdinEpsilon = 1e-10;

// Number of candidates t with t < s, i.e. the candidates at which s is predicted are [0, bin).
std::size_t binOf(const std::vector<float>& candidates, float s) {
    if (!(s > 0.0f))
        return 0;
    if (s > 1.0f)
        return kCandidates;
    auto bin = static_cast<std::size_t>(static_cast<double>(s) * (kCandidates - 1));
    bin = std::min(bin, kCandidates);
    while (bin < kCandidates && candidates[bin] < s)
        ++bin;
    while (bin > 0 && !(candidates[bin - 1] < s))
        --bin;
    return bin;
}

double edinF1(double tp, double fp, double fn) {
    return tp / (tp + 0.5 * (fp + fn) + kEdinEpsilon);
}

} // namespace

std::vector<float> thresholdCandidates() {
    std::vector<float> candidates(kCandidates);
    for (std::size_t i = 0; i < kCandidates; ++i)
        candidates[i] = static_cast<float>(static_cast<double>(i) / static_cast<double>(kCandidates - 1));
    return candidates;
}

ThresholdChoice tuneThreshold(const ScoreMatrix& scores, const std::vector<GoldCodes>& gold,
                              ThresholdObjective objective) {
    static constexpr const char* kCaller = "tuneThreshold";
    const std::vector<std::vector<std::int32_t>> golds = detail::normalizedGold(scores, gold, kCaller);
    const std::vector<float> candidates = thresholdCandidates();
    const std::size_t labels = scores.labels;
    const bool perCode = objective == ThresholdObjective::MacroF1PerCode;

    // Micro: one histogram for all entries and one for the positives. Per code: the same per label, over the
    // documents with >= 1 gold label only.
    std::vector<std::int64_t> allBins(perCode ? labels * kBins : kBins, 0);
    std::vector<std::int64_t> positiveBins(perCode ? labels * kBins : kBins, 0);
    for (std::size_t doc = 0; doc < scores.docs; ++doc) {
        const float* row = scores.row(doc);
        const std::vector<std::int32_t>& docGold = golds[doc];
        if (perCode && docGold.empty())
            continue;
        for (std::size_t j = 0; j < labels; ++j) {
            if (std::isnan(row[j]))
                detail::throwNanScore(kCaller, doc, j);
            ++allBins[(perCode ? j * kBins : 0) + binOf(candidates, row[j])];
        }
        for (std::int32_t label : docGold) {
            const auto l = static_cast<std::size_t>(label);
            ++positiveBins[(perCode ? l * kBins : 0) + binOf(candidates, row[l])];
        }
    }

    // objective[i] at candidate i: predicted = entries in bins > i.
    std::vector<double> value(kCandidates, 0.0);
    const std::size_t groups = perCode ? labels : 1;
    std::int64_t presentGroups = 0;
    for (std::size_t g = 0; g < groups; ++g) {
        const std::int64_t* all = allBins.data() + g * kBins;
        const std::int64_t* pos = positiveBins.data() + g * kBins;
        std::int64_t positives = 0;
        for (std::size_t b = 0; b < kBins; ++b)
            positives += pos[b];
        if (perCode && positives == 0)
            continue;
        ++presentGroups;
        std::int64_t predicted = 0;
        std::int64_t tp = 0;
        std::vector<double> groupValue(kCandidates);
        for (std::size_t i = kCandidates; i-- > 0;) {
            predicted += all[i + 1];
            tp += pos[i + 1];
            const auto fp = static_cast<double>(predicted - tp);
            const auto fn = static_cast<double>(positives - tp);
            groupValue[i] = edinF1(static_cast<double>(tp), fp, fn);
        }
        for (std::size_t i = 0; i < kCandidates; ++i)
            value[i] += groupValue[i];
    }
    if (perCode && presentGroups > 0)
        for (double& v : value)
            v /= static_cast<double>(presentGroups);

    const auto best = static_cast<std::size_t>(std::max_element(value.begin(), value.end()) - value.begin());
    return {candidates[best], value[best]};
}

} // namespace fc
