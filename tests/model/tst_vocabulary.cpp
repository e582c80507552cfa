// fc::Vocabulary: ids as the authors' loader assigns them (0 PAD, sorted words 1..V, V+1 UNK).
#include "fc/model/errors.h"
#include "fc/model/vocabulary.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <stdexcept>

namespace {

const std::string kAuthorsVocab = FC_SOURCE_DIR "/tests/fixtures/text/vocab_authors.csv";

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

} // namespace

class TestVocabulary : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void idsFollowSortedOrder();
    void loadsAuthorsFileLikeTheirLoader();
    void savesAndReloads();
    void rejectsInvalidWords_data();
    void rejectsInvalidWords();
    void reportsLineOfInvalidUtf8();
};

void TestVocabulary::idsFollowSortedOrder() {
    const fc::Vocabulary vocabulary({"pain", "fever", "abdominal", "fever"});
    QCOMPARE(vocabulary.size(), std::size_t(3));
    QCOMPARE(vocabulary.id("abdominal"), std::int64_t(1));
    QCOMPARE(vocabulary.id("fever"), std::int64_t(2));
    QCOMPARE(vocabulary.id("pain"), std::int64_t(3));
    QCOMPARE(vocabulary.unkId(), std::int64_t(4));
    QCOMPARE(vocabulary.rows(), std::int64_t(5));
    QCOMPARE(vocabulary.id("unknown"), vocabulary.unkId());
    QCOMPARE(vocabulary.id("Fever"), vocabulary.unkId()); // case-sensitive: the tokenizer lower-cases
    QCOMPARE(vocabulary.word(0), std::string("**PAD**"));
    QCOMPARE(vocabulary.word(2), std::string("fever"));
    QCOMPARE(vocabulary.word(4), std::string("**UNK**"));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, vocabulary.word(5));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, vocabulary.word(-1));
    const fc::Vocabulary empty;
    QCOMPARE(empty.unkId(), std::int64_t(1));
    QCOMPARE(empty.id("x"), std::int64_t(1));
}

void TestVocabulary::loadsAuthorsFileLikeTheirLoader() {
    // First-occurrence order, CRLF, a blank line, padded and duplicate words. Expected = Python's
    // sorted({line.strip() for line in f if line.strip()}) (code-point order: 'Z' < '[' < 'a' < 'é' < U+FFFD
    // < U+1F637, where UTF-16 order would put the emoji before U+FFFD).
    const fc::Vocabulary vocabulary = fc::Vocabulary::load(kAuthorsVocab);
    const std::vector<std::string> expected{"Zebra", "[CLS]", "[SEP]", "a",  "ano",          "apple", "año",
                                            "b",     "zeta",  "é",     "中", "\xEF\xBF\xBD", "😷"};
    QCOMPARE(vocabulary.words(), expected);
    for (std::size_t i = 0; i < expected.size(); ++i)
        QCOMPARE(vocabulary.id(expected[i]), static_cast<std::int64_t>(i + 1));
}

void TestVocabulary::savesAndReloads() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(QStringLiteral("vocab.txt")).toStdString();
    const fc::Vocabulary original = fc::Vocabulary::load(kAuthorsVocab);
    original.save(path);
    original.save(path); // replaces the existing file
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("vocab.txt")});
    QFile file(QString::fromStdString(path));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().startsWith("Zebra\n[CLS]\n[SEP]\na\n"));
    QCOMPARE(fc::Vocabulary::load(path).words(), original.words());
}

void TestVocabulary::rejectsInvalidWords_data() {
    QTest::addColumn<QByteArray>("word");
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("line break") << QByteArray("a\nb");
    QTest::newRow("carriage return") << QByteArray("a\rb");
    QTest::newRow("leading space") << QByteArray(" a");
    QTest::newRow("invalid UTF-8") << QByteArray("a\xC3");
}

void TestVocabulary::rejectsInvalidWords() {
    QFETCH(QByteArray, word);
    QVERIFY_THROWS_EXCEPTION(fc::InputError, fc::Vocabulary({"ok", word.toStdString()}));
}

void TestVocabulary::reportsLineOfInvalidUtf8() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.csv"));
    writeFile(path, QByteArray("one\ntwo\nth\xFFree\n"));
    try {
        fc::Vocabulary::load(path.toStdString());
        QFAIL("invalid UTF-8 accepted");
    } catch (const fc::InputError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("bad.csv:3:")), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(fc::InputError,
                             fc::Vocabulary::load(dir.filePath(QStringLiteral("none")).toStdString()));
}

QTEST_GUILESS_MAIN(TestVocabulary)
#include "tst_vocabulary.moc"
