// fc::unicode against Python 3: the sampled fixture written by scripts/gen_unicode_tables.py, plus hand
// cases.
#include "fc/model/errors.h"
#include "fc/model/unicode.h"

#include <QFile>
#include <QTextStream>
#include <QtTest>

namespace {

const QString kSamples = QStringLiteral(FC_SOURCE_DIR "/tests/fixtures/text/unicode_samples.tsv");

std::u32string u32(const char* utf8) {
    return fc::decodeUtf8(utf8);
}

QByteArray hex(const std::u32string& s) {
    QByteArray out;
    for (char32_t c : s)
        out += QByteArray::number(static_cast<uint>(c), 16) + ' ';
    return out;
}

} // namespace

class TestUnicode : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesPythonSamples();
    void handClasses_data();
    void handClasses();
    void lowerFullIsPythonLower_data();
    void lowerFullIsPythonLower();
    void decodesAndEncodes();
    void rejectsInvalidUtf8_data();
    void rejectsInvalidUtf8();
    void rejectsUnencodable();
};

void TestUnicode::matchesPythonSamples() {
    QFile file(kSamples);
    QVERIFY2(file.open(QIODevice::ReadOnly | QIODevice::Text), qPrintable(kSamples));
    QTextStream in(&file);
    const QString header = in.readLine();
    QVERIFY2(
        header.contains(QStringLiteral("(unicodedata %1)").arg(QLatin1String(fc::unicodeTablesVersion()))),
        "fixture and tables come from different Unicode versions");
    int checked = 0;
    while (!in.atEnd()) {
        const QString line = in.readLine();
        if (line.startsWith(QLatin1Char('#')) || line.isEmpty())
            continue;
        const QStringList f = line.split(QLatin1Char('\t'));
        QCOMPARE(f.size(), 6);
        bool ok = false;
        const auto c = static_cast<char32_t>(f[0].toUInt(&ok, 16));
        QVERIFY(ok);
        const QByteArray where = "U+" + f[0].toLatin1();
        QVERIFY2(fc::isWordChar(c) == (f[1] == QLatin1String("1")), where + " isWordChar");
        QVERIFY2(fc::isNumericChar(c) == (f[2] == QLatin1String("1")), where + " isNumericChar");
        QVERIFY2(fc::isSpaceChar(c) == (f[3] == QLatin1String("1")), where + " isSpaceChar");
        QVERIFY2(fc::toLower(c) == static_cast<char32_t>(f[4].toUInt(nullptr, 16)), where + " toLower");
        // The case class is observable only through the Final_Sigma rule of str.lower().
        const int caseClass = f[5].toInt();
        const std::u32string alone = fc::toLowerFull(std::u32string{c, 0x3A3});
        const std::u32string afterA = fc::toLowerFull(std::u32string{U'A', c, 0x3A3});
        QVERIFY2((alone.back() == 0x3C2) == (caseClass == 1), where + " cased");
        QVERIFY2((afterA.back() == 0x3C2) == (caseClass != 0), where + " case-ignorable");
        ++checked;
    }
    QVERIFY2(checked > 5000, "fixture unexpectedly small");
}

void TestUnicode::handClasses_data() {
    QTest::addColumn<uint>("c");
    QTest::addColumn<bool>("word");
    QTest::addColumn<bool>("numeric");
    QTest::addColumn<uint>("lower");
    QTest::newRow("A") << 0x41u << true << false << 0x61u;
    QTest::newRow("underscore") << 0x5Fu << true << false << 0x5Fu;
    QTest::newRow("hyphen") << 0x2Du << false << false << 0x2Du;
    QTest::newRow("digit 7") << 0x37u << true << true << 0x37u;
    QTest::newRow("Ñ") << 0xD1u << true << false << 0xF1u;
    QTest::newRow("é") << 0xE9u << true << false << 0xE9u;
    QTest::newRow("combining acute") << 0x301u << false << false << 0x301u;
    QTest::newRow("superscript two") << 0xB2u << true << true << 0xB2u;
    QTest::newRow("one half") << 0xBDu << true << true << 0xBDu;
    QTest::newRow("Roman numeral twelve") << 0x216Bu << true << true << 0x217Bu;
    QTest::newRow("circled one") << 0x2460u << true << true << 0x2460u;
    QTest::newRow("Greek Sigma") << 0x3A3u << true << false << 0x3C3u;
    QTest::newRow("Greek final sigma") << 0x3C2u << true << false << 0x3C2u;
    QTest::newRow("Cyrillic Ё") << 0x401u << true << false << 0x451u;
    QTest::newRow("CJK 中") << 0x4E2Du << true << false << 0x4E2Du;
    QTest::newRow("CJK numeral 三") << 0x4E09u << true << true << 0x4E09u;
    QTest::newRow("Arabic-Indic three") << 0x663u << true << true << 0x663u;
    QTest::newRow("Devanagari vowel sign") << 0x93Fu << false << false << 0x93Fu;
    QTest::newRow("fullwidth A") << 0xFF21u << true << false << 0xFF41u;
    QTest::newRow("emoji") << 0x1F637u << false << false << 0x1F637u;
    QTest::newRow("BOM") << 0xFEFFu << false << false << 0xFEFFu;
    QTest::newRow("NBSP") << 0xA0u << false << false << 0xA0u;
    QTest::newRow("dotted capital I") << 0x130u << true << false << 0x69u;
    QTest::newRow("Kelvin sign") << 0x212Au << true << false << 0x6Bu;
    QTest::newRow("titlecase Dz") << 0x1C5u << true << false << 0x1C6u;
    QTest::newRow("Deseret capital") << 0x10400u << true << false << 0x10428u;
}

void TestUnicode::handClasses() {
    QFETCH(uint, c);
    QFETCH(bool, word);
    QFETCH(bool, numeric);
    QFETCH(uint, lower);
    QCOMPARE(fc::isWordChar(c), word);
    QCOMPARE(fc::isNumericChar(c), numeric);
    QCOMPARE(static_cast<uint>(fc::toLower(c)), lower);
}

void TestUnicode::lowerFullIsPythonLower_data() {
    // Expected values are Python 3.11's str.lower() of the same strings.
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("lower");
    QTest::newRow("ascii") << QByteArray("MiXeD_09") << QByteArray("mixed_09");
    QTest::newRow("Spanish") << QByteArray("NIÑO CORAZÓN") << QByteArray("niño corazón");
    QTest::newRow("final sigma") << QByteArray("ΟΔΥΣΣΕΥΣ") << QByteArray("οδυσσευς");
    QTest::newRow("lone sigma") << QByteArray("Σ") << QByteArray("σ");
    QTest::newRow("sigma before digit") << QByteArray("ΑΣ1") << QByteArray("ας1");
    QTest::newRow("sigma then word") << QByteArray("ΑΣ ΒΣΑ") << QByteArray("ας βσα");
    QTest::newRow("sigma after apostrophe-like ignorable")
        << QByteArray("Α\xCA\xB9Σ") << QByteArray("α\xCA\xB9ς");
    QTest::newRow("dotted I") << QByteArray("İstanbul") << QByteArray("i\xCC\x87stanbul");
    QTest::newRow("Cyrillic") << QByteArray("ЁЛКА") << QByteArray("ёлка");
}

void TestUnicode::lowerFullIsPythonLower() {
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, lower);
    const std::u32string got = fc::toLowerFull(u32(text.constData()));
    QCOMPARE(hex(got), hex(u32(lower.constData())));
}

void TestUnicode::decodesAndEncodes() {
    const std::string text = "a\xC3\xB1\xE4\xB8\xAD\xF0\x9F\x98\xB7z"; // a ñ 中 😷 z
    const std::u32string decoded = fc::decodeUtf8(text);
    QCOMPARE(hex(decoded), hex(std::u32string{U'a', 0xF1, 0x4E2D, 0x1F637, U'z'}));
    QCOMPARE(fc::encodeUtf8(decoded), text);
    QCOMPARE(fc::codePointCount(text), std::int64_t(5));
    QVERIFY(fc::isValidUtf8(text));
    QCOMPARE(fc::decodeUtf8("\xEF\xBB\xBFx").front(), char32_t(0xFEFF)); // BOM kept
    QCOMPARE(fc::encodeUtf8(std::u32string{0x10FFFF}), std::string("\xF4\x8F\xBF\xBF"));
    QVERIFY(fc::decodeUtf8("").empty());
    QCOMPARE(fc::decodeUtf8(std::string_view("a\0b", 3)).size(), std::size_t(3));
}

void TestUnicode::rejectsInvalidUtf8_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("offset");
    QTest::newRow("stray continuation") << QByteArray("ab\x80") << 2;
    QTest::newRow("truncated two-byte") << QByteArray("abc\xC3") << 3;
    QTest::newRow("truncated three-byte") << QByteArray("\xE4\xB8") << 0;
    QTest::newRow("overlong two-byte") << QByteArray("x\xC0\x80") << 1;
    QTest::newRow("overlong three-byte") << QByteArray("\xE0\x80\xAF") << 0;
    QTest::newRow("overlong four-byte") << QByteArray("\xF0\x80\x80\x80") << 0;
    QTest::newRow("surrogate") << QByteArray("ok \xED\xA0\x80") << 3;
    QTest::newRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << 0;
    QTest::newRow("invalid lead byte") << QByteArray("\xC3\xB1\xFF") << 2;
    QTest::newRow("bad continuation") << QByteArray("\xC3\xB1\xE4\x41\xAD") << 2;
}

void TestUnicode::rejectsInvalidUtf8() {
    QFETCH(QByteArray, bytes);
    QFETCH(int, offset);
    const std::string_view view(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    QVERIFY(!fc::isValidUtf8(view));
    try {
        fc::decodeUtf8(view);
        QFAIL("decodeUtf8 accepted invalid UTF-8");
    } catch (const fc::InputError& e) {
        const QString message = QString::fromUtf8(e.what());
        QVERIFY2(message.contains(QStringLiteral("byte offset %1:").arg(offset)), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(fc::InputError, fc::codePointCount(view));
}

void TestUnicode::rejectsUnencodable() {
    QVERIFY_THROWS_EXCEPTION(fc::InputError, fc::encodeUtf8(std::u32string{U'a', 0xD800}));
    QVERIFY_THROWS_EXCEPTION(fc::InputError, fc::encodeUtf8(std::u32string{0x110000}));
}

QTEST_GUILESS_MAIN(TestUnicode)
#include "tst_unicode.moc"
