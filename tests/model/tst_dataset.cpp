// fc dataset files (interfaces.md "Dataset file"): JSON Lines reading, normalisation, validation, writing.
#include "fc/model/dataset.h"
#include "fc/model/errors.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const std::string kValid = FC_SOURCE_DIR "/tests/fixtures/text/dataset_valid.jsonl";

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

QByteArray readFile(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestDataset : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsAndNormalises();
    void streamsWithLineNumbers();
    void writesAndReadsBack();
    void writerIsAtomic();
    void rejectsMalformedLines_data();
    void rejectsMalformedLines();
    void collectsLabels();
};

void TestDataset::readsAndNormalises() {
    const std::vector<fc::Document> documents = fc::loadDataset(kValid);
    QCOMPARE(documents.size(), std::size_t(3));
    const fc::Document& first = documents[0];
    QCOMPARE(first.id, std::string("S0004-06142005000500011-1"));
    QCOMPARE(first.codes, (std::vector<std::string>{"N44.8", "R52", "BW03ZZZ"})); // trimmed, upper, unique
    QCOMPARE(first.evidence.size(), std::size_t(2));
    QCOMPARE(first.evidence[0].code, std::string("N44.8"));
    QCOMPARE(first.evidence[0].begin, std::int64_t(21)); // code points: "dolor testicular"
    QCOMPARE(first.evidence[0].end, std::int64_t(37));
    QCOMPARE(first.evidence[1].code, std::string("R50.9")); // evidence codes need not be in `codes`
    QCOMPARE(documents[1].id, std::string("125"));          // integer id
    QVERIFY(documents[1].codes.empty());
    QVERIFY(documents[1].evidence.empty());
    QCOMPARE(documents[2].text, std::string("Second\nline"));
}

void TestDataset::streamsWithLineNumbers() {
    fc::DatasetReader reader(kValid);
    fc::Document document;
    std::vector<std::int64_t> lines;
    while (reader.next(document))
        lines.push_back(reader.lineNumber());
    QCOMPARE(lines, (std::vector<std::int64_t>{1, 3, 5})); // blank lines skipped, still counted
    QVERIFY(!reader.next(document));
    QVERIFY_THROWS_EXCEPTION(fc::InputError, fc::DatasetReader("/nonexistent/dataset.jsonl"));
}

void TestDataset::writesAndReadsBack() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(QStringLiteral("out.jsonl")).toStdString();
    std::vector<fc::Document> documents = fc::loadDataset(kValid);
    documents[2].text = "tab\there \"quoted\" \\ ñ 😷";
    fc::saveDataset(path, documents);
    const std::vector<fc::Document> back = fc::loadDataset(path);
    QCOMPARE(back.size(), documents.size());
    for (std::size_t i = 0; i < back.size(); ++i) {
        QCOMPARE(back[i].id, documents[i].id);
        QCOMPARE(back[i].text, documents[i].text);
        QCOMPARE(back[i].codes, documents[i].codes);
        QCOMPARE(back[i].evidence.size(), documents[i].evidence.size());
    }
    const QList<QByteArray> lines = readFile(QString::fromStdString(path)).split('\n');
    QCOMPARE(lines.size(), 4); // three lines and the empty remainder after the last newline
    QVERIFY2(lines[0].startsWith(R"({"id":"S0004-06142005000500011-1","text":"Varón de 37 años)"), lines[0]);
    QVERIFY(lines[0].contains(
        R"("codes":["N44.8","R52","BW03ZZZ"],"evidence":[{"code":"N44.8","begin":21,"end":37})"));
    QVERIFY(!lines[1].contains("evidence")); // omitted when empty
    QCOMPARE(QString::fromStdString(fc::datasetLine(documents[1])),
             QStringLiteral(R"({"id":"125","text":"Plain note","codes":[]})"));
}

void TestDataset::writerIsAtomic() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("data.jsonl"));
    writeFile(path, "old\n");
    {
        fc::DatasetWriter writer(path.toStdString());
        writer.write(fc::loadDataset(kValid).front());
        QCOMPARE(readFile(path), QByteArray("old\n")); // not visible before commit
    }                                                  // destroyed without commit
    QCOMPARE(readFile(path), QByteArray("old\n"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("data.jsonl")});
    fc::DatasetWriter writer(path.toStdString());
    fc::Document document;
    document.id = "bad";
    document.text = "\xC3";
    QVERIFY_THROWS_EXCEPTION(fc::InputError, writer.write(document));
    writer.write(fc::loadDataset(kValid).back());
    writer.commit();
    QCOMPARE(fc::loadDataset(path.toStdString()).size(), std::size_t(1));
}

void TestDataset::rejectsMalformedLines_data() {
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("message");
    QTest::newRow("not JSON") << QByteArray(R"({"id": "a", "text": )") << QStringLiteral("invalid JSON");
    QTest::newRow("not an object") << QByteArray(R"(["a"])") << QStringLiteral("expected a JSON object");
    QTest::newRow("missing text") << QByteArray(R"({"id": "a", "codes": []})") << QStringLiteral("\"text\"");
    QTest::newRow("missing codes") << QByteArray(R"({"id": "a", "text": "x"})")
                                   << QStringLiteral("\"codes\"");
    QTest::newRow("id is an array") << QByteArray(R"({"id": [], "text": "x", "codes": []})")
                                    << QStringLiteral("\"id\"");
    QTest::newRow("code not a string")
        << QByteArray(R"({"id": "a", "text": "x", "codes": [401]})") << QStringLiteral("codes[0]");
    QTest::newRow("blank code") << QByteArray(R"({"id": "a", "text": "x", "codes": ["  "]})")
                                << QStringLiteral("codes[0] is empty");
    QTest::newRow("evidence past the end in code points")
        << QByteArray(
               R"({"id": "a", "text": "ñ😷ab", "codes": [], "evidence": [{"code": "X", "begin": 1, "end": 5}]})")
        << QStringLiteral("evidence[0] [1, 5)");
    QTest::newRow("empty evidence span")
        << QByteArray(
               R"({"id": "a", "text": "abc", "codes": [], "evidence": [{"code": "X", "begin": 2, "end": 2}]})")
        << QStringLiteral("evidence[0]");
    QTest::newRow("negative offset")
        << QByteArray(
               R"({"id": "a", "text": "abc", "codes": [], "evidence": [{"code": "X", "begin": -1, "end": 2}]})")
        << QStringLiteral("evidence[0]");
    QTest::newRow("fractional offset")
        << QByteArray(
               R"({"id": "a", "text": "abc", "codes": [], "evidence": [{"code": "X", "begin": 0.5, "end": 2}]})")
        << QStringLiteral("evidence[0].begin must be an integer");
    QTest::newRow("evidence without code")
        << QByteArray(R"({"id": "a", "text": "abc", "codes": [], "evidence": [{"begin": 0, "end": 2}]})")
        << QStringLiteral("\"code\"");
    QTest::newRow("invalid UTF-8") << QByteArray("{\"id\": \"a\", \"text\": \"\xC3(\", \"codes\": []}")
                                   << QStringLiteral("invalid JSON");
}

void TestDataset::rejectsMalformedLines() {
    QFETCH(QByteArray, line);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.jsonl"));
    writeFile(path, R"({"id": "ok", "text": "fine", "codes": ["A"]})"
                    "\n\n" +
                        line + "\n");
    try {
        fc::loadDataset(path.toStdString());
        QFAIL("malformed line accepted");
    } catch (const fc::InputError& e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.startsWith(path + QStringLiteral(":3: ")), e.what());
        QVERIFY2(what.contains(message), e.what());
        QVERIFY2(!what.contains(QLatin1Char('\n')), "the message must be one line");
    }
}

void TestDataset::collectsLabels() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("labels.jsonl"));
    writeFile(path, R"({"id": "1", "text": "", "codes": ["b1", "A2"]}
{"id": "2", "text": "", "codes": ["C3", "B1"]}
{"id": "3", "text": "", "codes": ["C3", "c3"]}
)");
    QCOMPARE(fc::labelsFromDataset(path.toStdString()), (std::vector<std::string>{"A2", "B1", "C3"}));
    const auto counts = fc::codeFrequencies(path.toStdString());
    const std::vector<std::pair<std::string, std::int64_t>> expected{{"B1", 2}, {"C3", 2}, {"A2", 1}};
    QCOMPARE(counts, expected);
}

QTEST_GUILESS_MAIN(TestDataset)
#include "tst_dataset.moc"
