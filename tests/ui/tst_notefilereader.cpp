// NoteFileReader: UTF-8 (BOM dropped, CR LF kept), Latin-1 fallback with a warning, binary files refused.
#include "notefilereader.h"

#include <QTemporaryDir>
#include <QtTest>

using fc::ui::NoteFileReader;

class TstNoteFileReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void decode_data();
    void decode();
    void readsFilesAndReportsMissingOnes();
};

void TstNoteFileReader::decode_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("warned");
    QTest::addColumn<bool>("refused");
    QTest::newRow("utf-8") << QByteArray("Fi\xc3\xa8vre\r\n") << QString::fromUtf8("Fièvre\r\n") << false
                           << false;
    QTest::newRow("utf-8 bom dropped")
        << QByteArray("\xef\xbb\xbfpain") << QStringLiteral("pain") << false << false;
    QTest::newRow("latin-1 fallback")
        << QByteArray("Fi\xe8vre") << QString::fromUtf8("Fièvre") << true << false;
    QTest::newRow("binary refused") << QByteArray("ELF\0\x01\x02", 6) << QString() << false << true;
    QTest::newRow("empty") << QByteArray() << QString() << false << false;
}

void TstNoteFileReader::decode() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, text);
    QFETCH(bool, warned);
    QFETCH(bool, refused);
    const fc::ui::NoteFile note = NoteFileReader::decode(bytes, QStringLiteral("note.txt"));
    QCOMPARE(note.ok(), !refused);
    QCOMPARE(note.text, text);
    QCOMPARE(!note.warning.isEmpty(), warned);
    if (refused)
        QVERIFY(note.error.contains(QStringLiteral("note.txt")));
}

void TstNoteFileReader::readsFilesAndReportsMissingOnes() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile file(dir.filePath(QStringLiteral("n.txt")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("chest pain\n");
    file.close();
    QCOMPARE(NoteFileReader::read(file.fileName()).text, QStringLiteral("chest pain\n"));
    QVERIFY(!NoteFileReader::read(dir.filePath(QStringLiteral("missing.txt"))).ok());
    QVERIFY(!NoteFileReader::read(dir.path()).ok());
}

QTEST_GUILESS_MAIN(TstNoteFileReader)
#include "tst_notefilereader.moc"
