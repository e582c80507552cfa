// NoteFileReader: UTF-8 (BOM dropped, CR LF kept), UTF-16/32 with and without BOM, Latin-1 fallback with a
// warning, binary files refused, PDF text layers (a minimal PDF written here) and PDFs without text refused.
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
    void readsPdfText();
};

namespace {

QByteArray utf16(const QString& text, bool littleEndian, bool bom) {
    QByteArray bytes;
    if (bom)
        bytes += littleEndian ? QByteArray("\xff\xfe") : QByteArray("\xfe\xff");
    for (const QChar c : text) {
        const char low = static_cast<char>(c.unicode() & 0xff), high = static_cast<char>(c.unicode() >> 8);
        if (littleEndian)
            bytes.append(low).append(high);
        else
            bytes.append(high).append(low);
    }
    return bytes;
}

// A one-page PDF whose content stream draws `text` (ASCII) in Helvetica; byte offsets in the xref table are
// computed, so the file is valid.
QByteArray minimalPdf(const QByteArray& text) {
    const QByteArray stream = "BT /F1 12 Tf 72 720 Td (" + text + ") Tj ET";
    const QList<QByteArray> objects = {
        "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 "
        "R >> >> >>",
        "<< /Length " + QByteArray::number(stream.size()) + " >>\nstream\n" + stream + "\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
    QByteArray pdf = "%PDF-1.4\n";
    QList<qsizetype> offsets;
    for (int i = 0; i < objects.size(); ++i) {
        offsets << pdf.size();
        pdf += QByteArray::number(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const qsizetype xref = pdf.size();
    pdf += "xref\n0 " + QByteArray::number(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (const qsizetype offset : offsets)
        pdf += QByteArray::number(offset).rightJustified(10, '0') + " 00000 n \n";
    pdf += "trailer\n<< /Size " + QByteArray::number(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
           QByteArray::number(xref) + "\n%%EOF\n";
    return pdf;
}

} // namespace

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
    const QString sample = QString::fromUtf8("Fièvre\r\ndolor torácico");
    QTest::newRow("utf-16le bom") << utf16(sample, true, true) << sample << false << false;
    QTest::newRow("utf-16be bom") << utf16(sample, false, true) << sample << false << false;
    QTest::newRow("utf-16le no bom") << utf16(sample, true, false) << sample << false << false;
    QTest::newRow("utf-16be no bom") << utf16(sample, false, false) << sample << false << false;
    QTest::newRow("utf-32le bom") << QByteArray("\xff\xfe\x00\x00p\x00\x00\x00", 8) << QStringLiteral("p")
                                  << false << false;
    QTest::newRow("utf-16 bom, odd length refused")
        << QByteArray("\xff\xfep\x00q", 5) << QString() << false << true;
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

void TstNoteFileReader::readsPdfText() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile file(dir.filePath(QStringLiteral("note.pdf")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(minimalPdf("Acute appendicitis with fever"));
    file.close();
    const fc::ui::NoteFile note = NoteFileReader::read(file.fileName());
    QVERIFY2(note.ok(), qPrintable(note.error));
    QCOMPARE(note.encoding, QStringLiteral("PDF"));
    QCOMPARE(note.text.simplified(), QStringLiteral("Acute appendicitis with fever"));

    // A PDF without a text layer (an empty content stream) is refused with a reason.
    const fc::ui::NoteFile scanned = NoteFileReader::decode(minimalPdf(""), QStringLiteral("scan.pdf"));
    QVERIFY(!scanned.ok());
    QVERIFY(scanned.error.contains(QStringLiteral("no text layer")));
    // A file claiming to be PDF but broken.
    QVERIFY(!NoteFileReader::decode(QByteArray("%PDF-1.4 garbage"), QStringLiteral("x.pdf")).ok());
}

QTEST_GUILESS_MAIN(TstNoteFileReader)
#include "tst_notefilereader.moc"
