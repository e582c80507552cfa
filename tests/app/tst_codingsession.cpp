// CodingSession: one coding session end to end without a display. Analyse -> decide -> quit -> start again on
// the same database: the decisions and the activated model version are back. Also: a damaged active version
// falls back to the configured model, undo restores and stores the previous state, and rollback goes
// through the same swap path.
#include "codingsession.h"

#include "codecatalog.h"
#include "decisionservice.h"
#include "modelmanager.h"

#include "fc/model/modelfiles.h"
#include "fc/storage/database.h"
#include "fc/storage/model_repositories.h"
#include "fc/storage/repositories.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

using namespace fc;

namespace {

const QString kNote = QStringLiteral("Fiebre y dolor abdominal; antecedentes de hipertensión arterial.");

void tinyModel(const QString& dir, const std::string& version) {
    ModelConfig config;
    config.name = "session test model";
    config.version = version;
    config.threshold = 0.0001f; // every label is suggested, whatever the random weights say
    config.placeholder = true;
    config.options.embeddingDim = 8;
    config.options.filterSizes = {3, 5};
    config.options.filterMaps = 4;
    config.options.heads = 2;
    config.options.ffnDim = 16;
    config.options.maxTokens = 64;
    config.labels = {"I10", "R50.9", "R10.9"};
    createModel(config, {"fiebre", "dolor", "abdominal", "hipertensión", "arterial"}, 1, dir.toStdString());
}

// Waits for the session's model to be live; returns it.
LiveModel waitForModel(CodingSession& session, QSignalSpy& changed, QSignalSpy& failed) {
    if (!QTest::qWaitFor([&]() { return changed.count() + failed.count() > 0; }, 20000))
        qFatal("no model after 20 s");
    if (!failed.isEmpty())
        qFatal("model load failed: %s", qPrintable(failed.first().at(0).toString()));
    return session.liveModel();
}

NoteAnalysis analyse(CodingSession& session, const QString& text) {
    QSignalSpy analysed(&session, &CodingSession::analysed);
    QSignalSpy failed(&session, &CodingSession::analysisFailed);
    session.analyse(text);
    if (!QTest::qWaitFor([&]() { return analysed.count() + failed.count() > 0; }, 20000))
        qFatal("no analysis after 20 s");
    if (!failed.isEmpty())
        qFatal("analysis failed: %s", qPrintable(failed.first().at(0).toString()));
    return analysed.first().at(0).value<NoteAnalysis>();
}

} // namespace

class TstCodingSession : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void sessionSurvivesRestart();
    void damagedActiveVersionFallsBack();
    void undoRestoresAndStores();
    void rollbackUsesTheSwapPath();
    void oneActionIsOneTransaction();
    void longNoteReportsProgressAndCancels();
    void unknownWordsGetNoSuggestions();
    void fastModeReloadsTheSameModel();

private:
    qint64 registerVersion(const QString& database, const QString& name, const std::string& version,
                           qint64 parent = 0);

    QTemporaryDir m_dir;
    QString m_base;
};

void TstCodingSession::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_base = m_dir.filePath(QStringLiteral("base"));
    tinyModel(m_base, "base-1");
}

qint64 TstCodingSession::registerVersion(const QString& database, const QString& name,
                                         const std::string& version, qint64 parent) {
    storage::Database db(database.toStdString());
    ModelManager manager(db, 1);
    const QString staging = m_dir.filePath(name + QStringLiteral(".staging"));
    tinyModel(staging, version);
    storage::ModelVersionRecord record;
    record.name = name.toStdString();
    record.parentId = parent;
    return manager.registerVersion(staging, m_dir.filePath(name), record);
}

void TstCodingSession::sessionSurvivesRestart() {
    const QString database = m_dir.filePath(QStringLiteral("restart.sqlite"));
    qint64 tunedId = 0;
    QString accepted, added;
    {
        CodingSession session;
        QVERIFY(session.openDatabase(database));
        tunedId = registerVersion(database, QStringLiteral("tuned"), "tuned-2");
        QSignalSpy changed(&session, &CodingSession::modelChanged);
        QSignalSpy failed(&session, &CodingSession::modelLoadFailed);
        session.start(m_base, 1);
        QCOMPARE(waitForModel(session, changed, failed).info.version, std::string("base-1"));

        // Activation goes through the swap path: the version is live and marked active once it loaded.
        changed.clear();
        QVERIFY(session.activateVersion(tunedId));
        const LiveModel live = waitForModel(session, changed, failed);
        QCOMPARE(live.info.version, std::string("tuned-2"));
        QCOMPARE(live.versionId, tunedId);
        QVERIFY(live.catalog == nullptr || !live.catalog->systems().isEmpty());
        QCOMPARE(session.activeVersion()->id, tunedId);

        session.newNote(QStringLiteral("pasted"));
        NoteAnalysis analysis = analyse(session, kNote);
        QCOMPARE(analysis.suggestions.size(), std::size_t{3});
        QVERIFY(analysis.decisions.isEmpty());
        accepted = analysis.suggestions.front().code;
        added = QStringLiteral("J18.9");
        DecisionSnapshot decided;
        decided.insert(accepted, {accepted, QStringLiteral("icd-10-cm"), SuggestionStatus::Accepted, 1, "Y"});
        decided.insert(added, {added, QStringLiteral("icd-10-cm"), SuggestionStatus::Added, 2, {}});
        const QString rejected = analysis.suggestions.back().code;
        decided.insert(rejected, {rejected, QStringLiteral("icd-10-cm"), SuggestionStatus::Rejected, 0, {}});
        session.commit(QStringLiteral("decide"), decided);
        QCOMPARE(session.storedDecisions(), decided);
    } // quit

    CodingSession again;
    QVERIFY(again.openDatabase(database));
    QSignalSpy changed(&again, &CodingSession::modelChanged);
    QSignalSpy failed(&again, &CodingSession::modelLoadFailed);
    again.start(m_base, 1); // the configured model is the base one; the active version wins
    const LiveModel live = waitForModel(again, changed, failed);
    QCOMPARE(live.info.version, std::string("tuned-2"));
    QCOMPARE(live.versionId, tunedId);
    QVERIFY(live.notice.isEmpty());

    again.newNote(QStringLiteral("pasted"));
    const NoteAnalysis reopened = analyse(again, kNote);
    QCOMPARE(reopened.decisions.size(), 3);
    QCOMPARE(reopened.decisions.value(accepted).status, SuggestionStatus::Accepted);
    QCOMPARE(reopened.decisions.value(accepted).sequence, 1);
    QCOMPARE(reopened.decisions.value(accepted).poa, QStringLiteral("Y"));
    QCOMPARE(reopened.decisions.value(added).status, SuggestionStatus::Added);
    const std::optional<CodedChart> chart = again.currentChart();
    QVERIFY(chart);
    QCOMPARE(chart->entries.size(), 2); // accepted and added; the rejected code is not exported
}

void TstCodingSession::damagedActiveVersionFallsBack() {
    const QString database = m_dir.filePath(QStringLiteral("damaged.sqlite"));
    const qint64 id = registerVersion(database, QStringLiteral("damaged"), "damaged-2");
    storage::Database db(database.toStdString());
    storage::ModelVersionRepository(db).activate(id);
    QFile::remove(QDir(m_dir.filePath(QStringLiteral("damaged"))).filePath(QStringLiteral("model.json")));

    CodingSession session;
    QVERIFY(session.openDatabase(database));
    QSignalSpy changed(&session, &CodingSession::modelChanged);
    QSignalSpy failed(&session, &CodingSession::modelLoadFailed);
    session.start(m_base, 1);
    const LiveModel live = waitForModel(session, changed, failed);
    QCOMPARE(live.info.version, std::string("base-1"));
    QVERIFY2(live.notice.contains(QStringLiteral("could not be loaded")), qPrintable(live.notice));
}

void TstCodingSession::undoRestoresAndStores() {
    const QString database = m_dir.filePath(QStringLiteral("undo.sqlite"));
    CodingSession session;
    QVERIFY(session.openDatabase(database));
    QSignalSpy changed(&session, &CodingSession::modelChanged);
    QSignalSpy failed(&session, &CodingSession::modelLoadFailed);
    session.start(m_base, 1);
    waitForModel(session, changed, failed);
    session.newNote(QStringLiteral("pasted"));
    const NoteAnalysis analysis = analyse(session, kNote);
    const QString code = analysis.suggestions.front().code;
    DecisionSnapshot one;
    one.insert(code, {code, QStringLiteral("icd-10-cm"), SuggestionStatus::Accepted, 1, {}});
    session.commit(QStringLiteral("accept"), one);
    QVERIFY(session.undoStack()->canUndo());
    session.commit(QStringLiteral("nothing"), one); // no difference: no undo step
    QCOMPARE(session.undoStack()->count(), 1);
    const std::optional<DecisionSnapshot> previous = session.undo();
    QVERIFY(previous);
    QVERIFY(previous->isEmpty());
    QVERIFY(!session.undo());

    storage::Database db(database.toStdString());
    QVERIFY(storage::DecisionRepository(db).currentForNote(session.noteId()).empty());
    const auto history = storage::DecisionRepository(db).historyForNote(session.noteId());
    QCOMPARE(history.size(), std::size_t{2}); // the accept, then the undo stored as a new decision
    QVERIFY(history.back().kind == storage::DecisionKind::Removed);
}

void TstCodingSession::rollbackUsesTheSwapPath() {
    const QString database = m_dir.filePath(QStringLiteral("rollback.sqlite"));
    const qint64 parent = registerVersion(database, QStringLiteral("parent"), "parent-1");
    const qint64 child = registerVersion(database, QStringLiteral("child"), "child-2", parent);
    CodingSession session;
    QVERIFY(session.openDatabase(database));
    QSignalSpy changed(&session, &CodingSession::modelChanged);
    QSignalSpy failed(&session, &CodingSession::modelLoadFailed);
    session.start(m_base, 1);
    waitForModel(session, changed, failed);
    QString error;
    QVERIFY(!session.rollback(&error)); // nothing active yet
    changed.clear();
    QVERIFY(session.activateVersion(child));
    QCOMPARE(waitForModel(session, changed, failed).info.version, std::string("child-2"));
    changed.clear();
    QVERIFY2(session.rollback(&error), qPrintable(error));
    QCOMPARE(waitForModel(session, changed, failed).info.version, std::string("parent-1"));
    QCOMPARE(session.activeVersion()->id, parent);
    QCOMPARE(session.modelVersions().size(), std::size_t{2});
}

// Accept-all stores its decisions together or not at all: a decision the schema refuses (POA "X") rolls back
// Settings -> fast mode: the live model is loaded again, same directory and version, in bfloat16 where the
// CPU computes it natively; elsewhere it stays exact (the window's status bar says why; issue #14).
void TstCodingSession::fastModeReloadsTheSameModel() {
    qunsetenv("FC_FAST_MODE");
    CodingSession session;
    QSignalSpy changed(&session, &CodingSession::modelChanged);
    QSignalSpy failed(&session, &CodingSession::modelLoadFailed);
    session.start(m_base, 1);
    const LiveModel exact = waitForModel(session, changed, failed);
    QVERIFY(!exact.fast);
    const auto before = analyse(session, kNote);

    const bool native = __builtin_cpu_supports("avx512bf16") || __builtin_cpu_supports("amx-bf16");
    changed.clear();
    session.setFastMode(true);
    session.reloadModel();
    const LiveModel fast = waitForModel(session, changed, failed);
    QCOMPARE(fast.info.directory, exact.info.directory);
    QCOMPARE(fast.info.version, exact.info.version);
    QCOMPARE(fast.fast, native);
    QVERIFY(session.fastMode());
    const auto after = analyse(session, kNote);
    QCOMPARE(after.suggestions.size(), before.suggestions.size());

    // Forced bfloat16 (FC_FAST_MODE=force, whatever the CPU) is what the live model then reports.
    qputenv("FC_FAST_MODE", "force");
    changed.clear();
    session.reloadModel();
    QVERIFY(waitForModel(session, changed, failed).fast);
    qunsetenv("FC_FAST_MODE");
    changed.clear();
    session.setFastMode(false);
    session.reloadModel();
    QVERIFY(!waitForModel(session, changed, failed).fast);
}

// the others of the same action.
void TstCodingSession::oneActionIsOneTransaction() {
    const QString database = m_dir.filePath(QStringLiteral("atomic.sqlite"));
    DecisionService service(database);
    QVERIFY(service.openNote(kNote, QStringLiteral("test")) > 0);
    QSignalSpy failed(&service, &DecisionService::failed);
    std::vector<storage::DecisionRecord> decisions(3);
    const char* codes[] = {"I10", "R50.9", "R10.9"};
    for (std::size_t i = 0; i < decisions.size(); ++i) {
        decisions[i].code = codes[i];
        decisions[i].system = "icd-10-cm";
        decisions[i].kind = storage::DecisionKind::Accepted;
    }
    decisions[2].poa = "X";
    QVERIFY(!service.decideAll(decisions));
    QCOMPARE(failed.count(), 1);
    QCOMPARE(service.decisionCount(), std::int64_t{0});
    decisions[2].poa = "Y";
    QVERIFY(service.decideAll(decisions));
    QCOMPARE(service.decisionCount(), std::int64_t{3});
}

QTEST_GUILESS_MAIN(TstCodingSession)
// A note of many model windows (64 tokens each here) reports its windows as it goes, and Esc's cancel stops
// it: no analysis arrives, no failure is reported, and the session is idle again.
void TstCodingSession::longNoteReportsProgressAndCancels() {
    CodingSession session;
    QSignalSpy changed(&session, &CodingSession::modelChanged);
    QSignalSpy failed(&session, &CodingSession::modelLoadFailed);
    session.start(m_base, 1);
    waitForModel(session, changed, failed);
    QString longNote;
    for (int i = 0; i < 40000; ++i) // 200,000 tokens: 3,125 windows
        longNote += QStringLiteral("fiebre dolor abdominal hipertensión arterial ");
    QSignalSpy progress(&session, &CodingSession::progress);
    QSignalSpy analysed(&session, &CodingSession::analysed);
    QSignalSpy analysisFailed(&session, &CodingSession::analysisFailed);
    session.analyse(longNote);
    QVERIFY(QTest::qWaitFor(
        [&]() {
            for (const auto& args : progress)
                if (args.at(1).toInt() > 1 && args.at(0).toInt() > 0)
                    return true;
            return analysed.count() > 0;
        },
        20000));
    QVERIFY2(analysed.isEmpty(), "the long note finished before it could be cancelled");
    int total = 0;
    for (const auto& args : progress)
        total = std::max(total, args.at(1).toInt());
    QCOMPARE(total, 3125);
    session.cancelAnalysis();
    QVERIFY(QTest::qWaitFor([&]() { return !session.isAnalysing(); }, 20000));
    QTest::qWait(50); // let the finished signal be delivered
    QVERIFY(analysed.isEmpty());
    QVERIFY(analysisFailed.isEmpty());
}

void TstCodingSession::unknownWordsGetNoSuggestions() {
    CodingSession session;
    QSignalSpy changed(&session, &CodingSession::modelChanged);
    QSignalSpy failed(&session, &CodingSession::modelLoadFailed);
    session.start(m_base, 1);
    waitForModel(session, changed, failed);
    const NoteAnalysis unknown = analyse(session, QStringLiteral("zzz qqq 12345"));
    QVERIFY(unknown.insufficientText);
    QVERIFY(unknown.suggestions.empty());
    const NoteAnalysis known = analyse(session, kNote);
    QVERIFY(!known.insufficientText);
    QCOMPARE(known.suggestions.size(), std::size_t{3});
}

#include "tst_codingsession.moc"
