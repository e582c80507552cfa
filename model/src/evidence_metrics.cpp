// EvidenceScorer: token-level agreement of predicted and gold evidence (definitions in evidence_metrics.h).
#include "fc/model/evidence_metrics.h"

#include <algorithm>

namespace fc {
namespace {

bool overlaps(std::int64_t aBegin, std::int64_t aEnd, std::int64_t bBegin, std::int64_t bEnd) {
    return std::max(aBegin, bBegin) < std::min(aEnd, bEnd);
}

// Sets marks[i] for every token i overlapping [begin, end); tokens are in text order, non-overlapping.
void markOverlapping(const std::vector<Token>& tokens, std::int64_t begin, std::int64_t end,
                     std::vector<char>& marks) {
    auto it =
        std::partition_point(tokens.begin(), tokens.end(), [&](const Token& t) { return t.end <= begin; });
    for (; it != tokens.end() && it->begin < end; ++it)
        if (overlaps(it->begin, it->end, begin, end))
            marks[static_cast<std::size_t>(it - tokens.begin())] = 1;
}

double ratioOrZero(double numerator, double denominator) {
    return denominator > 0.0 ? numerator / denominator : 0.0;
}

} // namespace

void EvidenceScorer::add(const std::vector<Token>& tokens, const std::vector<EvidenceSpan>& predicted,
                         const std::vector<TextSpan>& gold) {
    std::vector<char> isGold(tokens.size(), 0);
    std::vector<char> isPredicted(tokens.size(), 0);
    for (const TextSpan& span : gold)
        markOverlapping(tokens, span.begin, span.end, isGold);
    if (std::find(isGold.begin(), isGold.end(), 1) == isGold.end()) {
        ++m_counts.pairs_without_gold_tokens;
        return;
    }
    for (const EvidenceSpan& span : predicted)
        markOverlapping(tokens, span.begin, span.end, isPredicted);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (isGold[i] && isPredicted[i])
            ++m_counts.true_positive_tokens;
        else if (isPredicted[i])
            ++m_counts.false_positive_tokens;
        else if (isGold[i])
            ++m_counts.false_negative_tokens;
    }
    ++m_counts.pairs;
    if (!predicted.empty()) {
        const EvidenceSpan& top = predicted.front();
        if (std::any_of(gold.begin(), gold.end(),
                        [&](const TextSpan& g) { return overlaps(top.begin, top.end, g.begin, g.end); }))
            ++m_counts.hits_at_1;
    }
}

void EvidenceScorer::merge(const EvidenceScorer& other) {
    m_counts.pairs += other.m_counts.pairs;
    m_counts.pairs_without_gold_tokens += other.m_counts.pairs_without_gold_tokens;
    m_counts.true_positive_tokens += other.m_counts.true_positive_tokens;
    m_counts.false_positive_tokens += other.m_counts.false_positive_tokens;
    m_counts.false_negative_tokens += other.m_counts.false_negative_tokens;
    m_counts.hits_at_1 += other.m_counts.hits_at_1;
}

EvidenceScores EvidenceScorer::scores() const {
    EvidenceScores s = m_counts;
    const auto tp = static_cast<double>(s.true_positive_tokens);
    const auto fp = static_cast<double>(s.false_positive_tokens);
    const auto fn = static_cast<double>(s.false_negative_tokens);
    s.token_precision = ratioOrZero(tp, tp + fp);
    s.token_recall = ratioOrZero(tp, tp + fn);
    s.token_f1 = ratioOrZero(2.0 * tp, 2.0 * tp + fp + fn);
    s.hit_at_1 = ratioOrZero(static_cast<double>(s.hits_at_1), static_cast<double>(s.pairs));
    return s;
}

} // namespace fc
