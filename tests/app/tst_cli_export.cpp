// fusioncoder-cli export on a temporary database seeded through storage/: files written and re-imported,
// --all to standard output, validation stopping an export, --validate, bad usage (exit 2, one line on
// stderr), and the passphrase of an encrypted database. Each run starts the CLI process (~0.4 s CPU: the
// model libraries load), so the cases are few; the formats themselves are tested in depth by tst_export.
#include "../support/cli_run.h"
#include "codecatalog.h"
#include "chartstorage.h"
#include "exportservice.h"

#include "fc/storage/database.h"
#include "fc/storage/repositories.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace fc;

namespace {

using Run = fc::testing::CliRun;

// FUSIONCODER_DB_PASSPHRASE is set to `passphrase` for the run, or removed when it is empty.
Run runCli(const QStringList& arguments, const QString& passphrase = QString()) {
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("FUSIONCODER_DB_PASSPHRASE"));
    if (!passphrase.isEmpty())
        environment.insert(QStringLiteral("FUSIONCODER_DB_PASSPHRASE"), passphrase);
    return fc::testing::runCli(arguments, {}, 60000, environment);
}

const QString kCatalogs = QStringLiteral(FC_SOURCE_DIR "/resources/catalogs");

} // namespace

class TstCliExport : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_db;
    qint64 m_good = 0;     // note with a valid chart
    qint64 m_bad = 0;      // note whose chart has two principal diagnoses
    qint64 m_rejected = 0; // note with only a rejected suggestion

    QString path(const QString& name) const { return m_dir.filePath(name); }

    QStringList exportArgs(const QStringList& more) const {
        return QStringList{QStringLiteral("export"), QStringLiteral("--db"), m_db,
                           QStringLiteral("--catalogs"), kCatalogs} +
               more;
    }

    // The chart as stored, with the export stamp of `written` (time and user are the export's own).
    CodedChart expectedChart(qint64 noteId, const CodedChart& written) {
        QString error;
        const auto catalog =
            CodeCatalog::load(kCatalogs, {QStringLiteral("icd-10-cm"), QStringLiteral("icd-10-pcs")}, &error);
        storage::Database db(m_db.toStdString());
        CodedChart chart = *loadChart(db, noteId, catalog.get());
        chart.exportedAt = written.exportedAt;
        chart.exportedBy = written.exportedBy;
        return chart;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_db = path(QStringLiteral("decisions.sqlite"));
        storage::Database db(m_db.toStdString());
        storage::NoteRepository notes(db);
        storage::DecisionRepository decisions(db);
        m_good =
            notes.upsert("Dolor escrotal izquierdo. Hipertensi\xC3\xB3n arterial.", "/notes/caso, 1.txt");
        m_bad = notes.upsert("Second note.", "pasted");
        m_rejected = notes.upsert("Third note.", "clipboard");
        storage::AnalysisRecord analysis;
        analysis.noteId = m_good;
        analysis.modelVersion = "m1";
        analysis.suggestions = {{"N44.8", "icd-10-cm", 0.93, {{0, 24, 0.6}, {26, 49, 0.2}}},
                                {"I10", "icd-10-cm", 0.71, {{26, 49, 0.8}}},
                                {"0DTJ4ZZ", "icd-10-pcs", 0.52, {{0, 5, 0.1}}}};
        storage::AnalysisRepository(db).record(analysis);
        const auto decide = [&](qint64 note, const char* code, const char* system, storage::DecisionKind kind,
                                int sequence, double score, const char* poa = "") {
            storage::DecisionRecord d;
            d.noteId = note;
            d.code = code;
            d.system = system;
            d.kind = kind;
            d.sequence = sequence;
            d.score = score;
            d.poa = poa;
            d.modelVersion = score < 0 ? "" : "m1";
            decisions.record(d);
        };
        using storage::DecisionKind;
        decide(m_good, "N44.8", "icd-10-cm", DecisionKind::Accepted, 1, 0.93, "Y");
        decide(m_good, "I10", "icd-10-cm", DecisionKind::Accepted, 2, 0.71, "N");
        decide(m_good, "R52", "icd-10-cm", DecisionKind::Added, 3, -1);
        decide(m_good, "0DTJ4ZZ", "icd-10-pcs", DecisionKind::Accepted, 0, 0.52);
        decide(m_bad, "N44.8", "icd-10-cm", DecisionKind::Accepted, 1, 0.9);
        decide(m_bad, "I10", "icd-10-cm", DecisionKind::Accepted, 1, 0.8);
        decide(m_rejected, "I10", "icd-10-cm", DecisionKind::Rejected, 0, 0.3);
    }

    void exportsEachFormat_data() {
        QTest::addColumn<QString>("format");
        // Each CLI run costs a process start with the model libraries loaded: the formats themselves are
        // tested in depth by tst_export; here CSV and FHIR go to files, JSON to standard output (next test).
        QTest::newRow("csv") << QStringLiteral("csv");
        QTest::newRow("fhir-claim") << QStringLiteral("fhir-claim");
    }

    void exportsEachFormat() {
        QFETCH(QString, format);
        const QString out = path(QStringLiteral("note.") + format + QStringLiteral(".export"));
        const Run run =
            runCli(exportArgs({QStringLiteral("--note-id"), QString::number(m_good),
                               QStringLiteral("--format"), format, QStringLiteral("--out"), out}));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(run.out.isEmpty());
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
        QString error;
        const CodedChart written = fromExport(file.readAll(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(written.entries.size(), 4);
        QCOMPARE(written.entries.at(0).code, QStringLiteral("N44.8"));
        QCOMPARE(written.entries.at(0).role, QStringLiteral("principal"));
        QCOMPARE(written.entries.at(0).evidence.size(), 2);
        QVERIFY(!written.entries.at(0).description.isEmpty()); // from the catalog
        QCOMPARE(written.entries.at(3).role, QStringLiteral("procedure"));
        QCOMPARE(written, expectedChart(m_good, written));
    }

    void validationErrorsStopTheExport() {
        const QString out = path(QStringLiteral("bad.csv"));
        Run run = runCli(
            exportArgs({QStringLiteral("--note-id"), QString::number(m_bad), QStringLiteral("--out"), out}));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("multiple-principals"), run.err.constData());
        QVERIFY(!QFile::exists(out));
        run = runCli(exportArgs({QStringLiteral("--note-id"), QString::number(m_bad), QStringLiteral("--out"),
                                 out, QStringLiteral("--force")}));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(QFile::exists(out));
        // --validate finds the same error in the written file.
        run = runCli({QStringLiteral("export"), QStringLiteral("--validate"), out,
                      QStringLiteral("--catalogs"), kCatalogs});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.contains("multiple-principals"));
        QVERIFY2(run.out.contains("1 charts, 2 errors, 0 warnings"),
                 run.out.constData()); // + principal-not-first
    }

    // To standard output (the default --out -); --force because the second note is invalid.
    void exportsAllToStandardOutput() {
        const Run run = runCli(exportArgs({QStringLiteral("--all"), QStringLiteral("--format"),
                                           QStringLiteral("json"), QStringLiteral("--force")}));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(run.err.contains("multiple-principals"), run.err.constData()); // still reported
        QString error;
        const QVector<CodedChart> charts = chartsFromExport(run.out, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(charts.size(), 2); // the note with only a rejected code has nothing to export
        QCOMPARE(charts.at(0).noteId, m_good);
        QCOMPARE(charts.at(1).noteId, m_bad);
        QCOMPARE(charts.at(0), expectedChart(m_good, charts.at(0)));
    }

    void validatesAGoodExport() {
        const QString out = path(QStringLiteral("note.fhir-claim.export")); // written by exportsEachFormat
        QVERIFY(QFile::exists(out));
        const Run run = runCli({QStringLiteral("export"), QStringLiteral("--validate"), out,
                                QStringLiteral("--catalogs"), kCatalogs});
        QVERIFY2(run.exitCode == 0, run.out.constData());
        QVERIFY(run.out.contains("1 charts, 0 errors, 0 warnings"));
    }

    // An encrypted --db needs its passphrase (--db-passphrase-file or FUSIONCODER_DB_PASSPHRASE): without
    // one, or with a wrong one, exit 2 with a clear message. A build without SQLCipher says it cannot.
    void encryptedDatabaseNeedsItsPassphrase() {
        const QString db = path(QStringLiteral("encrypted.sqlite"));
        const QString right = path(QStringLiteral("right.pass"));
        const QString wrong = path(QStringLiteral("wrong.pass"));
        for (const auto& [file, text] :
             {std::pair{right, "open sesame\n"}, std::pair{wrong, "open sesam\n"}}) {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        }
        const QStringList args = {
            QStringLiteral("export"), QStringLiteral("--db"), db, QStringLiteral("--catalogs"), kCatalogs,
            QStringLiteral("--all")};
        const QStringList withRight = args + QStringList{QStringLiteral("--db-passphrase-file"), right};
        const QStringList withWrong = args + QStringList{QStringLiteral("--db-passphrase-file"), wrong};
        if (!storage::encryptionSupported()) {
            QFile f(db);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(4096, '\x5a')); // what an encrypted database looks like to this build
            f.close();
            for (const QStringList& arguments : {args, withRight}) {
                const Run run = runCli(arguments);
                QCOMPARE(run.exitCode, 2);
                QVERIFY2(run.err.contains("no encryption support"), run.err.constData());
            }
            return;
        }
        {
            storage::DatabaseOptions options;
            options.passphrase = "open sesame";
            storage::Database database(db.toStdString(), options);
            storage::DecisionRecord decision;
            decision.noteId = storage::NoteRepository(database).upsert("Dolor escrotal izquierdo.", "test");
            decision.code = "N44.8";
            decision.system = "icd-10-cm";
            decision.kind = storage::DecisionKind::Accepted;
            decision.sequence = 1;
            storage::DecisionRepository(database).record(decision);
        }
        Run run = runCli(args);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("the database is encrypted: wrong or missing passphrase"),
                 run.err.constData());
        QCOMPARE(run.err.count('\n'), 1);
        run = runCli(withWrong);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("the database is encrypted: wrong or missing passphrase"),
                 run.err.constData());
        run = runCli(withRight);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(run.out.contains("N44.8"), run.out.constData());
        run = runCli(args, QStringLiteral("open sesame"));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(run.out.contains("N44.8"), run.out.constData());
    }

    void badUsage_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        const QString db = path(QStringLiteral("decisions.sqlite"));
        const QString e = QStringLiteral("export");
        const QString id = QStringLiteral("--note-id");
        const QString dbOption = QStringLiteral("--db");
        QTest::newRow("no-db") << QStringList{e, id, QStringLiteral("1")} << dbOption;
        QTest::newRow("missing-db") << QStringList{e, dbOption, path(QStringLiteral("none.sqlite")), id,
                                                   QStringLiteral("1")}
                                    << QStringLiteral("no such file");
        QTest::newRow("both-selections")
            << QStringList{e, dbOption, db, id, QStringLiteral("1"), QStringLiteral("--all")}
            << QStringLiteral("--all");
        QTest::newRow("unknown-note")
            << QStringList{e, dbOption, db, id, QStringLiteral("99")} << QStringLiteral("no such note");
        const QStringList badFormat{
            e, dbOption, db, id, QStringLiteral("1"), QStringLiteral("--format"), QStringLiteral("xml")};
        QTest::newRow("bad-format") << badFormat << QStringLiteral("--format");
    }

    void badUsage() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Run run = runCli(arguments);
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(run.err.count('\n'), 1);
        QVERIFY2(QString::fromUtf8(run.err).contains(message), run.err.constData());
    }
};

QTEST_GUILESS_MAIN(TstCliExport)
#include "tst_cli_export.moc"
