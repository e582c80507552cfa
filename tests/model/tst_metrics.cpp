// Tests of fc/model/metrics.h: every metric on hand-computed cases, a tied random case checked against
// scikit-learn, threshold tuning, input validation and the JSON / table renderings.
#include "fc/model/metrics.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

using namespace fc;

namespace {

ScoreMatrix matrix(const std::vector<std::vector<float>>& rows) {
    ScoreMatrix m(rows.size(), rows.empty() ? 0 : rows.front().size());
    for (std::size_t d = 0; d < rows.size(); ++d)
        for (std::size_t l = 0; l < rows[d].size(); ++l)
            m.at(d, l) = rows[d][l];
    return m;
}

std::vector<GoldCodes> goldOf(const std::vector<std::vector<std::int32_t>>& labels,
                              const std::vector<std::int32_t>& outside = {}) {
    std::vector<GoldCodes> gold(labels.size());
    for (std::size_t d = 0; d < labels.size(); ++d) {
        gold[d].labels = labels[d];
        gold[d].outsideLabelSet = outside.empty() ? 0 : outside[d];
    }
    return gold;
}

bool near(double actual, double expected, double tolerance = 1e-9) {
    return std::fabs(actual - expected) <= tolerance;
}

#define QCOMPARE_NEAR(actual, expected)                                                                      \
    QVERIFY2(near((actual), (expected)), qPrintable(QStringLiteral("%1 = %2, expected %3")                   \
                                                        .arg(#actual)                                        \
                                                        .arg((actual), 0, 'g', 17)                           \
                                                        .arg((expected), 0, 'g', 17)))

// Three documents, four labels. Label 3 has no positive and is never predicted; label 2's only positive is
// ranked below both negatives.
//   doc0 [0.9, 0.6, 0.2, 0.1]  gold {0, 2}   predicted {0, 1}
//   doc1 [0.3, 0.8, 0.7, 0.4]  gold {1}      predicted {1, 2}
//   doc2 [0.55, 0.1, 0.45, 0.05] gold {0, 1} predicted {0}
ScoreMatrix handScores() {
    return matrix({{0.9f, 0.6f, 0.2f, 0.1f}, {0.3f, 0.8f, 0.7f, 0.4f}, {0.55f, 0.1f, 0.45f, 0.05f}});
}
std::vector<GoldCodes> handGold(std::int32_t doc1Outside = 0) {
    return goldOf({{0, 2}, {1}, {0, 1}}, {0, doc1Outside, 0});
}

} // namespace

class TestMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void handCaseThresholdedCounts() {
        const EvalMetrics m = computeMetrics(handScores(), handGold());
        QCOMPARE(m.n_docs, std::int64_t{3});
        QCOMPARE(m.n_labels, std::int64_t{4});
        QCOMPARE(m.threshold, 0.5);
        // Per label (tp / predicted / gold): 2/2/2, 1/2/2, 0/1/1, 0/0/0.
        // caml macro P = mean(1, 1/2, 0, 0) = 0.375 (label 3, never predicted and never gold, counts as 0);
        // macro R = mean(1, 1/2, 0, 0) = 0.375; F1 of the averages = 0.375.
        QCOMPARE_NEAR(m.macro_precision, 0.375);
        QCOMPARE_NEAR(m.macro_recall, 0.375);
        QCOMPARE_NEAR(m.macro_f1, 0.375);
        // micro: tp 3, predicted 5, gold 5.
        QCOMPARE_NEAR(m.micro_precision, 0.6);
        QCOMPARE_NEAR(m.micro_recall, 0.6);
        QCOMPARE_NEAR(m.micro_f1, 0.6);
        // Edin: labels 0..2 present, per-code F1 1, 1/(1 + 0.5 * 2) = 0.5, 0 -> mean 0.5.
        QCOMPARE(m.n_codes_present, std::int64_t{3});
        QCOMPARE_NEAR(m.macro_f1_per_code, 0.5);
    }

    void handCaseAuc() {
        const EvalMetrics m = computeMetrics(handScores(), handGold());
        // Label 0: positives 0.9, 0.55 above the negative 0.3 -> 1. Label 1: positives 0.8, 0.1 vs negative
        // 0.6
        // -> 1/2. Label 2: positive 0.2 below negatives 0.7, 0.45 -> 0. Label 3 has no positive: skipped.
        QCOMPARE(m.n_auc_codes, std::int64_t{3});
        QVERIFY(m.macro_auc.has_value());
        QCOMPARE_NEAR(*m.macro_auc, 0.5);
        // Micro: 5 positives x 7 negatives; pairs won 7 + 7 + 5 + 2 + 1.5 (0.1 ties 0.1) = 22.5 -> 22.5 / 35.
        QVERIFY(m.micro_auc.has_value());
        QCOMPARE_NEAR(*m.micro_auc, 22.5 / 35.0);
    }

    void handCaseRanking() {
        const EvalMetrics m = computeMetrics(handScores(), handGold());
        // Gold ranks: doc0 {1, 3}, doc1 {1}, doc2 {1, 3}. With 4 labels every gold label is inside the top k,
        // and P@k still divides by k (documents with fewer than k gold labels are not special-cased).
        QCOMPARE_NEAR(m.p_at_5, (2.0 / 5 + 1.0 / 5 + 2.0 / 5) / 3);
        QCOMPARE_NEAR(m.p_at_8, (2.0 / 8 + 1.0 / 8 + 2.0 / 8) / 3);
        QCOMPARE_NEAR(m.p_at_15, (2.0 / 15 + 1.0 / 15 + 2.0 / 15) / 3);
        QCOMPARE_NEAR(m.r_at_5, 1.0);
        QCOMPARE_NEAR(m.r_at_8, 1.0);
        QCOMPARE_NEAR(m.r_at_15, 1.0);
        // AP: doc0 (1/1 + 2/3) / 2 = 5/6, doc1 1, doc2 5/6 -> MAP 8/9.
        QCOMPARE(m.n_map_docs, std::int64_t{3});
        QCOMPARE_NEAR(m.map, 8.0 / 9.0);
    }

    void mapCountsGoldCodesOutsideTheLabelSet() {
        // doc1 has one more gold code that the label set lacks: AP = 1 / 2 -> MAP (5/6 + 1/2 + 5/6) / 3 =
        // 13/18.
        const EvalMetrics m = computeMetrics(handScores(), handGold(1));
        QCOMPARE_NEAR(m.map, 13.0 / 18.0);
        // Only MAP changes: recall counts gold labels inside the label set.
        QCOMPARE_NEAR(m.r_at_5, 1.0);
        QCOMPARE_NEAR(m.micro_recall, 0.6);
    }

    void mapAndRecallWithOnlyOutsideGold() {
        // A document whose gold codes are all outside the label set: AP 0, R@k 0, still counted in P@k.
        const EvalMetrics m = computeMetrics(matrix({{0.9f, 0.1f}, {0.2f, 0.8f}}), goldOf({{0}, {}}, {0, 2}));
        QCOMPARE(m.n_map_docs, std::int64_t{2});
        QCOMPARE_NEAR(m.map, 0.5);
        QCOMPARE_NEAR(m.r_at_5, 0.5);
        QCOMPARE_NEAR(m.p_at_5, 0.1);
    }

    void rankingCutoffsAndTieOrder() {
        // 20 labels with score 1 - label / 100; gold {0, 6, 10, 19} -> ranks 1, 7, 11, 20.
        std::vector<float> row(20);
        for (std::size_t l = 0; l < row.size(); ++l)
            row[l] = 1.0f - static_cast<float>(l) / 100.0f;
        EvalMetrics m = computeMetrics(matrix({row}), goldOf({{0, 6, 10, 19}}));
        QCOMPARE_NEAR(m.p_at_5, 1.0 / 5);
        QCOMPARE_NEAR(m.p_at_8, 2.0 / 8);
        QCOMPARE_NEAR(m.p_at_15, 3.0 / 15);
        QCOMPARE_NEAR(m.r_at_5, 1.0 / 4);
        QCOMPARE_NEAR(m.r_at_8, 2.0 / 4);
        QCOMPARE_NEAR(m.r_at_15, 3.0 / 4);
        QCOMPARE_NEAR(m.map, (1.0 / 1 + 2.0 / 7 + 3.0 / 11 + 4.0 / 20) / 4);

        // All scores equal: ties are ranked by label index, so gold {2, 7} get ranks 3 and 8.
        m = computeMetrics(matrix({std::vector<float>(10, 0.3f)}), goldOf({{7, 2}}));
        QCOMPARE_NEAR(m.p_at_5, 1.0 / 5);
        QCOMPARE_NEAR(m.p_at_8, 2.0 / 8);
        QCOMPARE_NEAR(m.map, (1.0 / 3 + 2.0 / 8) / 2);
    }

    void thresholdIsStrict() {
        // A score of exactly 0.5 is not predicted (numpy's round-half-to-even), 0.5000001 is.
        EvalMetrics m = computeMetrics(matrix({{0.5f, 0.5000001f}, {0.1f, 0.1f}}), goldOf({{0, 1}, {0}}));
        QCOMPARE_NEAR(m.micro_precision, 1.0);
        QCOMPARE_NEAR(m.micro_recall, 1.0 / 3);
        m = computeMetrics(matrix({{0.5f, 0.5000001f}, {0.1f, 0.1f}}), goldOf({{0, 1}, {0}}), 0.05f);
        QCOMPARE(m.threshold, static_cast<double>(0.05f));
        QCOMPARE_NEAR(m.micro_precision, 3.0 / 4);
        QCOMPARE_NEAR(m.micro_recall, 1.0);
    }

    void codeWithPositivesNeverPredicted() {
        // Label 1 has two positives and is never predicted: caml P = 0, R = 0 for it; Edin F1 0.
        const EvalMetrics m =
            computeMetrics(matrix({{0.9f, 0.4f}, {0.8f, 0.3f}, {0.2f, 0.1f}}), goldOf({{0, 1}, {0, 1}, {}}));
        QCOMPARE_NEAR(m.macro_precision, 0.5);
        QCOMPARE_NEAR(m.macro_recall, 0.5);
        QCOMPARE_NEAR(m.macro_f1_per_code, 0.5);
        QCOMPARE_NEAR(m.micro_precision, 1.0);
        QCOMPARE_NEAR(m.micro_recall, 0.5);
        QCOMPARE_NEAR(m.micro_f1, 2.0 / 3);
        // Both labels are perfectly ranked.
        QCOMPARE_NEAR(*m.macro_auc, 1.0);
        // Positives 0.9, 0.8, 0.4, 0.3 all above the negatives 0.2, 0.1.
        QCOMPARE_NEAR(*m.micro_auc, 1.0);
    }

    void edinFiltersDocumentsWithoutGold() {
        // doc1 has no gold label; its prediction is a false positive for caml but not for Edin's metric.
        const EvalMetrics m = computeMetrics(matrix({{0.9f}, {0.9f}}), goldOf({{0}, {}}));
        QCOMPARE_NEAR(m.macro_precision, 0.5);
        QCOMPARE_NEAR(m.macro_recall, 1.0);
        QCOMPARE_NEAR(m.macro_f1, 2.0 * 0.5 / 1.5);
        QCOMPARE_NEAR(m.micro_f1, 2.0 * 0.5 / 1.5);
        QCOMPARE_NEAR(m.macro_f1_per_code, 1.0);
        // The document without gold is not a MAP query, but counts in P@k.
        QCOMPARE(m.n_map_docs, std::int64_t{1});
        QCOMPARE_NEAR(m.map, 1.0);
        QCOMPARE_NEAR(m.p_at_5, 0.1);
        // Label 0: positive 0.9 ties the negative 0.9 -> 1/2.
        QCOMPARE_NEAR(*m.macro_auc, 0.5);
    }

    void aucSkippedForOneDocument() {
        const EvalMetrics m = computeMetrics(matrix({{0.9f, 0.2f, 0.7f}}), goldOf({{0, 1}}));
        QVERIFY(!m.macro_auc.has_value());
        QVERIFY(!m.micro_auc.has_value());
        QCOMPARE(m.n_auc_codes, std::int64_t{0});
        QCOMPARE_NEAR(m.micro_precision, 1.0 / 2);
        QCOMPARE_NEAR(m.micro_recall, 1.0 / 2);
        QCOMPARE_NEAR(m.map, (1.0 / 1 + 2.0 / 3) / 2);
        const QJsonObject json =
            QJsonDocument::fromJson(QByteArray::fromStdString(metricsToJson(m))).object();
        QVERIFY(json.value(QStringLiteral("macro_auc")).isNull());
        QVERIFY(json.value(QStringLiteral("micro_auc")).isNull());
    }

    void aucPerfectInvertedAndTied_data() {
        QTest::addColumn<QVector<float>>("scores");
        QTest::addColumn<QVector<int>>("positive");
        QTest::addColumn<double>("expected");
        QTest::newRow("perfect") << QVector<float>{0.9f, 0.8f, 0.2f, 0.1f} << QVector<int>{1, 1, 0, 0} << 1.0;
        QTest::newRow("inverted") << QVector<float>{0.9f, 0.8f, 0.2f, 0.1f} << QVector<int>{0, 0, 1, 1}
                                  << 0.0;
        // sklearn 1.2.1: auc(*roc_curve([1,1,0,0], [0.8,0.5,0.5,0.2])[:2]) = 0.875 (tied pair counts 1/2).
        QTest::newRow("one tie") << QVector<float>{0.8f, 0.5f, 0.5f, 0.2f} << QVector<int>{1, 1, 0, 0}
                                 << 0.875;
        // sklearn: all scores tied -> the ROC is the diagonal, 0.5.
        QTest::newRow("all tied") << QVector<float>{0.5f, 0.5f, 0.5f, 0.5f} << QVector<int>{1, 1, 0, 0}
                                  << 0.5;
        QTest::newRow("signed zeros tie")
            << QVector<float>{0.0f, -0.0f, 1.0f} << QVector<int>{1, 0, 0} << 0.25;
    }
    void aucPerfectInvertedAndTied() {
        QFETCH(QVector<float>, scores);
        QFETCH(QVector<int>, positive);
        QFETCH(double, expected);
        const std::vector<float> s(scores.begin(), scores.end());
        std::vector<std::uint8_t> p;
        for (int v : positive)
            p.push_back(static_cast<std::uint8_t>(v));
        const std::optional<double> auc = rocAuc(s, p);
        QVERIFY(auc.has_value());
        QCOMPARE_NEAR(*auc, expected);

        // The same column through computeMetrics (one label, one row per item) gives the same macro and micro
        // AUC.
        ScoreMatrix m(s.size(), 1);
        std::vector<GoldCodes> gold(s.size());
        for (std::size_t i = 0; i < s.size(); ++i) {
            m.at(i, 0) = s[i];
            if (p[i])
                gold[i].labels = {0};
        }
        const EvalMetrics metrics = computeMetrics(m, gold);
        QCOMPARE_NEAR(*metrics.macro_auc, expected);
        QCOMPARE_NEAR(*metrics.micro_auc, expected);
    }

    void aucAbsentWithOneClass() {
        QVERIFY(!rocAuc({0.1f, 0.2f}, {0, 0}).has_value());
        QVERIFY(!rocAuc({0.1f, 0.2f}, {1, 1}).has_value());
        // A label positive in every document has no negative: sklearn gives NaN, caml skips it.
        const EvalMetrics m = computeMetrics(matrix({{0.9f, 0.1f}, {0.8f, 0.7f}}), goldOf({{0}, {0, 1}}));
        QCOMPARE(m.n_auc_codes, std::int64_t{1});
        QCOMPARE_NEAR(*m.macro_auc, 1.0);
    }

    // An 8 x 6 matrix with tied scores (numpy default_rng(42), rounded to tenths), a label positive in every
    // document but one (4), a label without positives (5), a document without gold (7) and gold codes outside
    // the label set (docs 1 and 4). Expected values from /tmp reference code: numpy 1.24.2 +
    // scikit-learn 1.2.1 (roc_curve + auc per label and over the flattened matrix), caml-mimic's macro/micro
    // formulas, Edin's per-code F1, P@k / R@k / AP on a (score desc, label asc) ordering (np.lexsort), run
    // once on these exact numbers.
    void tiedRandomCaseMatchesScikitLearn_data() {
        QTest::addColumn<float>("threshold");
        QTest::addColumn<double>("macroPrecision");
        QTest::addColumn<double>("macroRecall");
        QTest::addColumn<double>("macroF1");
        QTest::addColumn<double>("microPrecision");
        QTest::addColumn<double>("microRecall");
        QTest::addColumn<double>("microF1");
        QTest::addColumn<double>("macroF1PerCode");
        QTest::newRow("0.5") << 0.5f << 0.30555555554398145 << 0.23809523808588437 << 0.26763990266604953
                             << 0.23809523809523808 << 0.38461538461538464 << 0.2941176470588235
                             << 0.2999999999894;
        QTest::newRow("0.3") << 0.3f << 0.26111111110375923 << 0.32142857141505105 << 0.2881471389546683
                             << 0.2 << 0.46153846153846156 << 0.27906976744186046 << 0.3104761904677134;
    }
    void tiedRandomCaseMatchesScikitLearn() {
        QFETCH(float, threshold);
        QFETCH(double, macroPrecision);
        QFETCH(double, macroRecall);
        QFETCH(double, macroF1);
        QFETCH(double, microPrecision);
        QFETCH(double, microRecall);
        QFETCH(double, microF1);
        QFETCH(double, macroF1PerCode);
        const EvalMetrics m = computeMetrics(randomScores(), randomGold(), threshold);
        QCOMPARE_NEAR(m.macro_precision, macroPrecision);
        QCOMPARE_NEAR(m.macro_recall, macroRecall);
        QCOMPARE_NEAR(m.macro_f1, macroF1);
        QCOMPARE_NEAR(m.micro_precision, microPrecision);
        QCOMPARE_NEAR(m.micro_recall, microRecall);
        QCOMPARE_NEAR(m.micro_f1, microF1);
        QCOMPARE_NEAR(m.macro_f1_per_code, macroF1PerCode);
        // Threshold-free metrics, the same for both rows.
        QCOMPARE(m.n_auc_codes, std::int64_t{5});
        QCOMPARE_NEAR(*m.macro_auc, 0.4321428571428571);
        QCOMPARE_NEAR(*m.micro_auc, 0.4714285714285715);
        QCOMPARE_NEAR(m.p_at_5, 0.30000000000000004);
        QCOMPARE_NEAR(m.p_at_8, 0.203125);
        QCOMPARE_NEAR(m.p_at_15, 0.10833333333333334);
        QCOMPARE_NEAR(m.r_at_5, 0.8333333333333333);
        QCOMPARE_NEAR(m.r_at_8, 0.875);
        QCOMPARE_NEAR(m.r_at_15, 0.875);
        QCOMPARE_NEAR(m.map, 0.5171428571428571);
    }

    void tuningPicksTheKnownThreshold() {
        // Labels A, B, C over six documents (all with gold):
        //   A: positives 0.9 x3, negatives 0.5 x3;  B: positive 0.35, negatives 0.2 x2, 0.1 x3;
        //   C: positives 0.95 x3, negatives 0.05 x3.
        // Micro F1 is best (tp 6, fn 1: 6 / 6.5) for t in [0.5, 0.9): first candidate 50/99.
        // Edin macro F1 is best ((2/3 + 1 + 1) / 3) for t in [0.2, 0.35): first candidate 20/99.
        const ScoreMatrix scores = matrix({{0.9f, 0.35f, 0.05f},
                                           {0.9f, 0.2f, 0.05f},
                                           {0.9f, 0.2f, 0.05f},
                                           {0.5f, 0.1f, 0.95f},
                                           {0.5f, 0.1f, 0.95f},
                                           {0.5f, 0.1f, 0.95f}});
        const std::vector<GoldCodes> gold = goldOf({{0, 1}, {0}, {0}, {2}, {2}, {2}});
        const ThresholdChoice micro = tuneThreshold(scores, gold, ThresholdObjective::MicroF1);
        QCOMPARE(micro.threshold, static_cast<float>(50.0 / 99.0));
        QCOMPARE_NEAR(micro.f1, 6.0 / 6.5);
        const ThresholdChoice macro = tuneThreshold(scores, gold, ThresholdObjective::MacroF1PerCode);
        QCOMPARE(macro.threshold, static_cast<float>(20.0 / 99.0));
        QCOMPARE_NEAR(macro.f1, (2.0 / 3.0 + 1.0 + 1.0) / 3.0);
        // Applying the tuned threshold gives the tuned value back.
        QCOMPARE_NEAR(computeMetrics(scores, gold, micro.threshold).micro_f1, 6.0 / 6.5);
        QCOMPARE_NEAR(computeMetrics(scores, gold, macro.threshold).macro_f1_per_code,
                      (2.0 / 3.0 + 2.0) / 3.0);
    }

    void tuningOnTiedRandomCase() {
        // Same reference run as tiedRandomCaseMatchesScikitLearn (a torch-free replica of Edin's
        // f1_score_db_tuning in numpy): both objectives pick candidate 10 (0.1010101).
        const ThresholdChoice micro =
            tuneThreshold(randomScores(), randomGold(), ThresholdObjective::MicroF1);
        QCOMPARE(micro.threshold, static_cast<float>(10.0 / 99.0));
        QCOMPARE_NEAR(micro.f1, 0.41509433962107517);
        const ThresholdChoice macro =
            tuneThreshold(randomScores(), randomGold(), ThresholdObjective::MacroF1PerCode);
        QCOMPARE(macro.threshold, static_cast<float>(10.0 / 99.0));
        QCOMPARE_NEAR(macro.f1, 0.4655677655569378);
    }

    void thresholdCandidatesAreLinspace() {
        const std::vector<float> c = thresholdCandidates();
        QCOMPARE(c.size(), std::size_t{100});
        QCOMPARE(c.front(), 0.0f);
        QCOMPARE(c.back(), 1.0f);
        QVERIFY(std::is_sorted(c.begin(), c.end()));
        QCOMPARE(c[33], static_cast<float>(1.0 / 3.0));
    }

    void rejectsBadInput() {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, computeMetrics(handScores(), goldOf({{0}, {1}})));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 computeMetrics(handScores(), goldOf({{0}, {4}, {1}})));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 computeMetrics(handScores(), goldOf({{0}, {-1}, {1}})));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 computeMetrics(handScores(), goldOf({{0}, {1}, {1}}, {0, -1, 0})));
        ScoreMatrix nan = handScores();
        nan.at(1, 3) = std::nanf("");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, computeMetrics(nan, handGold()));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tuneThreshold(nan, handGold()));
        ScoreMatrix wrongShape = handScores();
        wrongShape.values.pop_back();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, computeMetrics(wrongShape, handGold()));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, rocAuc({0.1f}, {1, 0}));
    }

    void duplicateGoldLabelsCountOnce() {
        const EvalMetrics once = computeMetrics(handScores(), handGold());
        const EvalMetrics twice = computeMetrics(handScores(), goldOf({{2, 0, 2}, {1, 1}, {0, 1, 0}}));
        QCOMPARE(twice.micro_recall, once.micro_recall);
        QCOMPARE(twice.map, once.map);
        QCOMPARE(*twice.micro_auc, *once.micro_auc);
    }

    void emptyInput() {
        const EvalMetrics m = computeMetrics(ScoreMatrix(0, 5), {});
        QCOMPARE(m.n_docs, std::int64_t{0});
        QVERIFY(!m.macro_auc.has_value());
        QCOMPARE(m.map, 0.0);
        QCOMPARE(m.micro_f1, 0.0);
    }

    void jsonAndTable() {
        EvalMetrics m = computeMetrics(handScores(), handGold());
        m.n_skipped = 2;
        m.threshold = static_cast<double>(static_cast<float>(20.0 / 99.0));
        QJsonParseError error{};
        const QJsonObject json =
            QJsonDocument::fromJson(QByteArray::fromStdString(metricsToJson(m)), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        for (const char* key :
             {"macro_auc", "micro_auc", "macro_f1", "macro_f1_per_code", "micro_f1", "micro_precision",
              "micro_recall", "macro_precision", "macro_recall", "p_at_5", "p_at_8", "p_at_15", "r_at_5",
              "r_at_8", "r_at_15", "map", "n_docs", "n_skipped", "threshold"})
            QVERIFY2(json.contains(QLatin1String(key)), key);
        QVERIFY(!json.contains(QStringLiteral("evidence_token_f1")));
        QCOMPARE(json.value(QStringLiteral("n_docs")).toInt(), 3);
        QCOMPARE(json.value(QStringLiteral("n_skipped")).toInt(), 2);
        QCOMPARE(json.value(QStringLiteral("map")).toDouble(), m.map);
        QCOMPARE(json.value(QStringLiteral("micro_auc")).toDouble(), *m.micro_auc);
        // The float threshold is written in its shortest form, not as a widened double.
        QVERIFY(metricsToJson(m).find("\"threshold\":0.2020202") != std::string::npos);
        QVERIFY(metricsToJson(m).find("\"threshold\":0.2020202,") != std::string::npos);

        m.evidence_token_f1 = 0.25;
        m.evidence_hit_at_1 = 0.5;
        const QJsonObject withEvidence =
            QJsonDocument::fromJson(QByteArray::fromStdString(metricsToJson(m))).object();
        QCOMPARE(withEvidence.value(QStringLiteral("evidence_token_f1")).toDouble(), 0.25);
        QCOMPARE(withEvidence.value(QStringLiteral("evidence_hit_at_1")).toDouble(), 0.5);

        const QString table = QString::fromStdString(metricsToTable(m));
        auto hasLine = [](const QString& text, const QString& pattern) {
            return QRegularExpression(pattern, QRegularExpression::MultilineOption).match(text).hasMatch();
        };
        QVERIFY(hasLine(table, QStringLiteral("^macro_auc +0\\.5000$")));
        QVERIFY(hasLine(table, QStringLiteral("^map +0\\.8889$")));
        QVERIFY(hasLine(table, QStringLiteral("^n_docs +3$")));
        QVERIFY(hasLine(table, QStringLiteral("^evidence_hit_at_1 +0\\.5000$")));
        QVERIFY(table.endsWith(QLatin1Char('\n')));
        m.macro_auc.reset();
        QVERIFY(hasLine(QString::fromStdString(metricsToTable(m)), QStringLiteral("^macro_auc +n/a$")));
    }

    // Size of MIMIC-III full's test split (3,372 x 8,921). Prints the time; does not assert on it.
    void timingAtMimicFullSize() {
        const std::size_t docs = 3372;
        const std::size_t labels = 8921;
        ScoreMatrix scores(docs, labels);
        std::vector<GoldCodes> gold(docs);
        std::uint64_t state = 0x9E3779B97F4A7C15ull;
        auto next = [&state] {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            return static_cast<std::uint32_t>(state >> 40); // 24 random bits
        };
        for (float& s : scores.values) {
            const float u = static_cast<float>(next()) / 16777216.0f;
            s = u * u * u * 0.3f; // mostly small scores, like a trained model's negatives; all < 0.3
        }
        for (std::size_t d = 0; d < docs; ++d) {
            for (int g = 0; g < 15; ++g) {
                const auto label = static_cast<std::int32_t>(next() % labels);
                gold[d].labels.push_back(label);
                scores.at(d, static_cast<std::size_t>(label)) =
                    0.31f + 0.69f * static_cast<float>(next()) / 16777216.0f;
            }
        }
        const auto start = std::chrono::steady_clock::now();
        const EvalMetrics m = computeMetrics(scores, gold);
        const auto computed = std::chrono::steady_clock::now();
        const ThresholdChoice tuned = tuneThreshold(scores, gold, ThresholdObjective::MacroF1PerCode);
        const auto end = std::chrono::steady_clock::now();
        qInfo("computeMetrics %zu x %zu: %.3f s; tuneThreshold (macro): %.3f s", docs, labels,
              std::chrono::duration<double>(computed - start).count(),
              std::chrono::duration<double>(end - computed).count());
        // Every gold score (>= 0.31) is above every other score (< 0.3): a perfect ranking.
        QCOMPARE_NEAR(*m.micro_auc, 1.0);
        QCOMPARE_NEAR(*m.macro_auc, 1.0);
        QCOMPARE_NEAR(m.r_at_15, 1.0);
        QCOMPARE_NEAR(m.map, 1.0);
        // Candidates 0.2929 (29/99) and 0.3030 (30/99) bracket the gap; the latter separates perfectly.
        QVERIFY(tuned.threshold > 0.29f && tuned.threshold < 0.31f);
        QVERIFY(tuned.f1 > 0.99);
    }

private:
    static ScoreMatrix randomScores() {
        return matrix({{0.7f, 0.1f, 0.2f, 0.0f, 0.8f, 0.7f},
                       {0.7f, 0.8f, 0.5f, 0.6f, 0.1f, 0.1f},
                       {0.7f, 0.5f, 0.6f, 0.8f, 0.6f, 0.6f},
                       {0.6f, 0.3f, 0.0f, 0.4f, 0.2f, 0.4f},
                       {0.9f, 0.2f, 0.1f, 0.3f, 0.3f, 0.7f},
                       {0.6f, 0.8f, 0.7f, 0.4f, 0.8f, 0.2f},
                       {0.0f, 0.1f, 0.7f, 0.5f, 0.2f, 0.5f},
                       {0.2f, 0.7f, 0.4f, 0.4f, 0.3f, 0.6f}});
    }
    static std::vector<GoldCodes> randomGold() {
        return goldOf({{4}, {2, 4}, {3, 4}, {4}, {1, 3, 4}, {4}, {0, 2, 4}, {}}, {0, 1, 0, 0, 2, 0, 0, 0});
    }
};

QTEST_APPLESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
