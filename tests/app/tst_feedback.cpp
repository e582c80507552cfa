// FeedbackService: stored decisions -> reviewed notes (newest decision per code wins) and counts.
#include "feedbackservice.h"

#include "fc/storage/repositories.h"

#include <QTemporaryDir>
#include <QTest>

using namespace fc;

class TstFeedback : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void reviewedNotesFromDecisions();
};

void TstFeedback::reviewedNotesFromDecisions() {
    QTemporaryDir dir;
    storage::Database db(dir.filePath("fc.db").toStdString());
    storage::NoteRepository notes(db);
    storage::DecisionRepository decisions(db);
    const auto reviewed = notes.upsert("alpha and beta", "pasted");
    notes.upsert("never reviewed", "pasted");
    const auto decide = [&](const char* code, storage::DecisionKind kind) {
        storage::DecisionRecord d;
        d.noteId = reviewed;
        d.code = code;
        d.system = "icd-10-cm";
        d.kind = kind;
        decisions.record(d);
    };
    decide("A00", storage::DecisionKind::Accepted);
    decide("B00", storage::DecisionKind::Rejected);
    decide("C00", storage::DecisionKind::Added);
    decide("C00", storage::DecisionKind::Removed); // the newest decision wins: C00 is a negative
    decide("D00", storage::DecisionKind::Rejected);
    decide("D00", storage::DecisionKind::Accepted);

    FeedbackService service(db);
    const auto result = service.reviewedNotes();
    QCOMPARE(result.size(), std::size_t{1});
    QCOMPARE(result[0].id, std::to_string(reviewed));
    QCOMPARE(result[0].text, std::string("alpha and beta"));
    QCOMPARE(result[0].positive, (std::vector<std::string>{"A00", "D00"}));
    QCOMPARE(result[0].negative, (std::vector<std::string>{"B00", "C00"}));
    const FeedbackCounts counts = service.counts();
    QCOMPARE(counts.reviewedNotes, 1);
    QCOMPARE(counts.decisions.at("accepted"), 2);
    QCOMPARE(counts.decisions.at("rejected"), 2);
    QCOMPARE(counts.decisions.at("added"), 1);
    QCOMPARE(counts.decisions.at("removed"), 1);
}

QTEST_GUILESS_MAIN(TstFeedback)
#include "tst_feedback.moc"
