// fusioncoder-cli train and eval as scripts see them: a tiny model trained from dataset files through a JSON
// config, the summary and metric names on stdout, exit code 2 with one line on stderr for bad input.
#include "../support/alpha_beta_dataset.h"
#include "../support/cli_run.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

using Run = fc::testing::CliRun;
using fc::testing::runCli;

using fc::testing::writeFile;

// Code A iff the note mentions "alpha", B iff "beta"; every note has one of them.
QByteArray dataset(int documents, int offset) {
    return fc::testing::alphaBetaDataset(documents, offset, "A", "B", [](int) { return 8; });
}

} // namespace

class TestCliTrainEval : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        writeFile(path("train.jsonl"), dataset(24, 0));
        writeFile(path("dev.jsonl"),
                  dataset(9, 1) + "{\"id\":\"x\",\"text\":\"alpha\",\"codes\":[\"ZZZ\"]}\n");
        writeFile(
            path("config.json"),
            R"({"preset": "fusion", "learning_rate": 0.003, "batch_size": 8, "min_document_frequency": 1,
                      "network": {"embedding_dim": 8, "filter_sizes": [3], "filter_maps": 16, "ffn_dim": 16,
                                  "max_tokens": 32}})");
    }

    void trainThenEval() {
        const Run trained = runCli({"train", "--config", path("config.json"), "--train", path("train.jsonl"),
                                    "--dev", path("dev.jsonl"), "--out", path("model"), "--epochs", "2",
                                    "--threads", "1", "--criterion", "map"});
        QVERIFY2(trained.exitCode == 0, trained.err.constData());
        const QJsonObject summary = QJsonDocument::fromJson(trained.out).object();
        QCOMPARE(summary.value("epochs").toInt(), 2);
        QCOMPARE(summary.value("labels").toInt(), 2);
        QCOMPARE(summary.value("criterion").toString(), QStringLiteral("map"));
        QCOMPARE(summary.value("dev_skipped").toInt(), 1);
        QVERIFY(summary.value("best_epoch").toInt() >= 1);
        QVERIFY(trained.err.contains("epoch 2 done"));
        QVERIFY(QFile::exists(path("model/weights.pt")));
        QVERIFY(QFile::exists(path("model.training/state.pt")));

        const Run evaluated =
            runCli({"eval", "--model", path("model"), "--data", path("dev.jsonl"), "--json", "--truncate"});
        QVERIFY2(evaluated.exitCode == 0, evaluated.err.constData());
        const QJsonObject metrics = QJsonDocument::fromJson(evaluated.out).object();
        for (const char* name : {"macro_auc", "micro_auc", "macro_f1", "macro_f1_per_code", "micro_f1",
                                 "p_at_5", "p_at_8", "p_at_15", "map", "n_docs", "n_skipped"})
            QVERIFY2(metrics.contains(QLatin1String(name)), name);
        QCOMPARE(metrics.value("n_docs").toInt(), 9);
        QCOMPARE(metrics.value("n_skipped").toInt(), 1);

        // Resume with a higher epoch cap continues at epoch 3.
        const Run resumed = runCli({"train", "--config", path("config.json"), "--train", path("train.jsonl"),
                                    "--dev", path("dev.jsonl"), "--out", path("model"), "--epochs", "3",
                                    "--threads", "1", "--criterion", "map", "--resume"});
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        QVERIFY(resumed.err.contains("resuming after epoch 2"));
        QCOMPARE(QJsonDocument::fromJson(resumed.out).object().value("epochs").toInt(), 3);

        // Resumed again without --epochs: the run's own cap (3) holds, not the preset's 30 epochs.
        const Run again = runCli({"train", "--config", path("config.json"), "--train", path("train.jsonl"),
                                  "--dev", path("dev.jsonl"), "--out", path("model"), "--threads", "1",
                                  "--criterion", "map", "--resume"});
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QCOMPARE(QJsonDocument::fromJson(again.out).object().value("epochs").toInt(), 3);
        QVERIFY2(!again.err.contains("epoch 4"), again.err.constData());
    }

    void badInputExitsTwo_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("no train") << QStringList{"train", "--dev", "x", "--out", "y"}
                                  << QByteArray("--train");
        QTest::newRow("unknown preset")
            << QStringList{"train", "--preset", "bert", "--train", "a", "--dev", "b", "--out", "c"}
            << QByteArray("bert");
        QTest::newRow("missing train file")
            << QStringList{"train", "--train", "/nonexistent.jsonl", "--dev", "b", "--out", "c"}
            << QByteArray("nonexistent");
        QTest::newRow("bad criterion")
            << QStringList{"train", "--criterion", "p_at_3", "--train", "a", "--dev", "b", "--out", "c"}
            << QByteArray("p_at_3");
        QTest::newRow("eval without data") << QStringList{"eval", "--model", "m"} << QByteArray("--data");
        QTest::newRow("eval missing model")
            << QStringList{"eval", "--model", "/nonexistent-model", "--data", "d"}
            << QByteArray("nonexistent-model");
    }

    void badInputExitsTwo() {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, message);
        const Run run = runCli(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(message), run.err.constData());
        QCOMPARE(run.err.trimmed().count('\n'), 0); // one line
    }

    void malformedDatasetNamesTheLine() {
        writeFile(path("bad.jsonl"), dataset(2, 0) + "{\"id\": 3, \"text\": }\n");
        const Run run = runCli(
            {"train", "--train", path("bad.jsonl"), "--dev", path("dev.jsonl"), "--out", path("never")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("bad.jsonl:3"), run.err.constData());
        QVERIFY(!QFile::exists(path("never")));
    }

private:
    QString path(const char* name) const { return m_dir.filePath(QLatin1String(name)); }
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestCliTrainEval)
#include "tst_cli_train_eval.moc"
