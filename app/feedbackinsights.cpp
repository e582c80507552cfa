#include "feedbackinsights.h"

#include "fc/storage/feedback_repository.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace fc {

namespace {

struct PairOutcome {
    double firstScore = -1.0;
    bool kept = false;
};

bool isKept(storage::DecisionKind kind) {
    return kind == storage::DecisionKind::Accepted || kind == storage::DecisionKind::Added;
}

} // namespace

FeedbackInsights computeFeedbackInsights(storage::Database& db, int bins) {
    if (bins < 1)
        throw std::invalid_argument("computeFeedbackInsights: bins must be >= 1");
    // (note, code) -> first score and newest outcome; rows arrive oldest first within each pair.
    std::map<std::pair<std::int64_t, std::string>, PairOutcome> pairs;
    for (const storage::DecisionOutcome& row : storage::FeedbackRepository(db).outcomesByNoteAndCode()) {
        const auto [it, inserted] = pairs.try_emplace(std::make_pair(row.noteId, row.code));
        if (inserted)
            it->second.firstScore = row.score;
        it->second.kept = isKept(row.kind);
    }

    FeedbackInsights insights;
    std::map<std::string, CodeAcceptance> acceptance;
    std::map<std::string, std::int64_t> misses;
    insights.calibration.resize(static_cast<std::size_t>(bins));
    std::vector<double> scoreSums(insights.calibration.size(), 0.0);
    for (int b = 0; b < bins; ++b) {
        insights.calibration[static_cast<std::size_t>(b)].low = static_cast<double>(b) / bins;
        insights.calibration[static_cast<std::size_t>(b)].high = static_cast<double>(b + 1) / bins;
    }
    for (const auto& [key, outcome] : pairs) {
        if (outcome.firstScore < 0.0) {
            if (outcome.kept) {
                ++misses[key.second];
                ++insights.added;
            }
            continue;
        }
        CodeAcceptance& a = acceptance[key.second];
        a.code = key.second;
        ++a.suggested;
        ++insights.suggestions;
        const auto bin =
            static_cast<std::size_t>(std::clamp(static_cast<int>(outcome.firstScore * bins), 0, bins - 1));
        ++insights.calibration[bin].count;
        scoreSums[bin] += outcome.firstScore;
        if (outcome.kept) {
            ++a.accepted;
            ++insights.accepted;
            ++insights.calibration[bin].accepted;
        }
    }
    for (std::size_t b = 0; b < scoreSums.size(); ++b)
        if (insights.calibration[b].count)
            insights.calibration[b].meanScore =
                scoreSums[b] / static_cast<double>(insights.calibration[b].count);
    for (auto& [code, a] : acceptance)
        insights.acceptance.push_back(a);
    std::stable_sort(
        insights.acceptance.begin(), insights.acceptance.end(),
        [](const CodeAcceptance& x, const CodeAcceptance& y) { return x.suggested > y.suggested; });
    for (const auto& [code, count] : misses)
        insights.misses.push_back({code, count});
    std::stable_sort(insights.misses.begin(), insights.misses.end(),
                     [](const CodeMisses& x, const CodeMisses& y) { return x.added > y.added; });
    return insights;
}

} // namespace fc
