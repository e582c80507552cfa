// fc::trainStreaming: the training file read as a stream through a shuffle buffer (training.h).
#include "../support/tiny_fusion.h"
#include "fc/model/dataset.h"
#include "fc/model/errors.h"
#include "fc/model/training.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <string>
#include <vector>

namespace {

// Code A iff the note mentions "alpha", B iff "beta"; every fifth note has only an unknown code (skipped).
std::vector<fc::Document> documents(int count, int offset) {
    const char* filler[] = {"patient", "pain", "history", "normal", "exam", "fever", "stable", "treated"};
    std::vector<fc::Document> out;
    for (int i = 0; i < count; ++i) {
        fc::Document d;
        d.id = "d" + std::to_string(i);
        for (int w = 0; w < 6; ++w)
            d.text += std::string(filler[(i * 3 + w * 5 + offset) % 8]) + " ";
        const int kind = (i + offset) % 3;
        if (kind != 1) {
            d.text += "alpha ";
            d.codes.push_back("A");
        }
        if (kind != 0) {
            d.text += "beta";
            d.codes.push_back("B");
        }
        if (i % 5 == 4)
            d.codes = {"ZZZ"};
        out.push_back(d);
    }
    return out;
}

std::vector<double> losses(const fc::TrainResult& result) {
    std::vector<double> out;
    for (const auto& record : result.history)
        out.push_back(record.trainLoss);
    return out;
}

} // namespace

class TestStreamingTraining : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        fc::saveDataset(path("train.jsonl"), documents(40, 0));
        m_dev = documents(10, 1);
    }

    void trainsAModelFromTheStream() {
        fc::TrainOptions options = fc::testing::tinyFusionOptions();
        options.shuffleBuffer = 8;
        options.batchSize = 4;
        options.topLabels = 2; // A and B; the notes with only ZZZ are skipped
        const auto result = fc::trainStreaming(options, path("train.jsonl"), m_dev, path("model"));
        QCOMPARE(result.epochs, 2);
        QCOMPARE(result.trainDocuments, std::size_t{32}); // 8 of 40 have only ZZZ
        QCOMPARE(result.trainSkipped, std::size_t{8});
        QCOMPARE(result.labels, std::size_t{2});
        QVERIFY(result.bestEpoch >= 1);
        QVERIFY(QFile::exists(QString::fromStdString(path("model/weights.pt"))));

        // Same seed, same buffer: the same order, the same losses; another buffer size: another order.
        const auto again = fc::trainStreaming(options, path("train.jsonl"), m_dev, path("model-again"));
        QCOMPARE(losses(again), losses(result));
        options.shuffleBuffer = 1; // file order
        const auto fileOrder =
            fc::trainStreaming(options, path("train.jsonl"), m_dev, path("model-file-order"));
        QVERIFY(losses(fileOrder) != losses(result));
    }

    void resumesFromTheState() {
        fc::TrainOptions options = fc::testing::tinyFusionOptions();
        options.shuffleBuffer = 16;
        options.maxEpochs = 3;
        const auto straight = fc::trainStreaming(options, path("train.jsonl"), m_dev, path("straight"));
        options.maxEpochs = 2;
        fc::trainStreaming(options, path("train.jsonl"), m_dev, path("resumed"));
        options.maxEpochs = 3;
        const auto resumed =
            fc::trainStreaming(options, path("train.jsonl"), m_dev, path("resumed"), {}, true);
        QCOMPARE(resumed.epochs, 3);
        QCOMPARE(losses(resumed).back(), losses(straight).back());
    }

    void refusesWhatNeedsEveryNote() {
        fc::TrainOptions options = fc::testing::tinyFusionOptions();
        options.embeddings = fc::EmbeddingSource::TrainCbow;
        QVERIFY_THROWS_EXCEPTION(fc::InputError,
                                 fc::trainStreaming(options, path("train.jsonl"), m_dev, path("never")));
        options = fc::testing::tinyFusionOptions();
        options.retrievalPrior = 5;
        QVERIFY_THROWS_EXCEPTION(fc::InputError,
                                 fc::trainStreaming(options, path("train.jsonl"), m_dev, path("never")));
    }

private:
    std::string path(const char* name) const {
        return m_dir.filePath(QString::fromLatin1(name)).toStdString();
    }
    QTemporaryDir m_dir;
    std::vector<fc::Document> m_dev;
};

QTEST_GUILESS_MAIN(TestStreamingTraining)
#include "tst_streaming_training.moc"
