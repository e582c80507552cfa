// fusioncoder-cli finetune: a registered, gated version from stored decisions (exit 0, the comparison
// table on stdout), and the bad-input exits (2): an existing --out, a database without reviewed notes.
#include "../support/cli_run.h"
#include "../support/tiny_fusion.h"
#include "fc/model/dataset.h"
#include "fc/model/training.h"
#include "fc/storage/database.h"
#include "fc/storage/model_repositories.h"
#include "fc/storage/repositories.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

using namespace fc;

namespace {

using Run = fc::testing::CliRun;

Run cli(const QStringList& arguments) {
    return fc::testing::runCli(arguments, {}, 60000);
}

// 16 notes: ALPHA iff "alpha", BETA iff "beta".
std::vector<Document> notes() {
    std::vector<Document> docs;
    for (int i = 0; i < 16; ++i) {
        Document doc;
        doc.id = "t" + std::to_string(i);
        doc.text = "patient note " + std::to_string(i);
        if (i % 2 == 0) {
            doc.text += " alpha";
            doc.codes.push_back("ALPHA");
        }
        if (i % 2 == 1) {
            doc.text += " beta";
            doc.codes.push_back("BETA");
        }
        docs.push_back(doc);
    }
    return docs;
}

} // namespace

class TstCliFineTune : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void finetunesGatesAndActivates();
    void badInputExitsTwo();

private:
    QTemporaryDir m_dir;
};

void TstCliFineTune::initTestCase() {
    QVERIFY(m_dir.isValid());
    const auto docs = notes();
    saveDataset(m_dir.filePath("dev.jsonl").toStdString(), docs);
    fc::train(fc::testing::tinyFusionOptions(), docs, docs, m_dir.filePath("base").toStdString());

    storage::Database db(m_dir.filePath("fc.db").toStdString());
    storage::NoteRepository repository(db);
    storage::DecisionRepository decisions(db);
    for (const auto& doc : docs) {
        const auto noteId = repository.upsert(doc.text, "test");
        for (const char* code : {"ALPHA", "BETA"}) {
            storage::DecisionRecord d;
            d.noteId = noteId;
            d.code = code;
            d.system = "unknown";
            d.score = 0.5;
            d.kind = std::find(doc.codes.begin(), doc.codes.end(), code) != doc.codes.end()
                         ? storage::DecisionKind::Accepted
                         : storage::DecisionKind::Rejected;
            decisions.record(d);
        }
    }
    storage::Database empty(m_dir.filePath("empty.db").toStdString());
}

void TstCliFineTune::finetunesGatesAndActivates() {
    const QString out = m_dir.filePath("tuned");
    const Run run = cli({QStringLiteral("finetune"), QStringLiteral("--model"), m_dir.filePath("base"),
                         QStringLiteral("--db"), m_dir.filePath("fc.db"), QStringLiteral("--out"), out,
                         QStringLiteral("--dev"), m_dir.filePath("dev.jsonl"), QStringLiteral("--epochs"),
                         QStringLiteral("2"), QStringLiteral("--lr"), QStringLiteral("1e-4"),
                         QStringLiteral("--threads"), QStringLiteral("1"), QStringLiteral("--tolerance"),
                         QStringLiteral("1"), QStringLiteral("--activate-if-better")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY(run.out.contains("held-out reviewed notes"));
    QVERIFY(run.out.contains("original dev set"));
    QVERIFY(run.out.contains("gate: passed")); // tolerance 1: nothing can fail it
    QVERIFY(run.err.contains("epoch 2/2"));
    QVERIFY(QDir(out).exists());
    QVERIFY(!QDir(out + QStringLiteral(".staging")).exists());

    storage::Database db(m_dir.filePath("fc.db").toStdString());
    const auto versions = storage::ModelVersionRepository(db).all();
    QCOMPARE(versions.size(), std::size_t{2});
    QCOMPARE(QDir::cleanPath(QString::fromStdString(versions[1].path)), QDir::cleanPath(out));
    QCOMPARE(versions[1].parentId, versions[0].id);
    QVERIFY(versions[1].active); // --activate-if-better with a passed gate
    const auto runs = storage::FineTuneRunRepository(db).all();
    QCOMPARE(runs.size(), std::size_t{1});
    QCOMPARE(storage::toString(runs[0].status), std::string("succeeded"));
}

void TstCliFineTune::badInputExitsTwo() {
    Run run = cli({QStringLiteral("finetune"), QStringLiteral("--model"), m_dir.filePath("base"),
                   QStringLiteral("--db"), m_dir.filePath("fc.db"), QStringLiteral("--out"),
                   m_dir.filePath("base")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.err.contains("already exists"));
    run = cli({QStringLiteral("finetune"), QStringLiteral("--model"), m_dir.filePath("base"),
               QStringLiteral("--db"), m_dir.filePath("empty.db"), QStringLiteral("--out"),
               m_dir.filePath("never")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.err.contains("no reviewed notes"));
    QVERIFY(!QDir(m_dir.filePath("never")).exists());
}

QTEST_GUILESS_MAIN(TstCliFineTune)
#include "tst_cli_finetune.moc"
