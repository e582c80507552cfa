// Tests of fc/model/evidence_metrics.h: token-level F1 and hit@1 of predicted against gold evidence.
#include "fc/model/evidence.h"
#include "fc/model/evidence_metrics.h"

#include <QtTest>

#include <vector>

using namespace fc;

namespace {

// Token i spans code points [3i, 3i + 2).
std::vector<Token> tokens(std::size_t count) {
    std::vector<Token> result;
    for (std::size_t i = 0; i < count; ++i) {
        const auto begin = static_cast<std::int64_t>(3 * i);
        result.push_back({"ww", begin, begin + 2});
    }
    return result;
}

EvidenceSpan predicted(std::int64_t begin, std::int64_t end) {
    return {begin, end, 0.5};
}

} // namespace

class TestEvidenceMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void handCase() {
        const std::vector<Token> t = tokens(10);
        EvidenceScorer scorer;
        // Pair 1: gold [3, 8) -> tokens 1, 2; predicted [6, 14) -> tokens 2, 3, 4. tp 1, fp 2, fn 1; the top
        // span overlaps the gold span: hit.
        scorer.add(t, {predicted(6, 14)}, {{3, 8}});
        // Pair 2: gold [27, 29) -> token 9; predicted [0, 5) -> tokens 0, 1. tp 0, fp 2, fn 1; miss.
        scorer.add(t, {predicted(0, 5)}, {{27, 29}});
        EvidenceScores s = scorer.scores();
        QCOMPARE(s.pairs, std::int64_t{2});
        QCOMPARE(s.true_positive_tokens, std::int64_t{1});
        QCOMPARE(s.false_positive_tokens, std::int64_t{4});
        QCOMPARE(s.false_negative_tokens, std::int64_t{2});
        QCOMPARE(s.token_precision, 1.0 / 5);
        QCOMPARE(s.token_recall, 1.0 / 3);
        QCOMPARE(s.token_f1, 2.0 / 8); // 2 tp / (2 tp + fp + fn), micro over pairs
        QCOMPARE(s.hit_at_1, 0.5);

        // Pair 3: gold only in truncated text (beyond the last token): not counted.
        scorer.add(t, {predicted(0, 5)}, {{100, 120}});
        // Pair 4: no predicted span: all gold tokens are false negatives and the pair is a miss.
        scorer.add(t, {}, {{12, 17}});
        s = scorer.scores();
        QCOMPARE(s.pairs, std::int64_t{3});
        QCOMPARE(s.pairs_without_gold_tokens, std::int64_t{1});
        QCOMPARE(s.false_negative_tokens, std::int64_t{4});
        QCOMPARE(s.token_f1, 2.0 / 10);
        QCOMPARE(s.hit_at_1, 1.0 / 3);
    }

    void overlapRules() {
        const std::vector<Token> t = tokens(5);
        EvidenceScorer scorer;
        // Gold [4, 7) cuts into token 1 ([3, 5)) and token 2 ([6, 8)): both are gold. Predicted exactly
        // token 1.
        scorer.add(t, {predicted(3, 5)}, {{4, 7}});
        EvidenceScores s = scorer.scores();
        QCOMPARE(s.true_positive_tokens, std::int64_t{1});
        QCOMPARE(s.false_negative_tokens, std::int64_t{1});
        QCOMPARE(s.false_positive_tokens, std::int64_t{0});
        QCOMPARE(s.hits_at_1, std::int64_t{1});

        // A gold span inside the space between tokens 1 and 2 touches no token: not counted.
        EvidenceScorer gap;
        gap.add(t, {predicted(3, 5)}, {{5, 6}});
        QCOMPARE(gap.scores().pairs, std::int64_t{0});
        QCOMPARE(gap.scores().pairs_without_gold_tokens, std::int64_t{1});

        // Half-open: a predicted span ending where the gold span begins does not overlap it.
        EvidenceScorer touching;
        touching.add(t, {predicted(0, 5), predicted(6, 8)}, {{5, 8}});
        s = touching.scores();
        QCOMPARE(s.hits_at_1, std::int64_t{0});            // the top span [0, 5) ends where gold begins
        QCOMPARE(s.true_positive_tokens, std::int64_t{1}); // token 2 via the second span
        QCOMPARE(s.false_positive_tokens, std::int64_t{2});
    }

    void hitUsesOnlyTheTopSpan() {
        const std::vector<Token> t = tokens(10);
        EvidenceScorer scorer;
        scorer.add(t, {predicted(0, 2), predicted(9, 11)}, {{9, 11}}); // second span hits, first does not
        scorer.add(t, {predicted(9, 11), predicted(0, 2)}, {{9, 11}, {20, 25}});
        const EvidenceScores s = scorer.scores();
        QCOMPARE(s.pairs, std::int64_t{2});
        QCOMPARE(s.hits_at_1, std::int64_t{1});
        QCOMPARE(s.hit_at_1, 0.5);
    }

    void mergeEqualsOneScorer() {
        const std::vector<Token> t = tokens(10);
        EvidenceScorer all, first, second;
        all.add(t, {predicted(6, 14)}, {{3, 8}});
        all.add(t, {predicted(0, 5)}, {{27, 29}});
        all.add(t, {}, {{100, 101}});
        first.add(t, {predicted(6, 14)}, {{3, 8}});
        second.add(t, {predicted(0, 5)}, {{27, 29}});
        second.add(t, {}, {{100, 101}});
        first.merge(second);
        const EvidenceScores a = all.scores();
        const EvidenceScores b = first.scores();
        QCOMPARE(b.pairs, a.pairs);
        QCOMPARE(b.pairs_without_gold_tokens, a.pairs_without_gold_tokens);
        QCOMPARE(b.token_f1, a.token_f1);
        QCOMPARE(b.hit_at_1, a.hit_at_1);
    }

    void emptyScorerIsZero() {
        const EvidenceScores s = EvidenceScorer().scores();
        QCOMPARE(s.pairs, std::int64_t{0});
        QCOMPARE(s.token_f1, 0.0);
        QCOMPARE(s.hit_at_1, 0.0);
    }

    void extractedEvidenceAgainstGold() {
        // End to end with extractEvidence: Fusion attention peaking on position 3 (tokens 6, 7), context 1 ->
        // predicted tokens 5..8; gold evidence is tokens 6..7 -> tp 2, fp 2, fn 0, hit.
        const std::vector<Token> t = tokens(12);
        const std::vector<EvidenceSpan> spans = extractEvidence({0.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f}, t);
        QCOMPARE(spans.size(), std::size_t{1});
        EvidenceScorer scorer;
        scorer.add(t, spans, {{18, 23}});
        const EvidenceScores s = scorer.scores();
        QCOMPARE(s.true_positive_tokens, std::int64_t{2});
        QCOMPARE(s.false_positive_tokens, std::int64_t{2});
        QCOMPARE(s.false_negative_tokens, std::int64_t{0});
        QCOMPARE(s.token_f1, 4.0 / 6.0);
        QCOMPARE(s.hit_at_1, 1.0);
    }
};

QTEST_APPLESS_MAIN(TestEvidenceMetrics)
#include "tst_evidence_metrics.moc"
