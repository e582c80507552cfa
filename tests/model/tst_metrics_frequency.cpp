// MAP per train-frequency bucket (fc/model/metrics_frequency.h), against a hand-computed example.
#include "fc/model/metrics_frequency.h"

#include <QtTest>

using namespace fc;

class TestMetricsFrequency : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void buckets() {
        QCOMPARE(frequencyBucket(0), 0);
        QCOMPARE(frequencyBucket(1), 1);
        QCOMPARE(frequencyBucket(4), 1);
        QCOMPARE(frequencyBucket(5), 2);
        QCOMPARE(std::string(frequencyBucketName(1)), std::string("1-4"));
    }

    void handComputedExample() {
        ScoreMatrix scores(2, 5);
        const float doc0[] = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f};
        const float doc1[] = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f};
        std::copy(doc0, doc0 + 5, scores.row(0));
        std::copy(doc1, doc1 + 5, scores.row(1));
        const std::vector<std::vector<BucketGold>> gold{
            // doc 0: label 1 (5+), label 3 (never seen) and a never-seen code outside the label set
            {{1, 2}, {3, 0}, {-1, 0}},
            // doc 1: label 4 (1-4), label 0 (5+), label 4 listed twice
            {{4, 1}, {0, 2}, {4, 1}}};
        const FrequencyBucketMap m = frequencyBucketMap(scores, gold);
        // Bucket 0, doc 0: label 1 filtered out, ranking 0 2 3 4: label 3 at rank 3 -> 1/3, over 2 gold
        // codes.
        QCOMPARE(m.documents[0], std::int64_t{1});
        QCOMPARE(m.codes[0], std::int64_t{2});
        QVERIFY(qAbs(m.map[0] - 1.0 / 6.0) < 1e-12);
        // Bucket 1, doc 1: label 4 first -> AP 1.
        QCOMPARE(m.documents[1], std::int64_t{1});
        QCOMPARE(m.map[1], 1.0);
        // Bucket 5+: doc 0 ranking 0 1 2 4 -> label 1 at rank 2 (AP 0.5); doc 1 ranking 3 2 1 0 -> rank 4 (AP
        // 0.25); mean 0.375.
        QCOMPARE(m.documents[2], std::int64_t{2});
        QCOMPARE(m.codes[2], std::int64_t{2});
        QVERIFY(qAbs(m.map[2] - 0.375) < 1e-12);
    }

    void badInputIsRefused() {
        ScoreMatrix scores(1, 2);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, frequencyBucketMap(scores, {}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, frequencyBucketMap(scores, {{{2, 0}}}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, frequencyBucketMap(scores, {{{0, 3}}}));
    }
};

QTEST_APPLESS_MAIN(TestMetricsFrequency)
#include "tst_metrics_frequency.moc"
