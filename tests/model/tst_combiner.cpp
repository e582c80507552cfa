// The learned combiner (fc/model/combiner.h): it recovers the weights of a known logistic model, its
// probabilities are calibrated (mean = base rate on the fitting data, small ECE on fresh data), it survives
// degenerate labels, and the feature rows, folds and ECE match hand-computed cases.
#include "fc/model/combiner.h"

#include <QtTest>

#include <cmath>
#include <random>
#include <set>
#include <stdexcept>

using namespace fc;

namespace {

// Rows with uniform features and labels drawn from sigmoid(w.x + b).
void sample(std::size_t n, std::uint64_t seed, std::vector<CombinerRow>& rows,
            std::vector<std::uint8_t>& labels) {
    const std::array<double, kCombinerFeatures> w = {3.0, 2.0, 1.0, 1.5, -0.5, 0.5};
    const double b = -3.0;
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    rows.clear();
    labels.clear();
    for (std::size_t i = 0; i < n; ++i) {
        CombinerRow row{};
        double z = b;
        for (std::size_t f = 0; f < kCombinerFeatures; ++f) {
            row[f] = static_cast<float>(u(rng));
            z += w[f] * row[f];
        }
        rows.push_back(row);
        labels.push_back(u(rng) < 1.0 / (1.0 + std::exp(-z)) ? 1 : 0);
    }
}

} // namespace

class TestCombiner : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void recoversAKnownLogisticModel() {
        std::vector<CombinerRow> rows;
        std::vector<std::uint8_t> labels;
        sample(40000, 1, rows, labels);
        CombinerFitOptions options;
        options.l2 = 0.0;
        const auto model = LogisticCombiner::fit(rows, labels, options);
        const std::array<double, kCombinerFeatures> truth = {3.0, 2.0, 1.0, 1.5, -0.5, 0.5};
        for (std::size_t f = 0; f < kCombinerFeatures; ++f)
            QVERIFY2(std::fabs(model.weights()[f] - truth[f]) < 0.25, combinerFeatureNames()[f]);
        QVERIFY(std::fabs(model.bias() + 3.0) < 0.3);
        QVERIFY(model.iterations() < 50); // converged

        // Calibration on the fitting data: with a free bias the mean probability equals the base rate.
        double mean = 0.0, rate = 0.0;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            mean += model.probability(rows[i]);
            rate += labels[i];
        }
        QVERIFY(std::fabs(mean - rate) / static_cast<double>(rows.size()) < 1e-6);
        // ... and on fresh data the expected calibration error is small.
        std::vector<CombinerRow> fresh;
        std::vector<std::uint8_t> freshLabels;
        sample(40000, 2, fresh, freshLabels);
        std::vector<double> p;
        for (const auto& row : fresh)
            p.push_back(model.probability(row));
        QVERIFY(expectedCalibrationError(p, freshLabels) < 0.02);
    }

    void degenerateLabelsStayFinite() {
        std::vector<CombinerRow> rows;
        std::vector<std::uint8_t> labels;
        sample(500, 3, rows, labels);
        std::fill(labels.begin(), labels.end(), 0);
        const auto model = LogisticCombiner::fit(rows, labels);
        for (const auto& row : rows) {
            const double p = model.probability(row);
            QVERIFY(std::isfinite(p) && p >= 0.0 && p < 1e-3);
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, LogisticCombiner::fit({}, {}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, LogisticCombiner::fit(rows, {1}));
    }

    void jsonRoundTrip() {
        const LogisticCombiner model({1.5, -2.0, 0.25, 0.75, 0.0, 3.0}, -4.0);
        const auto back = LogisticCombiner::fromJson(model.toJson());
        QCOMPARE(back.weights(), model.weights());
        QCOMPARE(back.bias(), -4.0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 LogisticCombiner::fromJson(R"({"features":["a","b","c","d","e","f"],)"
                                                            R"("weights":[1,2,3,4,5,6],"bias":0})"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, LogisticCombiner::fromJson("{"));
    }

    void featureRowsByHand() {
        // Categories: N44 (N44.8 0.9, N44.1 0.4), R52 (alone), BW0 (BW03ZZZ 0.2, BW04ZZZ 0.6).
        const std::vector<std::string> labels = {"N44.8", "N44.1", "R52", "BW03ZZZ", "BW04ZZZ"};
        const auto rows = combinerFeatures(labels, {0.9f, 0.4f, 0.7f, 0.2f, 0.6f},
                                           {0.5f, 0.0f, 0.1f, 0.0f, 0.3f}, {1.0f, 0.0f, 0.0f, 0.5f, 0.0f},
                                           {0.0f, 0.0f, 0.8f, 0.0f, 0.25f}, {3, 0, 10, 1, 0});
        QCOMPARE(rows.size(), std::size_t{5});
        QCOMPARE(rows[0][0], 0.9f);
        QCOMPARE(rows[0][1], 0.5f);
        QCOMPARE(rows[0][2], 1.0f);
        QCOMPARE(rows[0][3], 0.0f); // mention lexicon
        QCOMPARE(rows[2][3], 0.8f);
        QCOMPARE(rows[4][3], 0.25f);
        QVERIFY(std::fabs(rows[0][4] - std::log(4.0f)) < 1e-6f); // log(1 + 3)
        QCOMPARE(rows[0][5], 0.4f);                              // N44.1, the other N44 label
        QCOMPARE(rows[1][5], 0.9f);                              // N44.8
        QCOMPARE(rows[2][5], 0.0f);                              // no other R52 label
        QCOMPARE(rows[3][5], 0.6f);
        QCOMPARE(rows[4][5], 0.2f);
        QCOMPARE(codeCategory("N44.8"), std::string("N44"));
        QCOMPARE(codeCategory("R52"), std::string("R52"));
        QCOMPARE(codeCategory("BW03ZZZ"), std::string("BW0"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, combinerFeatures(labels, {0.1f}, {}, {}, {}, {}));
    }

    void foldsPartitionTheItems() {
        const auto folds = kFoldSplits(10, 3, 7);
        QCOMPARE(folds.size(), std::size_t{3});
        std::set<std::size_t> all;
        for (const auto& fold : folds) {
            QVERIFY(fold.size() == 3 || fold.size() == 4);
            all.insert(fold.begin(), fold.end());
        }
        QCOMPARE(all.size(), std::size_t{10});
        QCOMPARE(kFoldSplits(10, 3, 7), folds); // deterministic
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, kFoldSplits(10, 1, 7));
    }

    void calibrationErrorByHand() {
        // Bin 0: predictions 0.05, 0.05, outcomes 0, 1 -> |0.05 - 0.5| = 0.45, weight 2/4.
        // Bin 9: predictions 0.95, 0.95, outcomes 1, 1 -> |0.95 - 1| = 0.05, weight 2/4. ECE = 0.225 + 0.025.
        QVERIFY(std::fabs(expectedCalibrationError({0.05, 0.05, 0.95, 0.95}, {0, 1, 1, 1}) - 0.25) < 1e-12);
    }
};

QTEST_APPLESS_MAIN(TestCombiner)
#include "tst_combiner.moc"
