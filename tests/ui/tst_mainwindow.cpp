// MainWindow end to end under the offscreen platform: a small random model (fc::createModel), a note,
// keyboard decisions stored in a temporary database and restored when the same note is reopened.
#include "banner.h"
#include "catalogsearchmodel.h"
#include "chartpanel.h"
#include "codesearchdialog.h"
#include "codinglistmodel.h"
#include "evidencepanel.h"
#include "notepane.h"
#include "suggestionpanel.h"
#include "worklistpanel.h"

#include "../support/screenshot.h"
#include "evidencelistmodel.h"
#include "evidenceoverview.h"
#include "exportdialog.h"
#include "mainwindow.h"
#include "noteeditor.h"
#include "scriptedsession.h"
#include "shortcutoverlay.h"
#include "suggestionfilterproxy.h"
#include "suggestiontablemodel.h"
#include "worklistmodel.h"

#include "fc/storage/database.h"
#include "fc/storage/model_repositories.h"
#include "fc/storage/repositories.h"
#include "fc/storage/sha256.h"

#include "fc/model/modelfiles.h"

#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using fc::ui::MainWindow;
using fc::ui::SuggestionTableModel;

namespace {

const QString kNote =
    QStringLiteral("Señor de 58 años con dolor torácico 😀 y fiebre.\r\nAntecedentes: hipertensión "
                   "arterial. Dolor abdominal y náuseas; fiebre persistente.");

QString statusOf(QTableView* view, int row) {
    return view->model()->index(row, SuggestionTableModel::StatusColumn).data().toString();
}

QString codeOf(QTableView* view, int row) {
    return view->model()->index(row, SuggestionTableModel::CodeColumn).data().toString();
}

// RFC 4180 records (quoted fields with doubled quotes, CRLF line ends).
QList<QStringList> parseCsv(const QString& text) {
    QList<QStringList> records;
    QStringList record;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
                field += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            record << field;
            field.clear();
        } else if (c == QLatin1Char('\n')) {
            record << field;
            records << record;
            record.clear();
            field.clear();
        } else if (c != QLatin1Char('\r')) {
            field += c;
        }
    }
    return records;
}

std::map<std::string, fc::storage::DecisionRecord>
byCode(const std::vector<fc::storage::DecisionRecord>& records) {
    std::map<std::string, fc::storage::DecisionRecord> result;
    for (const fc::storage::DecisionRecord& record : records)
        result[record.code] = record;
    return result;
}

// What the window's database holds for its current note, read through a connection of the test's own.
std::vector<fc::storage::DecisionRecord> storedDecisions(const MainWindow& window) {
    fc::storage::Database db(window.session()->databasePath().toStdString());
    return fc::storage::DecisionRepository(db).currentForNote(window.session()->noteId());
}

std::int64_t decisionCount(const MainWindow& window) {
    fc::storage::Database db(window.session()->databasePath().toStdString());
    return fc::storage::DecisionRepository(db).count();
}

} // namespace

class TstMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void keyboardDecisionsAreStoredAndRestored();
    void databaseErrorKeepsWorkingWithoutSaving();
    void missingModelIsReported();
    void mainFlowByKeyboard();
    void worklistStatusesAreStored();
    void helpOverlayListsShortcuts();
    void scriptedSessionWritesScreenshot();
    void scriptedSessionTimesOut();
    void codedChartColumnsReadable();
    void acceptAllAboveThresholdIsOneUndo();
    void activationReanalysesAndSurvivesRestart();
    void blindFirstPassHidesThenCompares();
    void worklistOrdersByUncertainty();
    void settingsSwapTheModelLive();

private:
    QString loadModel(MainWindow& window); // empty on success, else the error
    bool analyse(MainWindow& window, const QString& text);

    QTemporaryDir m_dir;
    QString m_model;
    const std::vector<std::string> m_labels{"I10", "R50.9", "R10.9", "R07.9", "R11.0"};
};

void TstMainWindow::initTestCase() {
    QVERIFY(m_dir.isValid());
    QStandardPaths::setTestModeEnabled(true); // recent files go to a test settings file
    qputenv("FUSIONCODER_CATALOGS", QByteArray(FC_SOURCE_DIR) + "/resources/catalogs");
    fc::ModelConfig config;
    config.name = "UI test model";
    config.version = "test-1";
    config.placeholder = true;
    config.threshold = 0.0001f; // every label is shown, whatever the random weights say
    config.labels = m_labels;
    config.options.embeddingDim = 8;
    config.options.filterSizes = {3, 5};
    config.options.filterMaps = 4;
    config.options.heads = 2;
    config.options.ffnDim = 16;
    config.options.maxTokens = 64;
    m_model = m_dir.filePath(QStringLiteral("model"));
    fc::createModel(config,
                    {"dolor", "fiebre", "hipertensión", "náuseas", "torácico", "abdominal", "arterial"}, 7,
                    m_model.toStdString());
}

QString TstMainWindow::loadModel(MainWindow& window) {
    QSignalSpy loaded(&window, &MainWindow::modelLoadFinished);
    window.loadModel(m_model, 1);
    if (!loaded.wait(30000))
        return QStringLiteral("timed out");
    return loaded.at(0).at(0).toBool() ? QString() : loaded.at(0).at(1).toString();
}

bool TstMainWindow::analyse(MainWindow& window, const QString& text) {
    QSignalSpy finished(&window, &MainWindow::analysisFinished);
    window.setNote(text, QStringLiteral("test"));
    if (!finished.wait(30000))
        return false;
    return finished.at(0).at(0).toBool();
}

void TstMainWindow::keyboardDecisionsAreStoredAndRestored() {
    MainWindow window;
    window.resize(1000, 600);
    QVERIFY(window.openDatabase(m_dir.filePath(QStringLiteral("decisions.sqlite"))));
    QVERIFY(window.isSavingDecisions());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(loadModel(window), QString());
    QVERIFY(window.isModelLoaded());

    // The placeholder model is announced.
    bool placeholderShown = false;
    for (fc::ui::Banner* banner : window.findChildren<fc::ui::Banner*>())
        placeholderShown |=
            banner->isVisible() && banner->message().contains(QStringLiteral("Placeholder model"));
    QVERIFY(placeholderShown);

    QVERIFY(analyse(window, kNote));
    QTableView* view = window.suggestionPanel()->view();
    QCOMPARE(view->model()->rowCount(), int(m_labels.size()));
    // Sorted by confidence, highest first.
    for (int row = 1; row < view->model()->rowCount(); ++row)
        QVERIFY(view->model()->index(row - 1, 0).data(SuggestionTableModel::ScoreRole).toDouble() >=
                view->model()->index(row, 0).data(SuggestionTableModel::ScoreRole).toDouble());
    // The top suggestion is selected and its evidence highlighted.
    QCOMPARE(view->currentIndex().row(), 0);
    QVERIFY(!window.noteEditor()->extraSelections().isEmpty());

    const QString first = codeOf(view, 0);
    const QString second = codeOf(view, 1);
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Return);
    QCOMPARE(statusOf(view, 0), QStringLiteral("accepted"));
    QCOMPARE(view->currentIndex().row(), 1);
    QTest::keyClick(view, Qt::Key_R);
    QCOMPARE(statusOf(view, 1), QStringLiteral("rejected"));
    QCOMPARE(view->currentIndex().row(), 1);

    std::vector<fc::storage::DecisionRecord> stored = storedDecisions(window);
    QCOMPARE(stored.size(), size_t(2));
    for (const fc::storage::DecisionRecord& decision : stored) {
        QCOMPARE(decision.modelVersion, std::string("test-1"));
        QVERIFY(decision.score >= 0.0);
        const QString code = QString::fromStdString(decision.code);
        QVERIFY2(code == first || code == second, qPrintable(code));
        QVERIFY(decision.kind ==
                (code == first ? fc::storage::DecisionKind::Accepted : fc::storage::DecisionKind::Rejected));
    }

    // Another note, then the first one again: its decisions come back.
    QVERIFY(analyse(window, QStringLiteral("Paciente con fiebre.")));
    QCOMPARE(view->model()->rowCount(), int(m_labels.size()));
    for (int row = 0; row < view->model()->rowCount(); ++row)
        QCOMPARE(statusOf(view, row), QStringLiteral("suggested"));
    QVERIFY(analyse(window, kNote));
    QCOMPARE(statusOf(view, 0), QStringLiteral("accepted"));
    QCOMPARE(statusOf(view, 1), QStringLiteral("rejected"));

    // Selecting a code by name highlights its evidence.
    QVERIFY(window.selectCode(codeOf(view, 3)));
    QCOMPARE(view->currentIndex().row(), 3);
    QVERIFY(!window.selectCode(QStringLiteral("Z00.0")));
}

void TstMainWindow::databaseErrorKeepsWorkingWithoutSaving() {
    MainWindow window;
    // A regular file where the database's directory should be: the database cannot be created.
    QFile blocker(m_dir.filePath(QStringLiteral("blocker")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    QVERIFY(!window.openDatabase(m_dir.filePath(QStringLiteral("blocker/decisions.sqlite"))));
    QVERIFY(!window.isSavingDecisions());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    bool notSavingShown = false;
    for (fc::ui::Banner* banner : window.findChildren<fc::ui::Banner*>())
        notSavingShown |=
            banner->isVisible() && banner->message().contains(QStringLiteral("NOT being saved"));
    QVERIFY(notSavingShown);

    QCOMPARE(loadModel(window), QString());
    QVERIFY(analyse(window, kNote));
    QTableView* view = window.suggestionPanel()->view();
    view->setFocus();
    QTest::keyClick(view, Qt::Key_A);
    QCOMPARE(statusOf(view, 0), QStringLiteral("accepted"));
}

void TstMainWindow::missingModelIsReported() {
    MainWindow window;
    QSignalSpy loaded(&window, &MainWindow::modelLoadFinished);
    window.loadModel(m_dir.filePath(QStringLiteral("no-model")), 1);
    QVERIFY(loaded.wait(30000));
    QCOMPARE(loaded.at(0).at(0).toBool(), false);
    QVERIFY(!loaded.at(0).at(1).toString().isEmpty());
    QVERIFY(!window.isModelLoaded());
}

void TstMainWindow::scriptedSessionWritesScreenshot() {
    MainWindow window;
    window.resize(900, 500);
    window.setNote(kNote, QStringLiteral("test"));
    fc::ui::ScriptedSession::Options options;
    options.expectAnalysis = true;
    options.selectCode = QStringLiteral("Z00.0"); // not a label: a warning, then the top suggestion
    options.screenshotPath = m_dir.filePath(QStringLiteral("shot.png"));
    options.quit = true;
    fc::ui::ScriptedSession session(&window, options);
    QSignalSpy finished(&session, &fc::ui::ScriptedSession::finished);
    QSignalSpy warning(&session, &fc::ui::ScriptedSession::warning);
    session.start();
    window.show();
    window.loadModel(m_model, 1);
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.at(0).at(0).toInt(), 0);
    QCOMPARE(warning.count(), 1);
    QVERIFY(warning.at(0).at(0).toString().contains(QStringLiteral("Z00.0")));
    QCOMPARE(window.suggestionPanel()->view()->currentIndex().row(), 0);
    const QImage image(options.screenshotPath);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), window.size() * window.devicePixelRatio());
}

void TstMainWindow::scriptedSessionTimesOut() {
    MainWindow window; // no model is ever loaded
    fc::ui::ScriptedSession::Options options;
    options.quit = true;
    options.timeoutSeconds = 1;
    fc::ui::ScriptedSession session(&window, options);
    QSignalSpy finished(&session, &fc::ui::ScriptedSession::finished);
    session.start();
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.at(0).at(0).toInt(), 1);
    QVERIFY(finished.at(0).at(1).toString().contains(QStringLiteral("timed out")));
}

void TstMainWindow::mainFlowByKeyboard() {
    MainWindow window;
    window.resize(1200, 800);
    QVERIFY(window.openDatabase(m_dir.filePath(QStringLiteral("flow.sqlite"))));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(loadModel(window), QString());
    QVERIFY(window.catalog());

    // Open: a note file in UTF-16 with a byte-order mark.
    const QString path = m_dir.filePath(QStringLiteral("flow-note.txt"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QStringEncoder encoder(QStringEncoder::Utf16LE, QStringEncoder::Flag::WriteBom);
        file.write(encoder.encode(kNote));
    }
    QSignalSpy finished(&window, &MainWindow::analysisFinished);
    QVERIFY(window.openNoteFile(path));
    QVERIFY(finished.wait(30000));
    QCOMPARE(window.noteEditor()->noteText(), kNote);
    QTableView* view = window.suggestionPanel()->view();
    QCOMPARE(view->currentIndex().row(), 0);
    QVERIFY(view->hasFocus());
    // Evidence of the selected code: highlights, snippets, overview marks.
    QVERIFY(!window.noteEditor()->extraSelections().isEmpty());
    QVERIFY(window.evidencePanel()->model()->rowCount() > 0);
    QVERIFY(!window.notePane()->overview()->marks().empty());

    // Enter accepts and moves on; J moves, R rejects.
    const QString first = codeOf(view, 0);
    QTest::keyClick(view, Qt::Key_Return);
    QCOMPARE(statusOf(view, 0), QStringLiteral("accepted"));
    QCOMPARE(view->currentIndex().row(), 1);
    const QString second = codeOf(view, 1);
    QTest::keyClick(view, Qt::Key_A);
    QTest::keyClick(view, Qt::Key_J);
    QCOMPARE(view->currentIndex().row(), 2);
    const QString rejected = codeOf(view, 2);
    QTest::keyClick(view, Qt::Key_R);
    QCOMPARE(statusOf(view, 2), QStringLiteral("rejected"));
    fc::ui::CodingListModel* coding = window.chartPanel()->model();
    QCOMPARE(coding->rowCount(), 2);
    QCOMPARE(coding->entries()[0].code, first);
    QCOMPARE(coding->roleOf(0), QStringLiteral("principal"));

    // Add a missed code by searching the catalog: Ctrl+K with note text selected pre-fills the search.
    const QTextCursor cursor = window.noteEditor()->document()->find(QStringLiteral("hipertensión"));
    QVERIFY(cursor.hasSelection());
    window.noteEditor()->setTextCursor(cursor);
    window.noteEditor()->setFocus();
    QTest::keyClick(window.noteEditor(), Qt::Key_K, Qt::ControlModifier);
    auto* search = window.findChild<fc::ui::CodeSearchDialog*>();
    QVERIFY(search);
    QCOMPARE(search->query(), QStringLiteral("hipertensión"));
    search->setQuery(QStringLiteral("N39.0"));
    QVERIFY(search->results()->rowCount() > 0);
    QTest::keyClick(search->findChild<QLineEdit*>(), Qt::Key_Return);
    QCOMPARE(coding->rowCount(), 3);
    QCOMPARE(coding->entries()[2].code, QStringLiteral("N39.0"));
    QCOMPARE(coding->entries()[2].status, fc::SuggestionStatus::Added);
    QVERIFY(!coding->entries()[2].description.isEmpty());

    // Reorder with Ctrl+Up on the coded chart: N39.0 becomes principal; Y sets its POA.
    QTableView* codingView = window.chartPanel()->view();
    codingView->setFocus();
    codingView->setCurrentIndex(coding->index(2, fc::ui::CodingListModel::CodeColumn));
    QTest::keyClick(codingView, Qt::Key_Up, Qt::ControlModifier);
    QTest::keyClick(codingView, Qt::Key_Up, Qt::ControlModifier);
    QCOMPARE(coding->entries()[0].code, QStringLiteral("N39.0"));
    QTest::keyClick(codingView, Qt::Key_Y);
    QCOMPARE(coding->entries()[0].poa, QStringLiteral("Y"));

    auto stored = byCode(storedDecisions(window));
    QCOMPARE(stored.size(), size_t(4));
    QVERIFY(stored["N39.0"].kind == fc::storage::DecisionKind::Added);
    QCOMPARE(stored["N39.0"].sequence, 1);
    QCOMPARE(stored["N39.0"].poa, std::string("Y"));
    QCOMPARE(stored[first.toStdString()].sequence, 2);
    QCOMPARE(stored[second.toStdString()].sequence, 3);
    QVERIFY(stored[rejected.toStdString()].kind == fc::storage::DecisionKind::Rejected);
    QCOMPARE(stored[rejected.toStdString()].sequence, 0);

    // Ctrl+Z undoes the POA, then the last move; each undo is a new stored decision.
    const std::int64_t before = decisionCount(window);
    QTest::keyClick(codingView, Qt::Key_Z, Qt::ControlModifier);
    stored = byCode(storedDecisions(window));
    QCOMPARE(stored["N39.0"].poa, std::string());
    QTest::keyClick(codingView, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(coding->entries()[1].code, QStringLiteral("N39.0"));
    stored = byCode(storedDecisions(window));
    QCOMPARE(stored["N39.0"].sequence, 2);
    QVERIFY(decisionCount(window) > before);
    QTest::keyClick(codingView, Qt::Key_Up, Qt::ControlModifier); // principal again
    QCOMPARE(coding->entries()[0].code, QStringLiteral("N39.0"));
    QTest::keyClick(codingView, Qt::Key_W);

    // Export: checks, then CSV and JSON files, checked field by field.
    fc::ui::ExportDialog* exporter = window.openExportDialog();
    QVERIFY(exporter);
    QSignalSpy validated(exporter, &fc::ui::ExportDialog::validated);
    QVERIFY(exporter->isValidated() || validated.wait(10000));
    QVERIFY2(!fc::hasErrors(exporter->issues()),
             qPrintable(exporter->issues().isEmpty() ? QString() : exporter->issues().first().message));
    QSignalSpy exported(exporter, &fc::ui::ExportDialog::exported);
    const QString jsonPath = m_dir.filePath(QStringLiteral("chart.json"));
    exporter->setFormat(fc::ExportFormat::Json);
    exporter->exportToFile(jsonPath);
    QVERIFY(exported.wait(10000));
    QVERIFY2(exported.at(0).at(0).toBool(), qPrintable(exported.at(0).at(1).toString()));
    QFile json(jsonPath);
    QVERIFY(json.open(QIODevice::ReadOnly));
    const QJsonObject root = QJsonDocument::fromJson(json.readAll()).object();
    QCOMPARE(root.value(QStringLiteral("note")).toObject().value(QStringLiteral("sha256")).toString(),
             QString::fromStdString(fc::storage::sha256Hex(kNote.toStdString())));
    QCOMPARE(root.value(QStringLiteral("note")).toObject().value(QStringLiteral("source")).toString(),
             QFileInfo(path).absoluteFilePath());
    const QJsonArray entries = root.value(QStringLiteral("entries")).toArray();
    QCOMPARE(entries.size(), 3);
    const QJsonObject principal = entries[0].toObject();
    QCOMPARE(principal.value(QStringLiteral("code")).toString(), QStringLiteral("N39.0"));
    QCOMPARE(principal.value(QStringLiteral("sequence")).toInt(), 1);
    QCOMPARE(principal.value(QStringLiteral("role")).toString(), QStringLiteral("principal"));
    QCOMPARE(principal.value(QStringLiteral("poa")).toString(), QStringLiteral("W"));
    QCOMPARE(principal.value(QStringLiteral("decision")).toString(), QStringLiteral("added"));
    QVERIFY(principal.value(QStringLiteral("confidence")).isNull());
    QVERIFY(principal.value(QStringLiteral("description")).toString().contains(QStringLiteral("rinary")));
    const QJsonObject secondary = entries[1].toObject();
    QCOMPARE(secondary.value(QStringLiteral("code")).toString(), first);
    QCOMPARE(secondary.value(QStringLiteral("role")).toString(), QStringLiteral("secondary"));
    QCOMPARE(secondary.value(QStringLiteral("decision")).toString(), QStringLiteral("accepted"));
    QCOMPARE(secondary.value(QStringLiteral("model_version")).toString(), QStringLiteral("test-1"));
    const int firstRow = window.suggestionPanel()->model()->rowForCode(first);
    const fc::Suggestion& firstSuggestion = window.suggestionPanel()->model()->suggestion(firstRow);
    QCOMPARE(secondary.value(QStringLiteral("confidence")).toDouble(), firstSuggestion.score);
    const QJsonArray evidence = secondary.value(QStringLiteral("evidence")).toArray();
    QCOMPARE(evidence.size(), qsizetype(firstSuggestion.evidence.size()));
    QCOMPARE(evidence[0].toObject().value(QStringLiteral("begin")).toInteger(),
             firstSuggestion.evidence[0].begin);
    QCOMPARE(entries[2].toObject().value(QStringLiteral("code")).toString(), second);

    const QString csvPath = m_dir.filePath(QStringLiteral("chart.csv"));
    exporter->setFormat(fc::ExportFormat::Csv);
    exporter->exportToFile(csvPath);
    QVERIFY(exported.wait(10000));
    QVERIFY(exported.at(1).at(0).toBool());
    QFile csv(csvPath);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QStringList> records = parseCsv(QString::fromUtf8(csv.readAll()));
    QCOMPARE(records.size(), 4);
    const QStringList header = records[0];
    const auto field = [&](int record, const char* name) {
        return records[record][header.indexOf(QLatin1String(name))];
    };
    QCOMPARE(field(1, "code"), QStringLiteral("N39.0"));
    QCOMPARE(field(1, "sequence"), QStringLiteral("1"));
    QCOMPARE(field(1, "role"), QStringLiteral("principal"));
    QCOMPARE(field(1, "poa"), QStringLiteral("W"));
    QCOMPARE(field(1, "decision"), QStringLiteral("added"));
    QCOMPARE(field(1, "confidence"), QString());
    QCOMPARE(field(2, "code"), first);
    QCOMPARE(field(2, "system"), firstSuggestion.system);
    QCOMPARE(field(2, "evidence").split(QLatin1Char(';')).size(), qsizetype(firstSuggestion.evidence.size()));
    QCOMPARE(field(3, "code"), second);
    QCOMPARE(field(3, "role"), QStringLiteral("secondary"));
    exporter->close();

    // Import: on the same note in a fresh database, the export restores the coded chart.
    MainWindow other;
    QVERIFY(other.openDatabase(m_dir.filePath(QStringLiteral("import.sqlite"))));
    QCOMPARE(loadModel(other), QString());
    QSignalSpy otherFinished(&other, &MainWindow::analysisFinished);
    other.setNote(kNote, QStringLiteral("pasted"));
    QVERIFY(otherFinished.wait(30000));
    QString error;
    QVERIFY2(other.importDecisions(jsonPath, &error), qPrintable(error));
    QCOMPARE(other.chartPanel()->model()->rowCount(), 3);
    QCOMPARE(other.chartPanel()->model()->entries()[0].code, QStringLiteral("N39.0"));
    QCOMPARE(other.chartPanel()->model()->entries()[0].poa, QStringLiteral("W"));
    QCOMPARE(byCode(storedDecisions(other))["N39.0"].sequence, 1);
    // An export of another note is refused.
    other.setNote(QStringLiteral("Paciente con fiebre."), QStringLiteral("pasted"));
    QVERIFY(otherFinished.wait(30000));
    QVERIFY(!other.importDecisions(csvPath, &error));
    QVERIFY(error.contains(QStringLiteral("another note")));
}

void TstMainWindow::worklistStatusesAreStored() {
    QTemporaryDir folder;
    QVERIFY(folder.isValid());
    for (const char* name : {"chart1.txt", "chart2.txt"}) {
        QFile file(folder.filePath(QString::fromLatin1(name)));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("Paciente con fiebre y dolor abdominal. ") + name);
    }
    const QString database = m_dir.filePath(QStringLiteral("worklist.sqlite"));
    {
        MainWindow window;
        QVERIFY(window.openDatabase(database));
        QCOMPARE(loadModel(window), QString());
        QSignalSpy finished(&window, &MainWindow::analysisFinished);
        QVERIFY(window.openWorklist(folder.path()));
        QVERIFY(finished.wait(30000));
        fc::ui::WorklistModel* worklist = window.worklistPanel()->model();
        QCOMPARE(worklist->rowCount(), 2);
        QTRY_VERIFY(!worklist->key(1).isEmpty()); // keys are computed in the background
        QCOMPARE(worklist->status(0), fc::ui::ChartStatus::InProgress);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTest::keyClick(window.suggestionPanel()->view(), Qt::Key_D,
                        Qt::ControlModifier); // done and next chart
        QVERIFY(finished.wait(30000));
        QCOMPARE(worklist->status(0), fc::ui::ChartStatus::Done);
        QCOMPARE(worklist->status(1), fc::ui::ChartStatus::InProgress);
        QVERIFY(window.noteEditor()->noteText().endsWith(QStringLiteral("chart2.txt")));
        QVERIFY(window.previousChart());
        QVERIFY(finished.wait(30000));
        QVERIFY(window.noteEditor()->noteText().endsWith(QStringLiteral("chart1.txt")));
    }
    MainWindow reopened;
    QVERIFY(reopened.openDatabase(database));
    QVERIFY(reopened.openWorklist(folder.path()));
    QTRY_COMPARE(reopened.worklistPanel()->model()->status(0), fc::ui::ChartStatus::Done);
    QCOMPARE(reopened.worklistPanel()->model()->status(1), fc::ui::ChartStatus::InProgress);
}

void TstMainWindow::helpOverlayListsShortcuts() {
    MainWindow window;
    window.resize(900, 600);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    fc::ui::ShortcutOverlay* overlay = window.shortcutOverlay();
    QVERIFY(!overlay->isVisible());
    QTest::keyClick(&window, Qt::Key_F1);
    QVERIFY(overlay->isVisible());
    const QStringList lines = overlay->lines();
    QVERIFY(lines.contains(QStringLiteral("A\tAccept")));
    QVERIFY(lines.contains(QStringLiteral("R\tReject")));
    QVERIFY(lines.contains(QStringLiteral("Ctrl+Z\tUndo decision")));
    QVERIFY(lines.contains(QStringLiteral("Ctrl+K\tAdd code")));
    QVERIFY(lines.contains(QStringLiteral("Ctrl+Up\tMove code up")));
    QTest::keyClick(overlay, Qt::Key_Escape);
    QVERIFY(!overlay->isVisible());
}

// At the default window size (1400x850, as gui_main.cpp opens it) the coded chart's #, Role, Code and POA
// columns hold their widest content in the bold font of the principal row: nothing is elided.
void TstMainWindow::codedChartColumnsReadable() {
    MainWindow window;
    window.resize(1400, 850);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(loadModel(window), QString());
    QVERIFY(analyse(window, kNote));
    window.selectCode(QStringLiteral("I10"));
    window.acceptCurrent();
    window.selectCode(QStringLiteral("R50.9"));
    window.acceptCurrent();
    window.addCode(QStringLiteral("0FT44ZZ"), QStringLiteral("icd-10-pcs")); // a seven-character procedure
    QTableView* chart = window.chartPanel()->view();
    QCOMPARE(chart->model()->rowCount(), 3);
    QApplication::processEvents();
    QFont bold = chart->font();
    bold.setBold(true);
    const QFontMetrics metrics(bold);
    for (int row = 0; row < chart->model()->rowCount(); ++row) {
        for (const int column :
             {int(fc::ui::CodingListModel::SequenceColumn), int(fc::ui::CodingListModel::RoleColumn),
              int(fc::ui::CodingListModel::CodeColumn)}) {
            const QString text = chart->model()->index(row, column).data().toString();
            QVERIFY2(chart->columnWidth(column) > metrics.horizontalAdvance(text) + 6,
                     qPrintable(QStringLiteral("%1 (%2 px) in %3 px")
                                    .arg(text)
                                    .arg(metrics.horizontalAdvance(text))
                                    .arg(chart->columnWidth(column))));
        }
    }
    // The description column gets the rest and is visible too.
    QVERIFY(chart->columnWidth(fc::ui::CodingListModel::DescriptionColumn) > 150);
    fc::testing::saveScreenshot(window, "main-window-coded.png");
}

void TstMainWindow::acceptAllAboveThresholdIsOneUndo() {
    MainWindow window;
    window.resize(1000, 600);
    QVERIFY(window.openDatabase(m_dir.filePath(QStringLiteral("accept-all.sqlite"))));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(loadModel(window), QString());
    QVERIFY(analyse(window, kNote));
    QTableView* view = window.suggestionPanel()->view();
    view->setFocus();
    window.selectCode(QStringLiteral("I10"));
    QTest::keyClick(view, Qt::Key_R); // a rejected code stays rejected
    QTest::keyClick(view, Qt::Key_A, Qt::ShiftModifier);
    // The test model's threshold is 0.0001: every other label is above it.
    QCOMPARE(window.chartPanel()->model()->rowCount(), int(m_labels.size()) - 1);
    QCOMPARE(storedDecisions(window).size(), m_labels.size());
    QVERIFY(window.undo()); // one undo takes back the whole group
    QCOMPARE(window.chartPanel()->model()->rowCount(), 0);
    const auto stored = byCode(storedDecisions(window));
    QCOMPARE(stored.size(), size_t(1));
    QCOMPARE(stored.begin()->first, std::string("I10"));
}

// Learn -> activate does what loading does (threshold, banner, re-analysis), and a restart on the same
// database opens the activated version and brings the decisions back.
void TstMainWindow::activationReanalysesAndSurvivesRestart() {
    const QString database = m_dir.filePath(QStringLiteral("restart.sqlite"));
    qint64 versionId = 0;
    {
        fc::ModelConfig config;
        config.name = "UI test model, tuned";
        config.version = "test-2";
        config.threshold = 0.0002f;
        config.labels = m_labels;
        config.options.embeddingDim = 8;
        config.options.filterSizes = {3, 5};
        config.options.filterMaps = 4;
        config.options.heads = 2;
        config.options.ffnDim = 16;
        config.options.maxTokens = 64;
        fc::createModel(config, {"dolor", "fiebre"}, 11,
                        m_dir.filePath(QStringLiteral("tuned.staging")).toStdString());
        fc::storage::Database db(database.toStdString());
        fc::storage::ModelVersionRecord record;
        record.name = "tuned";
        record.path = m_dir.filePath(QStringLiteral("tuned.staging")).toStdString();
        versionId = fc::storage::ModelVersionRepository(db).add(record);
    }
    {
        MainWindow window;
        QVERIFY(window.openDatabase(database));
        window.show();
        QCOMPARE(loadModel(window), QString());
        QVERIFY(analyse(window, kNote));
        window.selectCode(QStringLiteral("R50.9"));
        window.acceptCurrent();
        QSignalSpy reanalysed(&window, &MainWindow::analysisFinished);
        QSignalSpy loaded(&window, &MainWindow::modelLoadFinished);
        QVERIFY(window.session()->activateVersion(versionId));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        QVERIFY(loaded.first().at(0).toBool());
        QTRY_COMPARE_WITH_TIMEOUT(reanalysed.count(), 1, 30000); // the note, analysed again by the new model
        QCOMPARE(window.session()->liveModel().info.version, std::string("test-2"));
        QCOMPARE(window.suggestionPanel()->modelThreshold(), double(0.0002f));
        for (fc::ui::Banner* banner : window.findChildren<fc::ui::Banner*>())
            QVERIFY(!banner->message().contains(QStringLiteral("Placeholder"))); // not a placeholder
        QCOMPARE(statusOf(window.suggestionPanel()->view(),
                          window.suggestionPanel()
                              ->proxy()
                              ->mapFromSource(window.suggestionPanel()->model()->index(
                                  window.suggestionPanel()->model()->rowForCode(QStringLiteral("R50.9")), 0))
                              .row()),
                 QStringLiteral("accepted"));
    } // quit
    MainWindow again;
    QVERIFY(again.openDatabase(database));
    again.show();
    QCOMPARE(loadModel(again), QString()); // asks for the test model; the active version wins
    QCOMPARE(again.session()->liveModel().info.version, std::string("test-2"));
    QCOMPARE(again.session()->liveModel().versionId, versionId);
    QVERIFY(analyse(again, kNote));
    QCOMPARE(again.chartPanel()->model()->rowCount(), 1);
    QCOMPARE(again.chartPanel()->model()->entries()[0].code, QStringLiteral("R50.9"));
}

void TstMainWindow::blindFirstPassHidesThenCompares() {
    MainWindow window;
    window.resize(1000, 600);
    window.setBlindFirstPass(true);
    window.show();
    QCOMPARE(loadModel(window), QString());
    QVERIFY(analyse(window, kNote));
    QVERIFY(window.suggestionPanel()->isBlind());
    QVERIFY(!window.suggestionPanel()->view()->isVisible());
    QVERIFY(window.noteEditor()->extraSelections().isEmpty()); // no evidence highlighted
    // The code search does not rank by the model's scores during the pass.
    window.addCode(QStringLiteral("R50.9"), QStringLiteral("icd-10-cm"));
    QCOMPARE(window.chartPanel()->model()->rowCount(), 1);
    window.revealSuggestions();
    QVERIFY(!window.suggestionPanel()->isBlind());
    QVERIFY(window.suggestionPanel()->view()->isVisible());
    QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("1 in common")));
    window.setBlindFirstPass(false);
}

void TstMainWindow::worklistOrdersByUncertainty() {
    QTemporaryDir folder;
    for (const QString& name : {QStringLiteral("a.txt"), QStringLiteral("b.txt"), QStringLiteral("c.txt")}) {
        QFile file(folder.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(name == QLatin1String("b.txt") ? "fiebre dolor abdominal"
                                                  : "hipertensión arterial y náuseas");
    }
    MainWindow window;
    window.show();
    QCOMPARE(loadModel(window), QString());
    QVERIFY(window.openWorklist(folder.path()));
    fc::ui::WorklistModel* worklist = window.worklistPanel()->model();
    QSignalSpy scored(window.worklistPanel(), &fc::ui::WorklistPanel::uncertaintyScored);
    window.worklistPanel()->orderByUncertainty(window.session()->uncertaintyScorer());
    QVERIFY(scored.wait(30000));
    QVERIFY(worklist->isUncertaintyOrder());
    for (int row = 1; row < worklist->rowCount(); ++row)
        QVERIFY(worklist->margin(row - 1) <= worklist->margin(row));
    // The chart shown keeps being the current one after the reorder.
    QCOMPARE(worklist->path(window.worklistPanel()->view()->currentIndex().row()),
             folder.filePath(QStringLiteral("a.txt")));
    worklist->setUncertaintyOrder(false);
    QCOMPARE(QFileInfo(worklist->path(0)).fileName(), QStringLiteral("a.txt"));
}

// Settings -> a different model: the same swap path as activation (no restart), and the note is analysed again.
void TstMainWindow::settingsSwapTheModelLive() {
    fc::ModelConfig config;
    config.name = "UI test model, other";
    config.version = "test-3";
    config.threshold = 0.0003f;
    config.labels = m_labels;
    config.options.embeddingDim = 8;
    config.options.filterSizes = {3, 5};
    config.options.filterMaps = 4;
    config.options.heads = 2;
    config.options.ffnDim = 16;
    config.options.maxTokens = 64;
    const QString other = m_dir.filePath(QStringLiteral("other-model"));
    fc::createModel(config, {"dolor", "fiebre"}, 5, other.toStdString());
    MainWindow window;
    window.show();
    QCOMPARE(loadModel(window), QString());
    QVERIFY(analyse(window, kNote));
    QSignalSpy loaded(&window, &MainWindow::modelLoadFinished);
    QSignalSpy reanalysed(&window, &MainWindow::analysisFinished);
    fc::ui::AppSettings settings;
    settings.model = other;
    settings.threads = 1;
    window.applySettings(settings);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    QVERIFY(loaded.first().at(0).toBool());
    QCOMPARE(window.session()->liveModel().info.version, std::string("test-3"));
    QTRY_COMPARE_WITH_TIMEOUT(reanalysed.count(), 1, 30000);
}

QTEST_MAIN(TstMainWindow)
#include "tst_mainwindow.moc"
