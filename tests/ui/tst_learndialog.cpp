// LearnDialog and InsightsDialog on a tiny trained model and a database of decisions: a run started from the
// dialog fills the comparison, Activate follows the gate and switches the engine, Roll back returns to the
// base; Insights shows the stored statistics. With FC_SCREENSHOT_DIR set, both dialogs are saved there as
// learn-dialog.png and insights-dialog.png.
#include "../support/screenshot.h"
#include "../support/tiny_fusion.h"
#include "codingsession.h"
#include "insightsdialog.h"
#include "learndialog.h"

#include "fc/model/dataset.h"
#include "fc/model/training.h"
#include "fc/storage/database.h"
#include "fc/storage/repositories.h"

#include <QDir>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace fc;
using namespace fc::ui;

namespace {

std::vector<Document> notes() {
    std::vector<Document> docs;
    for (int i = 0; i < 16; ++i) {
        Document doc;
        doc.id = "t" + std::to_string(i);
        doc.text = "patient note " + std::to_string(i) + (i % 2 ? " beta" : " alpha");
        doc.codes.push_back(i % 2 ? "BETA" : "ALPHA");
        docs.push_back(doc);
    }
    return docs;
}

using fc::testing::saveScreenshot;

QPushButton* button(QWidget& parent, const QString& text) {
    for (auto* b : parent.findChildren<QPushButton*>())
        if (b->text() == text)
            return b;
    return nullptr;
}

} // namespace

class TstLearnDialog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void fineTuneActivateRollBack();
    void insights();

private:
    QTemporaryDir m_dir;
    QString m_db;
};

void TstLearnDialog::initTestCase() {
    QVERIFY(m_dir.isValid());
    const auto docs = notes();
    fc::train(fc::testing::tinyFusionOptions(), docs, docs, m_dir.filePath("base").toStdString());

    m_db = m_dir.filePath("fc.db");
    storage::Database db(m_db.toStdString());
    storage::NoteRepository repository(db);
    storage::DecisionRepository decisions(db);
    int i = 0;
    for (const auto& doc : docs) {
        const auto noteId = repository.upsert(doc.text, "test");
        for (const char* code : {"ALPHA", "BETA"}) {
            storage::DecisionRecord d;
            d.noteId = noteId;
            d.code = code;
            d.system = "unknown";
            d.score = 0.3 + 0.04 * (i++ % 16);
            d.kind = std::find(doc.codes.begin(), doc.codes.end(), code) != doc.codes.end()
                         ? storage::DecisionKind::Accepted
                         : storage::DecisionKind::Rejected;
            decisions.record(d);
        }
        if (noteId % 4 == 0) {
            storage::DecisionRecord added;
            added.noteId = noteId;
            added.code = "GAMMA";
            added.system = "unknown";
            added.kind = storage::DecisionKind::Added;
            decisions.record(added);
        }
    }
}

void TstLearnDialog::fineTuneActivateRollBack() {
    CodingSession session;
    QVERIFY(session.openDatabase(m_db));
    QSignalSpy changed(&session, &CodingSession::modelChanged);
    session.start(m_dir.filePath("base"), 1);
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 20000);
    LearnDialog dialog(&session, m_dir.filePath("versions"));
    dialog.settings().options.epochs = 2;
    dialog.settings().options.threads = 1;
    dialog.settings().gate.tolerance = 1.0; // the gate passes whatever the tiny model learns
    dialog.show();
    QPushButton* activate = button(dialog, dialog.tr("&Activate new model"));
    QVERIFY(activate);
    QVERIFY(!activate->isEnabled());
    QSignalSpy finished(dialog.job(), &FineTuneJob::finished);
    QSignalSpy failed(dialog.job(), &FineTuneJob::failed);
    dialog.startFineTuning();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() > 0, 20000);
    if (!failed.isEmpty())
        QFAIL(qPrintable(failed.first().at(0).toString()));
    QVERIFY(activate->isEnabled());
    auto* comparison = dialog.findChild<QTableWidget*>(QStringLiteral("comparison"));
    QVERIFY(comparison);
    QCOMPARE(comparison->rowCount(), 3); // held-out micro-F1, macro-F1, P@k (no dev set given)
    auto* versions = dialog.findChild<QTableView*>(QStringLiteral("versions"));
    QVERIFY(versions);
    QCOMPARE(versions->model()->rowCount(), 2);
    saveScreenshot(dialog, "learn-dialog.png");

    // Activate and Roll back go through the session's swap path (the model loads off the UI thread).
    activate->click();
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 2, 20000);
    QCOMPARE(changed.last().at(0).value<LiveModel>().versionId,
             finished.first().at(0).value<FineTuneJobResult>().newVersionId);
    QCOMPARE(session.activeVersion()->id, finished.first().at(0).value<FineTuneJobResult>().newVersionId);
    QVERIFY(!activate->isEnabled());
    button(dialog, dialog.tr("&Roll back"))->click();
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 3, 20000);
    QCOMPARE(changed.last().at(0).value<LiveModel>().versionId,
             finished.first().at(0).value<FineTuneJobResult>().baseVersionId);
}

void TstLearnDialog::insights() {
    CodingSession session;
    QVERIFY(session.openDatabase(m_db));
    InsightsDialog dialog(&session);
    dialog.show();
    QCOMPARE(dialog.insights().suggestions, 32);
    QCOMPARE(dialog.insights().accepted, 16);
    const QList<QTableWidget*> tables{dialog.findChild<QTableWidget*>(QStringLiteral("acceptance")),
                                      dialog.findChild<QTableWidget*>(QStringLiteral("misses")),
                                      dialog.findChild<QTableWidget*>(QStringLiteral("calibration"))};
    QVERIFY(!tables.contains(nullptr));
    QCOMPARE(tables[0]->rowCount(), 2); // ALPHA, BETA
    QCOMPARE(tables[1]->rowCount(), 1); // GAMMA added by hand
    QCOMPARE(tables[1]->item(0, 0)->text(), QStringLiteral("GAMMA"));
    QCOMPARE(tables[2]->rowCount(), 10);
    saveScreenshot(dialog, "insights-dialog.png");
}

QTEST_MAIN(TstLearnDialog)
#include "tst_learndialog.moc"
