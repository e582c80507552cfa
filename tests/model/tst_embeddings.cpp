// fc embeddings: the `.embed` text format, alignment as the authors' loader, CBOW training via fastText.
#include "fc/model/embeddings.h"
#include "fc/model/errors.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <numeric>
#include <random>

namespace {

const std::string kAuthorsLayout = FC_SOURCE_DIR "/tests/fixtures/text/authors_layout.embed";

double norm(const float* v, std::int64_t dim) {
    double s = 0;
    for (std::int64_t k = 0; k < dim; ++k)
        s += double(v[k]) * v[k];
    return std::sqrt(s);
}

double cosine(const float* a, const float* b, std::int64_t dim) {
    double dot = 0;
    for (std::int64_t k = 0; k < dim; ++k)
        dot += double(a[k]) * b[k];
    return dot / (norm(a, dim) * norm(b, dim));
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

QString inputErrorOf(const std::string& path) {
    try {
        fc::readEmbedFile(path);
    } catch (const fc::InputError& e) {
        return QString::fromUtf8(e.what());
    }
    return QString();
}

// Two topics whose words never share a sentence; filler words appear everywhere.
const std::vector<std::string> kRespiratory{"fever",   "cough",    "sputum",     "pneumonia",
                                            "dyspnea", "wheezing", "infiltrate", "antibiotic"};
const std::vector<std::string> kOrthopedic{"fracture",  "femur",  "cast",   "orthopedic",
                                           "displaced", "radius", "splint", "reduction"};
const std::vector<std::string> kFiller{"patient", "with", "the", "and", "was", "noted"};

std::vector<std::string> syntheticCorpus(int sentences) {
    std::mt19937 rng(7);
    std::vector<std::string> documents;
    for (int i = 0; i < sentences; ++i) {
        const std::vector<std::string>& topic = i % 2 ? kRespiratory : kOrthopedic;
        std::uniform_int_distribution<std::size_t> word(0, topic.size() - 1), filler(0, kFiller.size() - 1);
        std::string text = "The PATIENT";
        for (int k = 0; k < 7; ++k)
            text += (k % 3 == 2 ? " " + kFiller[filler(rng)] : " ") + " " + topic[word(rng)] + ",";
        documents.push_back(text + " 37.5 ok.");
    }
    return documents;
}

} // namespace

class TestEmbeddings : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsAuthorsLayout();
    void alignsLikeTheAuthorsLoader();
    void alignsByWordAndFillsMissingRows();
    void writesAndReadsBack();
    void rejectsMalformedFiles_data();
    void rejectsMalformedFiles();
    void cbowLearnsTopicClusters();
    void cbowIsDeterministicWithOneThread();
    void cbowCancels();
    void cbowRejectsEmptyCorpus();
};

void TestEmbeddings::readsAuthorsLayout() {
    const fc::WordVectors vectors = fc::readEmbedFile(kAuthorsLayout);
    QCOMPARE(vectors.dim, std::int64_t(4));
    QCOMPARE(vectors.words, (std::vector<std::string>{"**PAD**", "alpha", "beta", "gamma"}));
    QCOMPARE(vectors.vector(1)[2], 4.0f);
    QCOMPARE(vectors.vector(2)[1], 0.5f);
}

void TestEmbeddings::alignsLikeTheAuthorsLoader() {
    const fc::Vocabulary vocabulary({"gamma", "alpha", "beta"});
    fc::EmbeddingAlignment report;
    const fc::EmbeddingMatrix m = fc::loadEmbeddings(kAuthorsLayout, vocabulary, 1, &report);
    QCOMPARE(m.rows, vocabulary.rows());
    QCOMPARE(m.dim, std::int64_t(4));
    QCOMPARE(report.found, std::int64_t(3));
    QCOMPARE(report.missing, std::int64_t(0));
    QCOMPARE(report.unused, std::int64_t(0));
    // numpy: vec / (norm(vec) + 1e-6), row i of the file = id i.
    for (std::int64_t k = 0; k < 4; ++k)
        QCOMPARE(m.row(0)[k], 0.0f);
    QCOMPARE(m.row(1)[0], static_cast<float>(3.0 / (5.0 + 1e-6)));
    QCOMPARE(m.row(1)[2], static_cast<float>(4.0 / (5.0 + 1e-6)));
    QCOMPARE(m.row(2)[1], static_cast<float>(0.5 / (0.5 + 1e-6)));
    QCOMPARE(m.row(3)[3], static_cast<float>(-1.0 / (2.0 + 1e-6)));
    // UNK: a seeded standard-normal draw, normalised.
    const float* unk = m.row(vocabulary.unkId());
    QVERIFY(std::abs(norm(unk, 4) - 1.0) < 1e-5);
    const fc::EmbeddingMatrix same = fc::loadEmbeddings(kAuthorsLayout, vocabulary, 1);
    const fc::EmbeddingMatrix other = fc::loadEmbeddings(kAuthorsLayout, vocabulary, 2);
    QVERIFY(std::equal(unk, unk + 4, same.row(vocabulary.unkId())));
    QVERIFY(!std::equal(unk, unk + 4, other.row(vocabulary.unkId())));
}

void TestEmbeddings::alignsByWordAndFillsMissingRows() {
    fc::WordVectors vectors;
    vectors.dim = 3;
    vectors.words = {"zeta", "**UNK**", "alpha", "stray"};
    vectors.values = {0, 0, 2, /**/ 0, 1, 0, /**/ 1, 0, 0, /**/ 5, 5, 5};
    const fc::Vocabulary vocabulary({"alpha", "missing", "zeta"});
    fc::EmbeddingAlignment report;
    const fc::EmbeddingMatrix m = fc::alignEmbeddings(vectors, vocabulary, 3, &report);
    QCOMPARE(report.found, std::int64_t(2));
    QCOMPARE(report.missing, std::int64_t(1));
    QCOMPARE(report.unused, std::int64_t(1));
    QVERIFY(std::abs(m.row(1)[0] - 1.0f) < 1e-5f);                  // alpha, although third in the input
    QVERIFY(std::abs(m.row(3)[2] - 1.0f) < 1e-5f);                  // zeta
    QVERIFY(std::abs(m.row(vocabulary.unkId())[1] - 1.0f) < 1e-5f); // the file's **UNK** row is used
    const float* missing = m.row(2);
    QVERIFY(std::abs(norm(missing, 3) - 1.0) < 1e-5);
    // With no UNK row in the input, the first draw goes to UNK and the next to the missing word.
    vectors.words[1] = "other";
    const fc::EmbeddingMatrix drawn = fc::alignEmbeddings(vectors, vocabulary, 3);
    QVERIFY(std::abs(cosine(drawn.row(2), drawn.row(vocabulary.unkId()), 3)) < 0.999);
    QVERIFY(std::abs(norm(drawn.row(vocabulary.unkId()), 3) - 1.0) < 1e-5);
}

void TestEmbeddings::writesAndReadsBack() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(QStringLiteral("vectors.embed")).toStdString();
    fc::WordVectors vectors;
    vectors.dim = 3;
    vectors.words = {"b", "a", "año"};
    vectors.values = {0.1f, -2.5e-7f, 3.0f, /**/ 1.0f / 3.0f, 0.0f, -0.0f, /**/ 123456.789f, 1e-30f, -7.0f};
    const fc::Vocabulary vocabulary({"a", "b", "c", "año"});
    QCOMPARE(fc::writeEmbedFile(path, vocabulary, vectors), std::int64_t(1)); // "c" has no vector
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
    const fc::WordVectors back = fc::readEmbedFile(path);
    QCOMPARE(back.words, (std::vector<std::string>{"**PAD**", "a", "año", "b"}));
    QCOMPARE(back.dim, std::int64_t(3));
    const std::vector<float> expected{0,           0,      0,     1.0f / 3.0f, 0.0f,     -0.0f,
                                      123456.789f, 1e-30f, -7.0f, 0.1f,        -2.5e-7f, 3.0f};
    QCOMPARE(back.values, expected); // shortest round-trip text is exact
    QFile file(QString::fromStdString(path));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readLine(), QByteArray("**PAD** 0 0 0\n"));
}

void TestEmbeddings::rejectsMalformedFiles_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("where");
    QTest::newRow("ragged row") << QByteArray("a 1 2\nb 1 2\nc 1\n") << QStringLiteral(":3:");
    QTest::newRow("not a number") << QByteArray("a 1 2\nb 1 x2\n") << QStringLiteral(":2:");
    QTest::newRow("not finite") << QByteArray("a 1 nan\n") << QStringLiteral(":1:");
    QTest::newRow("duplicate word") << QByteArray("a 1 2\r\nb 3 4\r\na 5 6\r\n") << QStringLiteral(":3:");
    QTest::newRow("word only") << QByteArray("a\n") << QStringLiteral(":1:");
    QTest::newRow("empty file") << QByteArray("\n\n") << QStringLiteral("no embedding rows");
    QTest::newRow("invalid UTF-8 word") << QByteArray("a 1\n\xFF 2\n") << QStringLiteral(":2:");
}

void TestEmbeddings::rejectsMalformedFiles() {
    QFETCH(QByteArray, content);
    QFETCH(QString, where);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.embed"));
    writeFile(path, content);
    const QString message = inputErrorOf(path.toStdString());
    QVERIFY2(message.contains(where), qPrintable(message));
}

void TestEmbeddings::cbowLearnsTopicClusters() {
    fc::CbowOptions options; // the paper's settings: dim 100, window 5, 5 epochs, 5 negatives, lr 0.025
    // ...but no sub-sampling: in a 7,000-token corpus every word is "frequent" and sample = 1e-3 would keep
    // about a sixth of the tokens.
    options.sample = 0;
    std::vector<double> progress;
    const fc::WordVectors vectors =
        fc::trainCbow(syntheticCorpus(600), options, [&](double p) { progress.push_back(p); });
    QCOMPARE(vectors.dim, std::int64_t(100));
    QVERIFY(std::is_sorted(vectors.words.begin(), vectors.words.end()));
    // Tokenized like the model's input: lower-cased, numbers dropped.
    QVERIFY(std::binary_search(vectors.words.begin(), vectors.words.end(), std::string("patient")));
    QVERIFY(!std::binary_search(vectors.words.begin(), vectors.words.end(), std::string("PATIENT")));
    QVERIFY(!std::binary_search(vectors.words.begin(), vectors.words.end(), std::string("37")));
    QVERIFY(!progress.empty());
    QVERIFY(std::is_sorted(progress.begin(), progress.end()));
    QCOMPARE(progress.back(), 1.0);

    const fc::Vocabulary vocabulary(vectors.words);
    const fc::EmbeddingMatrix m = fc::alignEmbeddings(vectors, vocabulary);
    const auto meanCosine = [&](const std::vector<std::string>& a, const std::vector<std::string>& b) {
        double sum = 0;
        int n = 0;
        for (const std::string& x : a)
            for (const std::string& y : b)
                if (x != y) {
                    sum += cosine(m.row(vocabulary.id(x)), m.row(vocabulary.id(y)), m.dim);
                    ++n;
                }
        return sum / n;
    };
    const double within = (meanCosine(kRespiratory, kRespiratory) + meanCosine(kOrthopedic, kOrthopedic)) / 2;
    const double across = meanCosine(kRespiratory, kOrthopedic);
    qInfo("mean cosine within topics %.3f, across topics %.3f", within, across);
    QVERIFY2(within > 0.8 && across < 0.3,
             qPrintable(QStringLiteral("within %1 across %2").arg(within).arg(across)));
}

void TestEmbeddings::cbowIsDeterministicWithOneThread() {
    fc::CbowOptions options;
    options.dim = 20;
    options.seed = 5;
    const std::vector<std::string> corpus = syntheticCorpus(100);
    const fc::WordVectors a = fc::trainCbow(corpus, options);
    const fc::WordVectors b = fc::trainCbow(corpus, options);
    QCOMPARE(a.words, b.words);
    QVERIFY(a.values == b.values);
    options.seed = 6;
    const fc::WordVectors c = fc::trainCbow(corpus, options);
    QVERIFY(a.values != c.values);
}

void TestEmbeddings::cbowCancels() {
    const std::vector<std::string> corpus = syntheticCorpus(200);
    std::atomic<bool> cancel{true};
    QVERIFY_THROWS_EXCEPTION(fc::Cancelled, fc::trainCbow(corpus, {}, {}, &cancel));
    // Cancelled from the progress callback, i.e. while fastText is training.
    cancel = false;
    fc::CbowOptions options;
    options.epochs = 50;
    int calls = 0;
    QVERIFY_THROWS_EXCEPTION(fc::Cancelled, fc::trainCbow(
                                                corpus, options,
                                                [&](double) {
                                                    if (++calls == 2)
                                                        cancel = true;
                                                },
                                                &cancel));
    QCOMPARE(calls, 2); // no progress after the cancel took effect
}

void TestEmbeddings::cbowRejectsEmptyCorpus() {
    QVERIFY_THROWS_EXCEPTION(fc::InputError, fc::trainCbow(std::vector<std::string>{"123 4.5", ""}));
    fc::CbowOptions options;
    options.minCount = 1000;
    QVERIFY_THROWS_EXCEPTION(fc::InputError, fc::trainCbow(syntheticCorpus(10), options));
    options.minCount = 1;
    options.dim = 0;
    QVERIFY_THROWS_EXCEPTION(fc::InputError, fc::trainCbow(syntheticCorpus(10), options));
    QVERIFY_THROWS_EXCEPTION(fc::InputError, fc::trainCbow(std::vector<std::string>{"ok", "bad \xC3"}));
}

QTEST_GUILESS_MAIN(TestEmbeddings)
#include "tst_embeddings.moc"
