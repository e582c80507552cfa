// fusioncoder-cli predict on near-empty and unreadable input (issue #14): a damaged "PDF" and a note without
// a word the model knows are refused with exit code 2 and one line saying why, instead of suggestions.
#include "../support/cli_run.h"

#include <QTemporaryDir>
#include <QTest>

using fc::testing::runCli;

namespace {

const QString kModel = QStringLiteral(FC_SOURCE_DIR "/resources/models/codiesp-en-top50");

} // namespace

class TstCliNoteInput : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void refused_data() {
        QTest::addColumn<QByteArray>("note");
        QTest::addColumn<QByteArray>("mentions");
        QTest::newRow("damaged pdf") << QByteArray("%PDF-1.4 garbage") << QByteArray("a PDF file");
        QTest::newRow("pdf with text-like body") << QByteArray("%PDF-1.7\npatient with fever and cough\n%%EOF\n")
                                                 << QByteArray("a PDF file");
        QTest::newRow("only numbers") << QByteArray("12 345 6.7 -- 2020") << QByteArray("not enough text");
        QTest::newRow("no known word") << QByteArray("zzqx qwzzv xxqq") << QByteArray("not enough text");
    }
    void refused() {
        QFETCH(QByteArray, note);
        QFETCH(QByteArray, mentions);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("note.txt"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(note);
        file.close();
        const auto run = runCli({QStringLiteral("predict"), QStringLiteral("--model"), kModel, path});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(mentions), run.err.constData());
        QVERIFY2(run.err.contains(path.toUtf8()), run.err.constData());
        QVERIFY2(run.err.trimmed().count('\n') == 0, run.err.constData());
        QVERIFY2(run.out.isEmpty(), run.out.constData()); // no suggestions printed
    }

    void oneKnownWordIsScored() {
        const auto run =
            runCli({QStringLiteral("predict"), QStringLiteral("--model"), kModel, QStringLiteral("-")},
                   "hypertension");
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(run.out.contains("\"codes\""));
    }
};

QTEST_GUILESS_MAIN(TstCliNoteInput)
#include "tst_cli_note_input.moc"
