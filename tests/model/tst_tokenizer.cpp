// fc::tokenize against Python's caml-mimic preprocessing: re.finditer(r"\w+"), str.isnumeric(), str.lower().
// tests/fixtures/text/tokenizer_cases.jsonl holds Python's output, written by scripts/gen_unicode_tables.py.
#include "fc/model/errors.h"
#include "fc/model/tokenizer.h"
#include "fc/model/unicode.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

namespace {

const QString kCases = QStringLiteral(FC_SOURCE_DIR "/tests/fixtures/text/tokenizer_cases.jsonl");

QString render(const std::vector<fc::Token>& tokens) {
    QStringList parts;
    for (const fc::Token& t : tokens)
        parts << QStringLiteral("%1[%2,%3)").arg(QString::fromStdString(t.text)).arg(t.begin).arg(t.end);
    return parts.join(QLatin1Char(' '));
}

} // namespace

class TestTokenizer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesPythonFixture();
    void handCases_data();
    void handCases();
    void offsetsIndexTheOriginalText();
    void rejectsInvalidUtf8();
};

void TestTokenizer::matchesPythonFixture() {
    QFile file(kCases);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(kCases));
    int cases = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty())
            continue;
        QJsonParseError error;
        const QJsonObject object = QJsonDocument::fromJson(line, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QByteArray text = object.value(QLatin1String("text")).toString().toUtf8();
        std::vector<fc::Token> expected;
        for (const QJsonValue& value : object.value(QLatin1String("tokens")).toArray()) {
            const QJsonArray t = value.toArray();
            expected.push_back({t[0].toString().toStdString(), t[1].toInteger(), t[2].toInteger()});
        }
        const std::vector<fc::Token> got = fc::tokenize(std::string_view(text.constData(), text.size()));
        QVERIFY2(render(got) == render(expected),
                 qPrintable(QStringLiteral("text %1\n got      %2\n expected %3")
                                .arg(QString::fromUtf8(text), render(got), render(expected))));
        ++cases;
    }
    QVERIFY(cases >= 15);
}

void TestTokenizer::handCases_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("tokens");
    QTest::newRow("empty") << QByteArray("") << QString();
    QTest::newRow("numbers dropped, mixed kept")
        << QByteArray("250mg 500 2x 1.5 x2") << QStringLiteral("250mg[0,5) 2x[10,12) x2[17,19)");
    QTest::newRow("underscores") << QByteArray("__ a_b _") << QStringLiteral("__[0,2) a_b[3,6) _[7,8)");
    QTest::newRow("CRLF and tabs") << QByteArray("A\r\n\tB") << QStringLiteral("a[0,1) b[4,5)");
    QTest::newRow("emoji counts one code point") << QByteArray("\xF0\x9F\x98\xB7"
                                                               "Dolor")
                                                 << QStringLiteral("dolor[1,6)");
    QTest::newRow("superscript and fraction are numeric")
        << QByteArray("m\xC2\xB2 \xC2\xB2 \xC2\xBD") << QStringLiteral("m²[0,2)");
    QTest::newRow("accented upper case")
        << QByteArray("PIÑA Árbol") << QStringLiteral("piña[0,4) árbol[5,10)");
    QTest::newRow("combining mark splits a word")
        << QByteArray("Cafe\xCC\x81s") << QStringLiteral("cafe[0,4) s[5,6)");
    QTest::newRow("CJK numeral run dropped") << QByteArray("三 三日") << QStringLiteral("三日[2,4)");
    QTest::newRow("final sigma") << QByteArray("ΣΟΦΟΣ") << QStringLiteral("σοφος[0,5)");
    QTest::newRow("dotted I grows the token text") << QByteArray("İ") << QStringLiteral("i\u0307[0,1)");
}

void TestTokenizer::handCases() {
    QFETCH(QByteArray, text);
    QFETCH(QString, tokens);
    QCOMPARE(render(fc::tokenize(std::string_view(text.constData(), text.size()))), tokens);
}

void TestTokenizer::offsetsIndexTheOriginalText() {
    const std::string text = "Niño 😷 con FIEBRE\r\nde 39º, ½ dosis.";
    const std::u32string cps = fc::decodeUtf8(text);
    const std::vector<fc::Token> tokens = fc::tokenize(std::string_view(text));
    QCOMPARE(render(tokens), render(fc::tokenize(std::u32string_view(cps))));
    QVERIFY(!tokens.empty());
    for (const fc::Token& t : tokens) {
        QVERIFY(t.begin >= 0 && t.begin < t.end && t.end <= static_cast<std::int64_t>(cps.size()));
        const std::u32string span =
            cps.substr(static_cast<std::size_t>(t.begin), static_cast<std::size_t>(t.end - t.begin));
        QCOMPARE(fc::encodeUtf8(fc::toLowerFull(span)), t.text);
    }
}

void TestTokenizer::rejectsInvalidUtf8() {
    QVERIFY_THROWS_EXCEPTION(fc::InputError, fc::tokenize(std::string_view("ok \xC3")));
}

QTEST_GUILESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
