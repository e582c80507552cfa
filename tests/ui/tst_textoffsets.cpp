// TextOffsets: code points of the original note <-> positions of a QTextDocument holding it.
#include "textoffsets.h"

#include <QElapsedTimer>
#include <QTextDocument>
#include <QtTest>

using fc::ui::TextOffsets;

class TstTextOffsets : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void toDocument_data();
    void toDocument();
    void toCodePoint_data();
    void toCodePoint();
    void agreesWithQTextDocument_data();
    void agreesWithQTextDocument();
    void emptyText();
    void largeNote();
};

void TstTextOffsets::toDocument_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("codePoint");
    QTest::addColumn<int>("position");

    const QString ascii = QStringLiteral("chest pain");
    QTest::newRow("ascii start") << ascii << qint64(0) << 0;
    QTest::newRow("ascii middle") << ascii << qint64(6) << 6;
    QTest::newRow("ascii end") << ascii << qint64(10) << 10;
    QTest::newRow("ascii past end clamps") << ascii << qint64(11) << 10;
    QTest::newRow("ascii negative clamps") << ascii << qint64(-3) << 0;

    // Accents are single UTF-16 units (precomposed): identity.
    const QString accents = QStringLiteral("Dolor torácico, náuseas");
    QTest::newRow("accents") << accents << qint64(16) << 16;
    QTest::newRow("accents end") << accents << qint64(23) << 23;

    // U+1F600 is a surrogate pair: every code point after it is one UTF-16 unit further on.
    const QString emoji = QString::fromUtf8("a\xF0\x9F\x98\x80 pain \xF0\x9F\x98\x80!");
    QTest::newRow("before emoji") << emoji << qint64(1) << 1;
    QTest::newRow("after emoji") << emoji << qint64(2) << 3;
    QTest::newRow("word after emoji") << emoji << qint64(3) << 4;
    QTest::newRow("after second emoji") << emoji << qint64(9) << 11;
    QTest::newRow("emoji end") << emoji << qint64(10) << 12;
    QTest::newRow("emoji past end clamps") << emoji << qint64(99) << 12;

    // CR LF becomes one paragraph separator in the document; the LF is zero width.
    const QString crlf = QStringLiteral("ab\r\ncd\r\n\r\nef");
    QTest::newRow("crlf before CR") << crlf << qint64(2) << 2;
    QTest::newRow("crlf between CR and LF") << crlf << qint64(3) << 3;
    QTest::newRow("crlf after LF") << crlf << qint64(4) << 3;
    QTest::newRow("crlf second line end") << crlf << qint64(6) << 5;
    QTest::newRow("crlf third line") << crlf << qint64(10) << 7;
    QTest::newRow("crlf end") << crlf << qint64(12) << 9;

    const QString lf = QStringLiteral("ab\ncd\rx");
    QTest::newRow("lone LF and CR are one position") << lf << qint64(6) << 6;

    const QString mixed = QString::fromUtf8("\xC3\xA9\xF0\x9D\x90\x80\r\nx");
    QTest::newRow("mixed pair then CR") << mixed << qint64(2) << 3;
    QTest::newRow("mixed after LF") << mixed << qint64(4) << 4;
    QTest::newRow("mixed end") << mixed << qint64(5) << 5;
}

void TstTextOffsets::toDocument() {
    QFETCH(QString, text);
    QFETCH(qint64, codePoint);
    QFETCH(int, position);
    QCOMPARE(TextOffsets(text).toDocument(codePoint), position);
}

void TstTextOffsets::toCodePoint_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("position");
    QTest::addColumn<qint64>("codePoint");

    const QString emoji = QString::fromUtf8("a\xF0\x9F\x98\x80 pain");
    QTest::newRow("before pair") << emoji << 1 << qint64(1);
    QTest::newRow("inside pair rounds down") << emoji << 2 << qint64(1);
    QTest::newRow("after pair") << emoji << 3 << qint64(2);
    QTest::newRow("end") << emoji << 8 << qint64(7);
    QTest::newRow("past end clamps") << emoji << 50 << qint64(7);
    QTest::newRow("negative clamps") << emoji << -1 << qint64(0);

    const QString crlf = QStringLiteral("ab\r\ncd");
    QTest::newRow("crlf separator") << crlf << 2 << qint64(2);
    QTest::newRow("crlf next line") << crlf << 3 << qint64(4);
    QTest::newRow("crlf end") << crlf << 5 << qint64(6);
    QTest::newRow("ascii identity") << QStringLiteral("fever") << 3 << qint64(3);
}

void TstTextOffsets::toCodePoint() {
    QFETCH(QString, text);
    QFETCH(int, position);
    QFETCH(qint64, codePoint);
    QCOMPARE(TextOffsets(text).toCodePoint(position), codePoint);
}

void TstTextOffsets::agreesWithQTextDocument_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("ascii") << QStringLiteral("Patient denies chest pain.\nNo fever.");
    QTest::newRow("accents") << QStringLiteral("Señora de 45 años con disnea y cefalea.");
    QTest::newRow("emoji") << QString::fromUtf8(
        "pain \xF0\x9F\x98\x80 left \xF0\x9F\xA6\xB7 tooth\n\xF0\x9F\x98\x80");
    QTest::newRow("crlf") << QStringLiteral("Line one\r\nLine two\r\n\r\nLine four\r\n");
    QTest::newRow("everything") << QString::fromUtf8(
        "Caf\xC3\xA9\r\n\xF0\x9F\x98\x80 x\ry\n\xE2\x80\xA9z\r\n");
}

// Every code point of the original text is found at its converted position in a real document, and
// converting back gives the same code point.
void TstTextOffsets::agreesWithQTextDocument() {
    QFETCH(QString, text);
    QTextDocument document;
    document.setPlainText(text);
    const TextOffsets offsets(text);
    QCOMPARE(offsets.documentLength(), document.characterCount() - 1);

    const QList<uint> codePoints = text.toUcs4();
    QCOMPARE(offsets.codePointCount(), qint64(codePoints.size()));
    for (qsizetype i = 0; i < codePoints.size(); ++i) {
        const char32_t c = codePoints[i];
        const bool lineFeedAfterCr = c == U'\n' && i > 0 && codePoints[i - 1] == U'\r';
        if (lineFeedAfterCr)
            continue; // zero width: folded into the CR's paragraph separator
        const int position = offsets.toDocument(i);
        const QChar atPosition = document.characterAt(position);
        if (c == U'\r' || c == U'\n' || c == 0x2029) {
            QCOMPARE(atPosition, QChar(QChar::ParagraphSeparator));
        } else if (QChar::requiresSurrogates(c)) {
            QCOMPARE(atPosition, QChar(QChar::highSurrogate(c)));
            QCOMPARE(document.characterAt(position + 1), QChar(QChar::lowSurrogate(c)));
        } else {
            QCOMPARE(atPosition.unicode(), char16_t(c));
        }
        QCOMPARE(offsets.toCodePoint(position), qint64(i));
    }
    QCOMPARE(offsets.toDocument(offsets.codePointCount()), offsets.documentLength());
    QCOMPARE(offsets.toCodePoint(offsets.documentLength()), offsets.codePointCount());
}

void TstTextOffsets::emptyText() {
    const TextOffsets offsets;
    QCOMPARE(offsets.codePointCount(), qint64(0));
    QCOMPARE(offsets.toDocument(5), 0);
    QCOMPARE(offsets.toCodePoint(5), qint64(0));
    QCOMPARE(TextOffsets(QString()).toDocument(0), 0);
}

// 50,000 words with an emoji and CR LF every few hundred words: built once, converted fast.
void TstTextOffsets::largeNote() {
    QString text;
    qint64 codePoints = 0;
    for (int word = 0; word < 50000; ++word) {
        if (word % 500 == 499) {
            text += QString::fromUtf8("\xF0\x9F\x98\x80\r\n");
            codePoints += 3;
        } else {
            text += QStringLiteral("word ");
            codePoints += 5;
        }
    }
    QElapsedTimer timer;
    timer.start();
    const TextOffsets offsets(text);
    // Round trips are exact except at the 100 zero-width LF boundaries (they come back one later).
    int inexact = 0;
    for (qint64 i = 0; i <= offsets.codePointCount(); ++i)
        inexact += offsets.toCodePoint(offsets.toDocument(i)) != i ? 1 : 0;
    const qint64 elapsed = timer.elapsed();
    QCOMPARE(inexact, 100);
    QCOMPARE(offsets.codePointCount(), codePoints);
    // 100 emoji add 100 positions, 100 CR LF remove 100.
    QCOMPARE(offsets.documentLength(), int(codePoints));
    QVERIFY2(elapsed < 1000, qPrintable(QStringLiteral("%1 ms").arg(elapsed)));
}

QTEST_MAIN(TstTextOffsets)
#include "tst_textoffsets.moc"
