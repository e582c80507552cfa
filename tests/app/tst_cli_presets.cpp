// The issue-17 presets through fusioncoder-cli as a script uses them: train (tiny network options through a
// JSON config, one epoch), eval (the metric names), predict (codes with evidence spans from the network's
// label attention), and --resume for a second epoch. One loop over the presets, seconds each.
#include "../support/alpha_beta_dataset.h"
#include "../support/cli_run.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

namespace {

using Run = fc::testing::CliRun;
using fc::testing::runCli;

using fc::testing::writeFile;

// Code n39.0 iff the note mentions "alpha", 0dtj0zz iff "beta" (ICD-10-CM and ICD-10-PCS, so JointLAAT gets
// two parents).
QByteArray dataset(int documents, int offset) {
    return fc::testing::alphaBetaDataset(documents, offset, "n39.0", "0dtj0zz", [](int) { return 6; });
}

} // namespace

class TestCliPresets : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        writeFile(path("train.jsonl"), dataset(12, 0));
        writeFile(path("dev.jsonl"), dataset(6, 1));
        writeFile(path("note.txt"), "The patient reports alpha and beta.\n");
        // C-MemNN's memory: each code's description.
        writeFile(path("descriptions.tsv"),
                  "n39.0\tUrinary tract infection, alpha\n0dtj0zz\tResection of beta\n");
    }

    void trainEvalPredict_data() {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QByteArray>("network");
        QTest::addColumn<QByteArray>("extra"); // more top-level config keys
        const QByteArray laat =
            R"({"embedding_dim": 8, "rnn_hidden": 8, "attention_dim": 4, "level_projection": 4,
                                    "max_tokens": 64})";
        QTest::newRow("laat") << QStringLiteral("laat") << laat << QByteArray();
        QTest::newRow("jointlaat") << QStringLiteral("jointlaat") << laat << QByteArray();
        QTest::newRow("clstm-att") << QStringLiteral("clstm-att")
                                   << QByteArray(R"({"embedding_dim": 8, "rnn_hidden": 8, "segment_tokens": 4,
                                                    "max_tokens": 64})")
                                   << QByteArray();
        QTest::newRow("msatt-kg") << QStringLiteral("msatt-kg")
                                  << QByteArray(R"({"embedding_dim": 8, "dense_layers": 2, "dense_growth": 8,
                                                   "max_tokens": 64})")
                                  << QByteArray();
        QTest::newRow("cmemnn") << QStringLiteral("cmemnn")
                                << QByteArray(R"({"embedding_dim": 8, "memory_hops": 2, "memory_tokens": 8,
                                                 "max_tokens": 64})")
                                << QByteArray(R"(, "descriptions_file": "descriptions.tsv")");
        QTest::newRow("hypercore") << QStringLiteral("hypercore")
                                   << QByteArray(R"({"embedding_dim": 8, "conv_maps": 8, "ball_dim": 4,
                                                    "max_tokens": 64})")
                                   << QByteArray();
        QTest::newRow("fusion-plus") << QStringLiteral("fusion-plus")
                                     << QByteArray(
                                            R"({"embedding_dim": 8, "filter_sizes": [3], "filter_maps": 16,
                                                       "ffn_dim": 16, "max_tokens": 64})")
                                     << QByteArray();
    }

    void trainEvalPredict() {
        QFETCH(QString, preset);
        QFETCH(QByteArray, network);
        QFETCH(QByteArray, extra);
        const QString config = path(qPrintable(preset + ".json"));
        writeFile(config, "{\"preset\": \"" + preset.toUtf8() +
                              "\", \"min_document_frequency\": 1, \"network\": " + network + extra + "}");
        const QString model = path(qPrintable(preset + "-model"));
        const Run trained = runCli({"train", "--config", config, "--train", path("train.jsonl"), "--dev",
                                    path("dev.jsonl"), "--out", model, "--epochs", "1", "--threads", "1"});
        QVERIFY2(trained.exitCode == 0, trained.err.constData());
        const QJsonObject summary = QJsonDocument::fromJson(trained.out).object();
        QCOMPARE(summary.value("preset").toString(), preset);
        QCOMPARE(summary.value("labels").toInt(), 2);
        QCOMPARE(summary.value("epochs").toInt(), 1);

        const Run evaluated = runCli({"eval", "--model", model, "--data", path("dev.jsonl"), "--json"});
        QVERIFY2(evaluated.exitCode == 0, evaluated.err.constData());
        const QJsonObject metrics = QJsonDocument::fromJson(evaluated.out).object();
        for (const char* name : {"macro_auc", "micro_f1", "p_at_5", "p_at_8", "map", "n_docs"})
            QVERIFY2(metrics.contains(QLatin1String(name)), name);
        QCOMPARE(metrics.value("n_docs").toInt(), 6);

        const Run predicted = runCli({"predict", "--model", model, "--top", "0", path("note.txt")});
        QVERIFY2(predicted.exitCode == 0, predicted.err.constData());
        const QJsonArray codes = QJsonDocument::fromJson(predicted.out).object().value("codes").toArray();
        QCOMPARE(codes.size(), 2);
        for (const auto& code : codes) {
            const QJsonArray evidence = code.toObject().value("evidence").toArray();
            QVERIFY2(!evidence.isEmpty(), qPrintable(code.toObject().value("code").toString()));
            const QJsonObject span = evidence.first().toObject();
            QVERIFY(span.value("end").toInt() > span.value("begin").toInt());
            QVERIFY(span.value("weight").toDouble() > 0.0);
        }

        // A resumed run rebuilds the network from the saved state, with the config's non-default sizes.
        const Run resumed =
            runCli({"train", "--config", config, "--train", path("train.jsonl"), "--dev", path("dev.jsonl"),
                    "--out", model, "--epochs", "2", "--threads", "1", "--resume"});
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        QCOMPARE(QJsonDocument::fromJson(resumed.out).object().value("epochs").toInt(), 2);
    }

private:
    QString path(const char* name) const { return m_dir.filePath(QLatin1String(name)); }
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestCliPresets)
#include "tst_cli_presets.moc"
