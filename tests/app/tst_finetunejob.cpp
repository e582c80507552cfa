// FineTuneJob: the whole Learn pipeline on a tiny random model and a temporary database of decisions:
// the run row, the registered version (parent = the base registered on the way), no staging left behind,
// and a cancelled run registers nothing.
#include "../support/tiny_fusion.h"
#include "finetunejob.h"

#include "fc/model/dataset.h"
#include "fc/model/modelfiles.h"
#include "fc/model/training.h"
#include "fc/storage/database.h"
#include "fc/storage/model_repositories.h"
#include "fc/storage/repositories.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace fc;

namespace {

// A base trained for two epochs on 24 notes (ALPHA iff "alpha", BETA iff "beta"): the pipeline, not the
// learning, is under test here (tst_finetune covers that).
void tinyModel(const QString& dir) {
    std::vector<Document> docs;
    for (int i = 0; i < 24; ++i) {
        Document doc;
        doc.id = "t" + std::to_string(i);
        doc.text = "patient note with delta";
        if (i % 2 == 0) {
            doc.text += " alpha";
            doc.codes.push_back("ALPHA");
        }
        if (i % 3 != 0) {
            doc.text += " beta";
            doc.codes.push_back("BETA");
        }
        docs.push_back(doc);
    }
    fc::train(fc::testing::tinyFusionOptions(), docs, docs, dir.toStdString());
}

// Twelve reviewed notes: ALPHA accepted when the note says "alpha" and rejected otherwise, BETA the other
// way round, and a new code DELTA added by hand when it says "delta".
void seedDecisions(const QString& dbPath) {
    storage::Database db(dbPath.toStdString());
    storage::NoteRepository notes(db);
    storage::DecisionRepository decisions(db);
    for (int i = 0; i < 12; ++i) {
        std::string text = "patient note " + std::to_string(i);
        if (i % 2 == 0)
            text += " alpha";
        if (i % 3 == 0)
            text += " delta";
        const auto noteId = notes.upsert(text, "test");
        const auto decide = [&](const char* code, storage::DecisionKind kind) {
            storage::DecisionRecord d;
            d.noteId = noteId;
            d.code = code;
            d.system = "unknown";
            d.kind = kind;
            decisions.record(d);
        };
        decide("ALPHA", i % 2 == 0 ? storage::DecisionKind::Accepted : storage::DecisionKind::Rejected);
        decide("BETA", i % 2 == 1 ? storage::DecisionKind::Accepted : storage::DecisionKind::Rejected);
        if (i % 3 == 0)
            decide("DELTA", storage::DecisionKind::Added);
    }
}

} // namespace

class TstFineTuneJob : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void registersVersionAndRecordsRun();
    void cancelRegistersNothing();
    void noFeedbackFails();
    void interruptedRunsAreRecovered();

private:
    FineTuneJobSettings settings(const QString& dbName) const;
    QTemporaryDir m_dir;
};

void TstFineTuneJob::initTestCase() {
    QVERIFY(m_dir.isValid());
    tinyModel(m_dir.filePath("base"));
}

FineTuneJobSettings TstFineTuneJob::settings(const QString& dbName) const {
    FineTuneJobSettings s;
    s.databasePath = m_dir.filePath(dbName);
    s.baseModelDir = m_dir.filePath("base");
    s.versionsDir = m_dir.filePath("versions-" + dbName);
    s.options.epochs = 2;
    s.options.threads = 1;
    s.gate.threads = 1;
    return s;
}

void TstFineTuneJob::registersVersionAndRecordsRun() {
    QElapsedTimer timer;
    timer.start();
    const FineTuneJobSettings s = settings("ok.db");
    seedDecisions(s.databasePath);
    FineTuneJob job;
    QSignalSpy progress(&job, &FineTuneJob::progress);
    QSignalSpy finished(&job, &FineTuneJob::finished);
    QSignalSpy failed(&job, &FineTuneJob::failed);
    QVERIFY(job.start(s));
    QVERIFY(!job.start(s)); // one run at a time
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() > 0, 20000);
    if (!failed.isEmpty())
        QFAIL(qPrintable(failed.first().at(0).toString()));
    QVERIFY(progress.count() > 0);
    const auto last = progress.last().at(0).value<FineTuneJobProgress>();
    QCOMPARE(last.fraction, 1.0);
    bool sawTraining = false;
    for (const auto& args : progress)
        sawTraining = sawTraining || args.at(0).value<FineTuneJobProgress>().phase == QLatin1String("train");
    QVERIFY(sawTraining);

    const auto result = finished.first().at(0).value<FineTuneJobResult>();
    QVERIFY(!result.cancelled);
    QVERIFY(result.newVersionId > 0);
    QCOMPARE(result.fineTuneNotes + result.heldOutNotes, std::size_t{12});
    QVERIFY(result.heldOutNotes > 0);
    QCOMPARE(result.fineTune.labelsAdded, std::vector<std::string>{"DELTA"});
    QCOMPARE(result.gatePassed, result.comparison.acceptable);
    QVERIFY(result.comparisonJson.contains(QLatin1String("\"code_changes\"")));

    storage::Database db(s.databasePath.toStdString());
    const auto versions = storage::ModelVersionRepository(db).all();
    QCOMPARE(versions.size(), std::size_t{2});
    QCOMPARE(versions[0].id, result.baseVersionId);
    QVERIFY(versions[0].active); // the base was the only, hence active, version
    QCOMPARE(versions[1].id, result.newVersionId);
    QCOMPARE(versions[1].parentId, result.baseVersionId);
    QVERIFY(!versions[1].active);
    QCOMPARE(QString::fromStdString(versions[1].metricsJson), result.comparisonJson);
    QCOMPARE(readModelConfig(versions[1].path).labels, (std::vector<std::string>{"ALPHA", "BETA", "DELTA"}));

    const auto run = storage::FineTuneRunRepository(db).find(result.runId);
    QVERIFY(run.has_value());
    QCOMPARE(storage::toString(run->status), std::string("succeeded"));
    QCOMPARE(run->modelVersionId, result.baseVersionId);
    QCOMPARE(run->outputModelVersionId, result.newVersionId);
    QVERIFY(!run->finishedAt.empty());
    QVERIFY(QString::fromStdString(run->log).contains(QLatin1String("registered version")));
    QVERIFY(QString::fromStdString(run->settingsJson).contains(QLatin1String("\"epochs\":2")));

    const QStringList left = QDir(s.versionsDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
    QCOMPARE(left, QStringList{QStringLiteral("ft-%1").arg(result.runId)});
    qInfo("pipeline took %lld ms", static_cast<long long>(timer.elapsed()));
}

void TstFineTuneJob::cancelRegistersNothing() {
    const FineTuneJobSettings s = settings("cancel.db");
    seedDecisions(s.databasePath);
    std::atomic<bool> cancel{true};
    const FineTuneJobResult result = runFineTunePipeline(s, cancel);
    QVERIFY(result.cancelled);
    QCOMPARE(result.newVersionId, 0);
    storage::Database db(s.databasePath.toStdString());
    const auto versions = storage::ModelVersionRepository(db).all();
    QCOMPARE(versions.size(), std::size_t{1}); // only the base
    QCOMPARE(storage::toString(storage::FineTuneRunRepository(db).find(result.runId)->status),
             std::string("cancelled"));
    QVERIFY(QDir(s.versionsDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty());
}

void TstFineTuneJob::noFeedbackFails() {
    const FineTuneJobSettings s = settings("empty.db");
    FineTuneJob job;
    QSignalSpy failed(&job, &FineTuneJob::failed);
    QVERIFY(job.start(s));
    QVERIFY(failed.wait(10000));
    QVERIFY(failed.first().at(0).toString().contains(QLatin1String("no reviewed notes")));
    storage::Database db(s.databasePath.toStdString());
    const auto runs = storage::FineTuneRunRepository(db).all();
    QCOMPARE(runs.size(), std::size_t{1});
    QCOMPARE(storage::toString(runs[0].status), std::string("failed"));
}

// A run left "running" by a killed process of this machine is marked failed by the next run, and its staging
// files go; a run of a live process (this one) or of another machine is left alone.
void TstFineTuneJob::interruptedRunsAreRecovered() {
    const FineTuneJobSettings s = settings("killed.db");
    seedDecisions(s.databasePath);
    QVERIFY(QDir().mkpath(s.versionsDir + "/ft-1.staging"));
    QVERIFY(QDir().mkpath(s.versionsDir + "/.ft-1.staging.tmp-123"));
    QVERIFY(QDir().mkpath(s.versionsDir + "/ft-9.staging")); // not a run's: stays
    const auto settingsOf = [&](const QString& host, qint64 pid) {
        return QStringLiteral("{\"versions_dir\":\"%1\",\"out\":\"\",\"host\":\"%2\",\"pid\":%3}")
            .arg(s.versionsDir, host)
            .arg(pid)
            .toStdString();
    };
    {
        storage::Database db(s.databasePath.toStdString());
        storage::FineTuneRunRepository runs(db);
        storage::FineTuneRunRecord run;
        run.status = storage::FineTuneStatus::Running;
        run.settingsJson = settingsOf(QSysInfo::machineHostName(), 999999999); // above pid_max: dead
        QCOMPARE(runs.create(run), std::int64_t{1});
        run.settingsJson = settingsOf(QSysInfo::machineHostName(), QCoreApplication::applicationPid());
        QCOMPARE(runs.create(run), std::int64_t{2});
        run.settingsJson = settingsOf(QStringLiteral("another-machine.invalid"), 999999999);
        QCOMPARE(runs.create(run), std::int64_t{3});
    }
    std::atomic<bool> cancel{true}; // recovery happens before the run starts; no need to train
    runFineTunePipeline(s, cancel);
    storage::Database db(s.databasePath.toStdString());
    storage::FineTuneRunRepository runs(db);
    QCOMPARE(storage::toString(runs.find(1)->status), std::string("failed"));
    QVERIFY(QString::fromStdString(runs.find(1)->log).contains(QLatin1String("interrupted")));
    QCOMPARE(storage::toString(runs.find(2)->status), std::string("running"));
    QCOMPARE(storage::toString(runs.find(3)->status), std::string("running"));
    const QStringList left = QDir(s.versionsDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
    QCOMPARE(left, QStringList{QStringLiteral("ft-9.staging")});
}

QTEST_GUILESS_MAIN(TstFineTuneJob)
#include "tst_finetunejob.moc"
