// computeFeedbackInsights: acceptance per code, hand-added codes, calibration bins from stored decisions.
#include "feedbackinsights.h"

#include "fc/storage/repositories.h"

#include <QTemporaryDir>
#include <QTest>

using namespace fc;

class TstFeedbackInsights : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void insightsFromDecisions();
    void emptyDatabase();
};

void TstFeedbackInsights::insightsFromDecisions() {
    QTemporaryDir dir;
    storage::Database db(dir.filePath("fc.db").toStdString());
    storage::NoteRepository notes(db);
    storage::DecisionRepository decisions(db);
    const auto decide = [&](std::int64_t note, const char* code, storage::DecisionKind kind, double score) {
        storage::DecisionRecord d;
        d.noteId = note;
        d.code = code;
        d.system = "icd-10-cm";
        d.kind = kind;
        d.score = score;
        decisions.record(d);
    };
    using K = storage::DecisionKind;
    const auto n1 = notes.upsert("one", "test"), n2 = notes.upsert("two", "test"),
               n3 = notes.upsert("three", "test");
    decide(n1, "A00", K::Accepted, 0.95);
    decide(n2, "A00", K::Accepted, 0.91);
    decide(n3, "A00", K::Rejected, 0.55);
    decide(n1, "B00", K::Accepted, 0.52);
    decide(n1, "B00", K::Removed, 0.52); // newest wins: not kept
    decide(n2, "C00", K::Added, -1.0);
    decide(n3, "C00", K::Added, -1.0);
    decide(n1, "D00", K::Added, -1.0);
    decide(n1, "D00", K::Removed, -1.0); // added then removed: not a miss

    const FeedbackInsights insights = computeFeedbackInsights(db, 10);
    QCOMPARE(insights.suggestions, 4);
    QCOMPARE(insights.accepted, 2);
    QCOMPARE(insights.added, 2);
    QCOMPARE(insights.acceptance.size(), std::size_t{2});
    QCOMPARE(insights.acceptance[0].code, std::string("A00"));
    QCOMPARE(insights.acceptance[0].suggested, 3);
    QCOMPARE(insights.acceptance[0].accepted, 2);
    QVERIFY(qFuzzyCompare(insights.acceptance[0].rate(), 2.0 / 3.0));
    QCOMPARE(insights.acceptance[1].code, std::string("B00"));
    QCOMPARE(insights.acceptance[1].rate(), 0.0);
    QCOMPARE(insights.misses.size(), std::size_t{1});
    QCOMPARE(insights.misses[0].code, std::string("C00"));
    QCOMPARE(insights.misses[0].added, 2);

    QCOMPARE(insights.calibration.size(), std::size_t{10});
    const CalibrationBin& top = insights.calibration[9]; // [0.9, 1]: both accepted
    QCOMPARE(top.count, 2);
    QCOMPARE(top.accepted, 2);
    QVERIFY(std::abs(top.meanScore - 0.93) < 1e-9);
    const CalibrationBin& mid = insights.calibration[5]; // [0.5, 0.6): 0.55 rejected, 0.52 removed
    QCOMPARE(mid.count, 2);
    QCOMPARE(mid.accepted, 0);
    QCOMPARE(insights.calibration[0].count, 0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, computeFeedbackInsights(db, 0));
}

void TstFeedbackInsights::emptyDatabase() {
    QTemporaryDir dir;
    storage::Database db(dir.filePath("fc.db").toStdString());
    const FeedbackInsights insights = computeFeedbackInsights(db, 4);
    QCOMPARE(insights.suggestions, 0);
    QVERIFY(insights.acceptance.empty());
    QCOMPARE(insights.calibration.size(), std::size_t{4});
    QCOMPARE(insights.calibration[3].high, 1.0);
}

QTEST_GUILESS_MAIN(TstFeedbackInsights)
#include "tst_feedbackinsights.moc"
