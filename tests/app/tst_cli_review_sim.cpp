// fusioncoder-cli review-sim as scripts see it: a tiny model reviews a synthetic dataset, is fine-tuned on
// the simulated decisions and gated; the JSON's counts must add up to what the dataset implies, and bad input
// exits 2 with one line on stderr.
#include "../support/cli_run.h"
#include "../support/tiny_fusion.h"
#include "fc/model/dataset.h"
#include "fc/model/training.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace fc;

namespace {

using Run = fc::testing::CliRun;

Run cli(const QStringList& arguments) {
    return fc::testing::runCli(arguments, {}, 60000);
}

// ALPHA iff "alpha", BETA iff "beta"; every third note also has GAMMA, a code the model never saw, so the
// coder has to add it.
std::vector<Document> notes(int count) {
    std::vector<Document> docs;
    for (int i = 0; i < count; ++i) {
        Document doc;
        doc.id = "n" + std::to_string(i);
        doc.text = "patient note " + std::to_string(i) + (i % 2 == 0 ? " alpha" : " beta");
        doc.codes.push_back(i % 2 == 0 ? "ALPHA" : "BETA");
        if (i % 3 == 0) {
            doc.text += " gamma";
            doc.codes.push_back("GAMMA");
        }
        docs.push_back(doc);
    }
    return docs;
}

qint64 integer(const QJsonObject& object, const char* key) {
    const QJsonValue value = object.value(QLatin1String(key));
    return value.isDouble() ? static_cast<qint64>(value.toDouble()) : -1;
}

} // namespace

class TstCliReviewSim : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void countsAddUp();
    void tableOutput();
    void badInputExitsTwo();

private:
    QString path(const char* name) const { return m_dir.filePath(QLatin1String(name)); }
    QTemporaryDir m_dir;
};

void TstCliReviewSim::initTestCase() {
    QVERIFY(m_dir.isValid());
    const auto all = notes(20);
    saveDataset(path("notes.jsonl").toStdString(), all);
    // The model only knows ALPHA and BETA: it is trained on the notes without GAMMA.
    std::vector<Document> train;
    for (auto doc : all) {
        doc.codes.erase(std::remove(doc.codes.begin(), doc.codes.end(), "GAMMA"), doc.codes.end());
        train.push_back(doc);
    }
    fc::train(fc::testing::tinyFusionOptions(), train, train, path("base").toStdString());
    QFile empty(path("empty.jsonl"));
    QVERIFY(empty.open(QIODevice::WriteOnly));
}

void TstCliReviewSim::countsAddUp() {
    const QString out = path("tuned");
    const Run run =
        cli({"review-sim", "--model", path("base"), "--data", path("notes.jsonl"), "--notes", "16", "--dev",
             path("notes.jsonl"), "--epochs", "2", "--threads", "1", "--out", out, "--json"});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QJsonParseError error{};
    const QJsonObject json = QJsonDocument::fromJson(run.out, &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, run.out.constData());

    // What the first 16 notes imply: 16 gold ALPHA/BETA codes, GAMMA on notes 0, 3, ..., 15.
    const auto reviewed = notes(16);
    qint64 gold = 0, gamma = 0;
    for (const auto& doc : reviewed) {
        gold += static_cast<qint64>(doc.codes.size());
        gamma += std::count(doc.codes.begin(), doc.codes.end(), "GAMMA");
    }
    QCOMPARE(integer(json, "notes"), qint64{16});
    QCOMPARE(integer(json, "fine_tune_notes") + integer(json, "held_out_notes"), qint64{16});
    QVERIFY(integer(json, "held_out_notes") >= 1);
    QCOMPARE(integer(json, "dev_notes"), qint64{4}); // the 4 notes of the file that were not reviewed

    const QJsonObject decisions = json.value("decisions").toObject();
    const qint64 accepted = integer(decisions, "accepted"), rejected = integer(decisions, "rejected"),
                 added = integer(decisions, "added");
    QVERIFY(accepted >= 0 && rejected >= 0 && added >= 0);
    QCOMPARE(accepted + rejected + added, integer(decisions, "total"));
    QCOMPARE(accepted + added, integer(decisions, "gold"));
    QCOMPARE(integer(decisions, "gold"), gold);
    // Two labels, fewer than the five every note shows: each note shows both.
    QCOMPARE(integer(json, "labels_before"), qint64{2});
    QCOMPARE(accepted + rejected, integer(decisions, "suggested"));
    QCOMPARE(integer(decisions, "suggested"), qint64{2 * 16});
    QCOMPARE(accepted, qint64{16}); // every note's ALPHA or BETA was suggested, so accepted
    QCOMPARE(rejected, qint64{16});
    QCOMPARE(added, gamma); // only GAMMA was never suggested

    const QJsonObject outside = json.value("outside_label_set").toObject();
    QCOMPARE(integer(outside, "decisions"), gamma);
    QCOMPARE(integer(outside, "codes"), qint64{1});
    QCOMPARE(integer(json, "labels_after"), integer(json, "labels_before") + integer(json, "labels_added"));
    QVERIFY(integer(json, "labels_added") <= 1);

    const QJsonObject fineTune = json.value("fine_tune").toObject();
    QCOMPARE(integer(fineTune, "reviewed_examples"), integer(json, "fine_tune_notes"));
    QCOMPARE(fineTune.value("epoch_loss").toArray().size(), 2);
    const QJsonObject seconds = json.value("seconds").toObject();
    QVERIFY(seconds.value("fine_tune").toDouble() > 0.0);
    QVERIFY(seconds.value("fine_tune").toDouble() <= seconds.value("total").toDouble());
    QVERIFY(json.value("peak_rss_mb").toDouble() >= json.value("peak_rss_mb_after_fine_tune").toDouble());
    QVERIFY(json.value("peak_rss_mb_after_fine_tune").toDouble() > 1.0);

    for (const char* set : {"held_out", "dev"}) {
        const QJsonObject comparison = json.value(QLatin1String(set)).toObject();
        for (const char* side : {"before", "after"}) {
            const QJsonObject metrics = comparison.value(QLatin1String(side)).toObject();
            for (const char* name : {"micro_f1", "macro_f1", "p_at_5", "p_at_8", "map"}) {
                const QJsonValue value = metrics.value(QLatin1String(name));
                QVERIFY2(value.isDouble() && value.toDouble() >= 0.0 && value.toDouble() <= 1.0,
                         qPrintable(QStringLiteral("%1.%2.%3").arg(set, side, name)));
            }
        }
    }
    QCOMPARE(integer(json.value("dev").toObject().value("before").toObject(), "n_docs"), qint64{4});
    const QJsonObject gate = json.value("gate").toObject();
    QVERIFY(gate.value("passed").isBool());
    QVERIFY(!gate.value("verdict").toString().isEmpty());
    QVERIFY(QFile::exists(QDir(out).filePath("model.json")));
}

void TstCliReviewSim::tableOutput() {
    // No training steps: the run is quick and the fine-tuned model only differs by the added label.
    const Run run = cli({"review-sim", "--model", path("base"), "--data", path("notes.jsonl"), "--epochs",
                         "0", "--threads", "1", "--keep-labels"});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY(run.out.contains("notes: 20 reviewed"));
    QVERIFY(run.out.contains("labels 2 -> 2")); // --keep-labels
    QVERIFY(run.out.contains("held-out reviewed notes"));
    QVERIFY(run.out.contains("peak RSS: "));
    QVERIFY(run.out.contains("gate (P@5"));
}

void TstCliReviewSim::badInputExitsTwo() {
    const QStringList base{"review-sim", "--model", path("base"), "--threads", "1"};
    const struct {
        QStringList arguments;
        const char* message;
    } cases[] = {
        {{"--data", path("missing.jsonl")}, "no dataset file"},
        {{"--data", path("empty.jsonl")}, "0 notes"},
        {{"--data", path("notes.jsonl"), "--held-out", "1.5"}, "--held-out"},
        {{"--data", path("notes.jsonl"), "--notes", "1"}, "at least 2"},
        {{"--data", path("notes.jsonl"), "--out", path("base")}, "already exists"},
        {{}, "--data"},
    };
    for (const auto& c : cases) {
        const Run run = cli(base + c.arguments);
        QVERIFY2(run.exitCode == 2, qPrintable(c.arguments.join(' ') + ": " + QString::fromUtf8(run.err)));
        QVERIFY2(run.err.contains(c.message), run.err.constData());
        QCOMPARE(run.err.count('\n'), 1); // one line
        QVERIFY(run.out.isEmpty());
    }
    QVERIFY(QFile::exists(QDir(path("base")).filePath("weights.pt"))); // never replaced
}

QTEST_GUILESS_MAIN(TstCliReviewSim)
#include "tst_cli_review_sim.moc"
