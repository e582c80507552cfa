// fc::fusionFlops against the hand count of fusion-spec.md section 9, and a miniature runBenchmark whose
// figures must be consistent with each other.
#include "fc/model/benchmark.h"
#include "fc/model/errors.h"

#include <QtTest>

namespace {

// A benchmark small enough for a unit test: 60 tokens, 7 labels, 200 words, one thread, one warm-up run.
fc::BenchmarkOptions miniature() {
    fc::BenchmarkOptions options;
    options.tokens = 60;
    options.labels = 7;
    options.threads = 1;
    options.warmupRuns = 1;
    options.vocabularySize = 200;
    return options;
}

} // namespace

class TestBenchmark : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void flopsMatchTheSpecification_data() {
        QTest::addColumn<qint64>("tokens");
        QTest::addColumn<qint64>("labels");
        QTest::addColumn<double>("gflop");
        QTest::addColumn<double>("tolerance");
        // fusion-spec.md 9: 9.7 GFLOP for n = 2,500 and Y = 50; 13.4 GFLOP more for 8,921 labels.
        QTest::newRow("2500 tokens, 50 labels") << qint64(2500) << qint64(50) << 9.7 << 0.1;
        QTest::newRow("2500 tokens, 8921 labels")
            << qint64(2500) << qint64(8921) << 9.7 + 13.4 - 0.08 << 0.15;
    }
    void flopsMatchTheSpecification() {
        QFETCH(qint64, tokens);
        QFETCH(qint64, labels);
        QFETCH(double, gflop);
        QFETCH(double, tolerance);
        const auto flops = fc::fusionFlops(fc::NetworkOptions{}, tokens, labels);
        QVERIFY2(std::abs(flops.total() / 1e9 - gflop) < tolerance,
                 qPrintable(QString::number(flops.total() / 1e9)));
    }

    void flopsPartsMatchTheSpecification() {
        const auto f = fc::fusionFlops(fc::NetworkOptions{}, 2500, 50);
        QCOMPARE(qRound(f.baseConvolutions / 1e8), 38);  // 3.8
        QCOMPARE(qRound(f.residualBlocks / 1e8), 15);    // 1.5
        QCOMPARE(qRound(f.projections / 1e8), 9);        // 0.9
        QCOMPARE(qRound(f.attentionProducts / 1e8), 19); // 1.9
        QCOMPARE(qRound(f.feedForward / 1e8), 15);       // 1.5
        QCOMPARE(qRound(f.labelAttention / 1e7), 8);     // 0.08
    }

    void longNotesAreCountedPerWindow() {
        const fc::NetworkOptions options;
        const auto one = fc::fusionFlops(options, 2500, 50).total();
        QCOMPARE(fc::fusionFlops(options, 10000, 50).total(), 4 * one);
        const auto partial = fc::fusionFlops(options, 2600, 50).total();
        QCOMPARE(partial, one + fc::fusionFlops(options, 100, 50).total());
        QCOMPARE(fc::fusionFlops(options, 0, 50).total(), fc::fusionFlops(options, 1, 50).total());
        QVERIFY_THROWS_EXCEPTION(fc::ModelError, fc::fusionFlops(options, 10, 0));
    }

    void miniatureBenchmarkIsConsistent() {
        auto options = miniature();
        options.runs = 5;
        options.sgemmSize = 128;
        options.training = true;
        options.trainBatch = 2;
        options.trainSteps = 1;
        QStringList phases;
        const auto r =
            fc::runBenchmark(options, [&](const std::string& m) { phases << QString::fromStdString(m); });
        QVERIFY(phases.size() >= 4);
        QCOMPARE(r.threads, 1);
        QCOMPARE(r.windows, qint64(1));
        QCOMPARE(r.inference.runs, 5);
        QVERIFY(r.inference.minMs > 0 && r.inference.minMs <= r.inference.medianMs);
        QVERIFY(r.inference.medianMs <= r.inference.p90Ms && r.inference.p90Ms <= r.inference.maxMs);
        QVERIFY(r.sgemmGflops > 0 && r.sgemmMedianGflops <= r.sgemmGflops);
        QCOMPARE(r.flops.total(), fc::fusionFlops(fc::NetworkOptions{}, 60, 7).total());
        QVERIFY(qAbs(r.achievedGflops - r.flops.total() / 1e9 / (r.inference.medianMs / 1000)) < 1e-9);
        QVERIFY(qAbs(r.fractionOfPeak - r.achievedGflops / r.sgemmGflops) < 1e-12);
        QVERIFY(r.loadSeconds > 0);
        QVERIFY(r.peakRssMb > 10);
        QVERIFY(r.trainNotesPerSecond > 0 && r.peakRssAfterTrainingMb >= r.peakRssMb);
        QVERIFY(r.parameters > 0);
    }

    // bench --profile: LibTorch's profiler names the network's operators, self times add up within the
    // totals, and per-run call counts match the work (one embedding lookup per prediction). bench --fast
    // times exact and fast runs in pairs.
    void profileNamesTheOperatorsPerRun() {
        auto options = miniature();
        options.runs = 3;
        options.sgemmSize = 64;
        options.profileRuns = 2;
        options.fast = true;
        const auto r = fc::runBenchmark(options);
        QVERIFY(!r.profile.empty());
        QCOMPARE(r.fastPairRatios.size(), std::size_t(3));
        QVERIFY(r.fastSpeedup > 0);
        QCOMPARE(r.fastProfile.empty(), false);
        bool convolution = false;
        for (const auto& op : r.profile) {
            QVERIFY(op.selfMs >= 0 && op.selfMs <= op.totalMs + 1e-9);
            QVERIFY(op.calls >= 1);
            if (op.name == "aten::embedding")
                QCOMPARE(op.calls, 1);
            convolution = convolution || op.name.find("convolution") != std::string::npos;
        }
        QVERIFY(convolution);
        for (std::size_t i = 1; i < r.profile.size(); ++i)
            QVERIFY(r.profile[i - 1].selfMs >= r.profile[i].selfMs);
    }

    void rejectsBadOptions() {
        fc::BenchmarkOptions options;
        options.tokens = 0;
        QVERIFY_THROWS_EXCEPTION(fc::InputError, fc::runBenchmark(options));
        options.tokens = 10;
        options.runs = 0;
        QVERIFY_THROWS_EXCEPTION(fc::InputError, fc::runBenchmark(options));
    }
};

QTEST_GUILESS_MAIN(TestBenchmark)
#include "tst_benchmark.moc"
