// Tests of fc/model/metrics_codiesp.h: the official CodiEsp-D/P MAP and CodiEsp-X P/R/F1 against small
// examples computed by hand (the arithmetic is in the comments), the containment rule at its boundaries,
// and the JSON rendering of the new fields.
#include "fc/model/metrics.h"
#include "fc/model/metrics_codiesp.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <stdexcept>
#include <vector>

using namespace fc;

namespace {

// Labels: 0 N44.8 (D), 1 R52 (D), 2 BW03ZZZ (P), 3 0DTJ (P), 4 C64.9 (D).
const std::vector<std::uint8_t> kIsProcedure = {0, 0, 1, 1, 0};

ScoreMatrix example() {
    ScoreMatrix m(3, 5);
    const float rows[3][5] = {
        {0.9f, 0.2f, 0.8f, 0.1f, 0.5f}, // doc A
        {0.1f, 0.7f, 0.3f, 0.6f, 0.4f}, // doc B
        {0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, // doc C (all tied: label order decides)
    };
    for (std::size_t d = 0; d < 3; ++d)
        for (std::size_t l = 0; l < 5; ++l)
            m.at(d, l) = rows[d][l];
    return m;
}

std::vector<CodiespMapGold> exampleGold() {
    std::vector<CodiespMapGold> gold(3);
    gold[0].labels = {1, 2};
    gold[0].outsideDiagnoses = 1; // a gold diagnosis the model cannot rank
    gold[1].labels = {0, 4, 4};   // duplicate ignored
    gold[1].outsideProcedures = 1;
    gold[2].labels = {3};
    return gold;
}

bool near(double a, double b) {
    return std::fabs(a - b) < 1e-12;
}

} // namespace

class TestMetricsCodiesp : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void mapScoresSubtasksApart() {
        // Doc A. D run (diagnoses only, by score): N44.8 0.9, C64.9 0.5, R52 0.2. Gold D: R52 at rank 3
        //   -> 1/3; gold D total = 1 ranked + 1 outside = 2 -> AP_D = (1/3) / 2 = 1/6.
        //   P run: BW03ZZZ 0.8, 0DTJ 0.1. Gold P: BW03ZZZ at rank 1 -> 1/1; total 1 -> AP_P = 1.
        // Doc B. D run: R52 0.7, C64.9 0.4, N44.8 0.1. Gold C64.9 at rank 2 -> 1/2, N44.8 at rank 3 -> 2/3;
        //   AP_D = (1/2 + 2/3) / 2 = 7/12. P: the only gold procedure is outside the labels -> AP_P = 0.
        // Doc C. No gold diagnosis: not a D query. P run (tie -> label order): BW03ZZZ, 0DTJ; gold 0DTJ at
        //   rank 2 -> AP_P = 1/2.
        // D MAP = (1/6 + 7/12) / 2 = (2/12 + 7/12) / 2 = 9/24 = 0.375 over 2 documents.
        // P MAP = (1 + 0 + 1/2) / 3 = 0.5 over 3 documents.
        const CodiespMap map = codiespMap(example(), exampleGold(), kIsProcedure);
        QVERIFY(near(map.d_map, 0.375));
        QVERIFY(near(map.p_map, 0.5));
        QCOMPARE(map.n_d_docs, 2);
        QCOMPARE(map.n_p_docs, 3);
        // Not the mixed ranking: ranked together, doc A would be N44.8, BW03ZZZ, C64.9, R52, 0DTJ and its AP
        // over its 3 gold codes (1/2 + 2/4) / 3 = 1/3, neither 1/6 nor 1.
    }

    void mapCutsEachRunAtTheDepth() {
        // depth 1: D runs A [N44.8], B [R52] -> no gold in either -> D MAP 0.
        // P runs A [BW03ZZZ] hit -> 1; B [0DTJ] -> 0; C [BW03ZZZ] -> 0 -> P MAP = 1/3.
        const CodiespMap map = codiespMap(example(), exampleGold(), kIsProcedure, 1);
        QVERIFY(near(map.d_map, 0.0));
        QVERIFY(near(map.p_map, 1.0 / 3.0));
    }

    void mapRejectsBadInput() {
        auto gold = exampleGold();
        gold[0].labels.push_back(5);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, codiespMap(example(), gold, kIsProcedure));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 codiespMap(example(), exampleGold(), std::vector<std::uint8_t>(4, 0)));
        gold.pop_back();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, codiespMap(example(), gold, kIsProcedure));
    }

    void procedureCodesByShape() {
        QVERIFY(isProcedureCode("BW03ZZZ"));
        QVERIFY(isProcedureCode("0DTJ"));
        QVERIFY(isProcedureCode("0DTJ4ZZ"));
        QVERIFY(isProcedureCode("0016")); // all-digit PCS prefix in CodiEsp
        QVERIFY(!isProcedureCode("R52"));
        QVERIFY(!isProcedureCode("N44.8"));
        QVERIFY(!isProcedureCode("Z20.818"));
    }

    void xContainmentRule() {
        // Gold [50, 55): the prediction must start 0..10 before it and end 0..10 after it.
        QVERIFY(codiespXSpanMatches(50, 55, 50, 55));
        QVERIFY(codiespXSpanMatches(40, 65, 50, 55));
        QVERIFY(!codiespXSpanMatches(39, 55, 50, 55)); // starts 11 early
        QVERIFY(!codiespXSpanMatches(50, 66, 50, 55)); // ends 11 late
        QVERIFY(!codiespXSpanMatches(51, 55, 50, 55)); // misses the first character
        QVERIFY(!codiespXSpanMatches(50, 54, 50, 55)); // misses the last character
    }

    void xMicroScoresByHand() {
        CodiespXScorer scorer;
        // Document 1. Gold pairs: N44.8 (spans [100,120) and [300,310)), R52 [50,55), C64.9 [10,20) -> 3.
        // Predicted pairs: N44.8 (two spans), R52, C64.9, BW03ZZZ -> 4 (spans of one code count once).
        //   N44.8 [295,318) contains [300,310): 5 before, 8 after -> TP (the other span [0,10) is ignored).
        //   R52 [40,56) contains [50,55): 10 before, 1 after -> TP.
        //   C64.9 [12,20) starts 2 after the gold start -> not contained -> no TP.
        //   BW03ZZZ has no gold -> false positive.
        scorer.add(
            {{"N44.8", 295, 318}, {"N44.8", 0, 10}, {"R52", 40, 56}, {"C64.9", 12, 20}, {"BW03ZZZ", 0, 5}},
            {{"N44.8", 100, 120}, {"N44.8", 300, 310}, {"R52", 50, 55}, {"C64.9", 10, 20}});
        // Document 2. Gold R52 [0,10); predicted R52 [0,21) overshoots by 11 -> no TP. 1 predicted, 1 gold.
        CodiespXScorer second;
        second.add({{"R52", 0, 21}}, {{"R52", 0, 10}});
        scorer.merge(second);
        // Totals: predicted 5, gold 4, TP 2 -> P = 2/5 = 0.4, R = 2/4 = 0.5, F1 = 2 * 0.4 * 0.5 / 0.9 = 4/9.
        const CodiespXScores s = scorer.scores();
        QCOMPARE(s.predicted, 5);
        QCOMPARE(s.gold, 4);
        QCOMPARE(s.truePositives, 2);
        QVERIFY(near(s.precision, 0.4));
        QVERIFY(near(s.recall, 0.5));
        QVERIFY(near(s.f1, 4.0 / 9.0));
    }

    void xEmptyIsZero() {
        CodiespXScorer scorer;
        scorer.add({}, {{"R52", 0, 10}});
        const CodiespXScores s = scorer.scores();
        QCOMPARE(s.gold, 1);
        QVERIFY(near(s.precision, 0.0));
        QVERIFY(near(s.f1, 0.0));
    }

    void jsonCarriesTheNewFieldsOnlyWhenSet() {
        EvalMetrics m;
        QJsonObject json = QJsonDocument::fromJson(QByteArray::fromStdString(metricsToJson(m))).object();
        QVERIFY(!json.contains(QStringLiteral("codiesp_d_map")));
        QVERIFY(!json.contains(QStringLiteral("evidence_hit_at_1_attention")));
        m.codiesp_d_map = 0.375;
        m.codiesp_p_map = 0.5;
        m.codiesp_x_f1 = 4.0 / 9.0;
        m.evidence_hit_at_1_attention = 0.25;
        json = QJsonDocument::fromJson(QByteArray::fromStdString(metricsToJson(m))).object();
        QCOMPARE(json.value(QStringLiteral("codiesp_d_map")).toDouble(), 0.375);
        QCOMPARE(json.value(QStringLiteral("codiesp_p_map")).toDouble(), 0.5);
        QVERIFY(near(json.value(QStringLiteral("codiesp_x_f1")).toDouble(), 4.0 / 9.0));
        QCOMPARE(json.value(QStringLiteral("evidence_hit_at_1_attention")).toDouble(), 0.25);
        QVERIFY(!json.contains(QStringLiteral("codiesp_x_precision")));
        QVERIFY(QString::fromStdString(metricsToTable(m)).contains(QStringLiteral("codiesp_d_map")));
    }
};

QTEST_APPLESS_MAIN(TestMetricsCodiesp)
#include "tst_metrics_codiesp.moc"
