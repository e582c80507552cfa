// fc::train and fc::evaluateModel on a tiny synthetic task: code ALPHA iff the note says "alpha", BETA iff
// "beta", GAMMA iff "gamma". A small Fusion must learn it within a few epochs on one thread.
#include "../support/tiny_fusion.h"
#include "fc/model/dataset.h"
#include "fc/model/errors.h"
#include "fc/model/evaluation.h"
#include "fc/model/modelfiles.h"
#include "fc/model/training.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <cmath>
#include <limits>
#include <random>

using namespace fc;

namespace {

const char* const kFiller[] = {"patient", "presented", "with",  "pain",       "history", "of",     "the",
                               "was",     "treated",   "and",   "discharged", "home",    "normal", "exam",
                               "no",      "fever",     "blood", "test",       "showed",  "stable"};

// n notes of 12-20 filler words with the trigger words of their codes at random places; every note has at
// least one code.
std::vector<Document> syntheticNotes(int n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<Document> docs;
    for (int i = 0; i < n; ++i) {
        Document doc;
        doc.id = "doc" + std::to_string(i);
        const int mask = 1 + static_cast<int>(rng() % 7); // 1..7: non-empty subset of {alpha, beta, gamma}
        std::vector<std::string> words;
        const int length = 12 + static_cast<int>(rng() % 9);
        for (int w = 0; w < length; ++w)
            words.emplace_back(kFiller[rng() % std::size(kFiller)]);
        const char* triggers[] = {"alpha", "beta", "gamma"};
        const char* codes[] = {"ALPHA", "BETA", "GAMMA"};
        for (int c = 0; c < 3; ++c)
            if (mask & (1 << c)) {
                words.insert(words.begin() + static_cast<long>(rng() % (words.size() + 1)), triggers[c]);
                doc.codes.emplace_back(codes[c]);
            }
        for (const auto& word : words)
            doc.text += (doc.text.empty() ? "" : " ") + word;
        docs.push_back(std::move(doc));
    }
    return docs;
}

// A Fusion small enough to train in about a second per few epochs.
TrainOptions smallFusion() {
    TrainOptions options = fc::testing::tinyFusionOptions();
    options.network.dropout = 0.1;
    options.batchSize = 8;
    options.maxEpochs = presetOptions("fusion").maxEpochs; // each test sets its own
    options.modelName = "synthetic";
    options.modelVersion = "test";
    return options;
}

QByteArray fileBytes(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

} // namespace

class TstTraining : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void stoppingRule_data();
    void stoppingRule();
    void presetsAndConfig();
    void criterionChoice();
    void learnsSyntheticTask();
    void resumeMatchesUninterruptedRun();
    void cancelKeepsPreviousBest();
    void evaluationSkipsAndTruncates();
    void rejectsUnusableInput();
    void extrasBeyondThePaper();

private:
    std::vector<Document> m_train = syntheticNotes(48, 1);
    std::vector<Document> m_trainLarge =
        syntheticNotes(128, 3); // a small Fusion needs ~100 notes to generalise
    std::vector<Document> m_dev = syntheticNotes(24, 2);
};

void TstTraining::stoppingRule_data() {
    QTest::addColumn<QVector<double>>("history");
    QTest::addColumn<int>("patience");
    QTest::addColumn<bool>("stop");
    QTest::addColumn<int>("best");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    QTest::newRow("improving") << QVector<double>{0.1, 0.2, 0.3} << 2 << false << 2;
    QTest::newRow("too short") << QVector<double>{0.5, 0.1} << 3 << false << 0;
    QTest::newRow("patience reached") << QVector<double>{0.5, 0.1, 0.2, 0.3} << 3 << true << 0;
    QTest::newRow("one short of patience") << QVector<double>{0.5, 0.1, 0.2} << 3 << false << 0;
    QTest::newRow("tie is not a new best") << QVector<double>{0.1, 0.5, 0.5, 0.5} << 2 << true << 1;
    QTest::newRow("best at end") << QVector<double>{0.1, 0.1, 0.1, 0.2} << 2 << false << 3;
    QTest::newRow("all nan") << QVector<double>{nan, nan} << 10 << true << -1;
    QTest::newRow("nan ignored") << QVector<double>{0.3, nan, 0.1} << 3 << false << 0;
    QTest::newRow("nan ignored, stop") << QVector<double>{0.3, nan, 0.1, nan} << 3 << true << 0;
    QTest::newRow("paper: 10 after best at 1")
        << QVector<double>{0.2, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1} << 10 << true << 1;
    QTest::newRow("paper: 9 after best at 1")
        << QVector<double>{0.2, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1} << 10 << false << 1;
}

void TstTraining::stoppingRule() {
    QFETCH(QVector<double>, history);
    QFETCH(int, patience);
    QFETCH(bool, stop);
    QFETCH(int, best);
    const std::vector<double> h(history.begin(), history.end());
    QCOMPARE(shouldStopEarly(h, patience), stop);
    QCOMPARE(bestEpochIndex(h), best);
}

void TstTraining::presetsAndConfig() {
    QCOMPARE(presetOptions("fusion").maxEpochs, 30);
    QCOMPARE(presetOptions("multirescnn").maxEpochs, 500);
    QCOMPARE(presetOptions("fusion-doclevel").arch, std::string("fusion-doclevel"));
    QCOMPARE(presetOptions("fusion").learningRate, 1e-4);
    QCOMPARE(presetOptions("fusion").batchSize, 16);
    QCOMPARE(presetOptions("fusion").patience, 10);
    QCOMPARE(presetOptions("fusion").network.maxTokens, std::int64_t{2500});
    QVERIFY_THROWS_EXCEPTION(InputError, presetOptions("bert"));
    for (const auto& preset : trainingPresets())
        QCOMPARE(presetOptions(preset).preset, preset);

    const TrainOptions o = applyTrainConfig(
        R"({"preset": "multirescnn", "learning_rate": 0.001, "top_labels": 50, "embeddings_file": "vec/x.embed",
            "corpus": ["bg", "/abs/c.txt"], "network": {"filter_maps": 10, "max_tokens": 100}})",
        presetOptions("fusion"), "/data/run", "cfg.json");
    QCOMPARE(o.arch, std::string("multirescnn"));
    QCOMPARE(o.maxEpochs, 500);
    QCOMPARE(o.learningRate, 0.001);
    QCOMPARE(o.topLabels, 50);
    QVERIFY(o.embeddings == EmbeddingSource::File);
    QCOMPARE(o.embeddingsPath, std::string("/data/run/vec/x.embed"));
    QCOMPARE(o.corpusPaths, (std::vector<std::string>{"/data/run/bg", "/abs/c.txt"}));
    QCOMPARE(o.network.filterMaps, std::int64_t{10});
    QCOMPARE(o.network.maxTokens, std::int64_t{100});
    QCOMPARE(o.network.filterSizes.size(), std::size_t{6});

    const TrainOptions defaults;
    QVERIFY_THROWS_EXCEPTION(InputError, applyTrainConfig(R"({"learnin_rate": 1})", defaults, "", "c"));
    QVERIFY_THROWS_EXCEPTION(InputError, applyTrainConfig(R"({"batch_size": "big"})", defaults, "", "c"));
    QVERIFY_THROWS_EXCEPTION(InputError,
                             applyTrainConfig(R"({"network": {"filters": 1}})", defaults, "", "c"));
    QVERIFY_THROWS_EXCEPTION(InputError, applyTrainConfig("[1, 2", defaults, "", "c"));
}

void TstTraining::criterionChoice() {
    QCOMPARE(effectiveCriterion("", 50), std::string("p_at_5"));
    QCOMPARE(effectiveCriterion("", 51), std::string("p_at_8"));
    QCOMPARE(effectiveCriterion("map", 8000), std::string("map"));
    QVERIFY_THROWS_EXCEPTION(InputError, effectiveCriterion("p_at_3", 10));
}

void TstTraining::learnsSyntheticTask() {
    QTemporaryDir tmp;
    const std::string out = tmp.filePath("model").toStdString();
    TrainOptions options = smallFusion();
    options.maxEpochs = 12;
    int progressCalls = 0;
    TrainCallbacks callbacks;
    callbacks.progress = [&](const TrainProgress& p) {
        if (p.phase == "train") {
            ++progressCalls;
            QVERIFY(p.batch >= 1 && p.batch <= p.batches);
            QVERIFY(std::isfinite(p.loss));
        }
    };
    const TrainResult result = train(options, m_trainLarge, m_dev, out, callbacks);
    QVERIFY(!result.cancelled);
    QCOMPARE(result.epochs, 12);
    QCOMPARE(result.labels, std::size_t{3});
    QCOMPARE(progressCalls, 12 * 16); // 128 notes / batch 8 // 48 notes / batch 8
    QVERIFY(result.bestEpoch >= 1);
    // The loss falls and the dev ranking becomes (nearly) perfect: chance MAP here is about 0.7.
    QVERIFY2(result.history.back().trainLoss < 0.6 * result.history.front().trainLoss,
             qPrintable(QString("loss %1 -> %2")
                            .arg(result.history.front().trainLoss)
                            .arg(result.history.back().trainLoss)));
    QString curve;
    for (const auto& r : result.history)
        curve += QString(" %1/%2").arg(r.trainLoss, 0, 'f', 3).arg(r.criterion, 0, 'f', 3);
    qInfo("loss/dev map per epoch:%s", qPrintable(curve));
    QVERIFY2(result.bestCriterion > 0.95, qPrintable("loss/dev map per epoch:" + curve));

    // The written model is the best epoch, with a dev-tuned threshold, and evaluates to what training saw.
    const ModelConfig config = readModelConfig(out);
    QCOMPARE(config.labels, (std::vector<std::string>{"ALPHA", "BETA", "GAMMA"}));
    QCOMPARE(config.threshold, result.threshold);
    QVERIFY(!config.placeholder);
    QVERIFY(QFile::exists(tmp.filePath("model/train-log.jsonl")));
    QVERIFY(QFile::exists(tmp.filePath("model.training/state.pt")));
    const QList<QByteArray> log =
        fileBytes(tmp.filePath("model.training/train-log.jsonl")).trimmed().split('\n');
    QCOMPARE(log.size(), 12);

    EvaluationOptions evalOptions;
    evalOptions.threads = 1;
    const EvaluationResult eval = evaluateModel(out, m_dev, evalOptions);
    QCOMPARE(eval.metrics.n_docs, std::int64_t{24});
    QCOMPARE(eval.metrics.n_skipped, std::int64_t{0});
    const auto& best = result.history[static_cast<std::size_t>(result.bestEpoch - 1)];
    QVERIFY(std::abs(eval.metrics.map - best.devMetrics.at("map")) < 1e-6);
    QVERIFY2(eval.metrics.micro_f1 > 0.85, qPrintable(QString::number(eval.metrics.micro_f1)));
    QVERIFY(!eval.metrics.evidence_token_f1.has_value()); // the data has no evidence

    // Gold evidence on the trigger word of ALPHA: every (document, ALPHA) pair is scored.
    std::vector<Document> withEvidence = m_dev;
    std::int64_t pairs = 0;
    for (auto& doc : withEvidence) {
        const auto at = doc.text.find("alpha"); // ASCII text: byte offsets are code points
        if (at == std::string::npos)
            continue;
        doc.evidence.push_back({"ALPHA", static_cast<std::int64_t>(at), static_cast<std::int64_t>(at + 5)});
        ++pairs;
    }
    QVERIFY(pairs > 0);
    const EvaluationResult evidence = evaluateModel(out, withEvidence, evalOptions);
    QCOMPARE(evidence.evidencePairs, pairs);
    QVERIFY(evidence.metrics.evidence_token_f1.has_value());
    QVERIFY(evidence.metrics.evidence_hit_at_1.has_value());
    QCOMPARE(evidence.metrics.map, eval.metrics.map);
}

void TstTraining::resumeMatchesUninterruptedRun() {
    QTemporaryDir tmp;
    TrainOptions options = smallFusion();
    options.maxEpochs = 4;
    const TrainResult straight = train(options, m_train, m_dev, tmp.filePath("a").toStdString());

    options.maxEpochs = 2;
    const TrainResult first = train(options, m_train, m_dev, tmp.filePath("b").toStdString());
    QCOMPARE(first.epochs, 2);
    options.maxEpochs = 4;
    options.learningRate = 1.0; // ignored on resume: the saved trajectory settings win
    const TrainResult resumed = train(options, m_train, m_dev, tmp.filePath("b").toStdString(), {}, true);
    QCOMPARE(resumed.epochs, 4);
    QCOMPARE(resumed.history.size(), std::size_t{4});
    for (std::size_t e = 0; e < 4; ++e) {
        QCOMPARE(resumed.history[e].epoch, static_cast<int>(e + 1));
        QCOMPARE(resumed.history[e].trainLoss, straight.history[e].trainLoss);
        QCOMPARE(resumed.history[e].criterion, straight.history[e].criterion);
    }
    QCOMPARE(resumed.bestEpoch, straight.bestEpoch);
    QCOMPARE(fileBytes(tmp.filePath("b/weights.pt")), fileBytes(tmp.filePath("a/weights.pt")));
}

void TstTraining::cancelKeepsPreviousBest() {
    QTemporaryDir tmp;
    const QString out = tmp.filePath("model");
    TrainOptions options = smallFusion();
    options.maxEpochs = 5;
    std::atomic<bool> cancel{false};
    QByteArray weightsAfterEpoch2;
    int batchesAfterCancel = 0;
    TrainCallbacks callbacks;
    callbacks.cancel = &cancel;
    callbacks.epochDone = [&](const EpochRecord& r) {
        if (r.epoch == 2)
            weightsAfterEpoch2 = fileBytes(out + "/weights.pt");
    };
    callbacks.progress = [&](const TrainProgress& p) {
        if (p.phase != "train")
            return;
        if (cancel)
            ++batchesAfterCancel;
        if (p.epoch == 3 && p.batch == 2)
            cancel = true;
    };
    const TrainResult result = train(options, m_train, m_dev, out.toStdString(), callbacks);
    QVERIFY(result.cancelled);
    QCOMPARE(result.epochs, 2);
    QCOMPARE(batchesAfterCancel, 0);
    QVERIFY(!weightsAfterEpoch2.isEmpty());
    QCOMPARE(fileBytes(out + "/weights.pt"), weightsAfterEpoch2);
    // Only the model and the work directory: no temporary directories or files left behind.
    QCOMPARE(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot),
             (QStringList{"model", "model.training"}));
    QCOMPARE(QDir(out + ".training").entryList(QDir::Files),
             (QStringList{"state.pt", "train-log.jsonl", "training.json"}));

    // Resuming continues after epoch 2.
    std::vector<int> epochs;
    TrainCallbacks resumeCallbacks;
    resumeCallbacks.epochDone = [&](const EpochRecord& r) { epochs.push_back(r.epoch); };
    const TrainResult resumed = train(options, m_train, m_dev, out.toStdString(), resumeCallbacks, true);
    QCOMPARE(epochs, (std::vector<int>{3, 4, 5}));
    QCOMPARE(resumed.history.size(), std::size_t{5});
}

void TstTraining::evaluationSkipsAndTruncates() {
    QTemporaryDir tmp;
    const std::string out = tmp.filePath("model").toStdString();
    TrainOptions options = smallFusion();
    options.maxEpochs = 1;
    options.topLabels = 2; // the two most frequent codes
    const TrainResult result = train(options, m_train, m_dev, out);
    QCOMPARE(result.labels, std::size_t{2});
    const ModelConfig config = readModelConfig(out);

    // Documents whose codes are all outside the label set are skipped and counted.
    std::vector<Document> data = m_dev;
    Document unlabelled;
    unlabelled.id = "x";
    unlabelled.text = "alpha beta";
    unlabelled.codes = {"ZZZ"};
    data.push_back(unlabelled);
    Document noCodes = unlabelled;
    noCodes.codes.clear();
    data.push_back(noCodes);
    std::int64_t expectedSkipped = 2;
    for (const auto& doc : m_dev) {
        bool inSet = false;
        for (const auto& code : doc.codes)
            inSet =
                inSet || std::find(config.labels.begin(), config.labels.end(), code) != config.labels.end();
        expectedSkipped += inSet ? 0 : 1;
    }
    EvaluationOptions evalOptions;
    evalOptions.threads = 1;
    const EvaluationResult eval = evaluateModel(out, data, evalOptions);
    QCOMPARE(eval.metrics.n_skipped, expectedSkipped);
    QCOMPARE(eval.metrics.n_docs, static_cast<std::int64_t>(data.size()) - expectedSkipped);
    QCOMPARE(eval.longDocuments, std::int64_t{0});

    // A note of 150 tokens is longer than the 64-token window: windowed and truncated scoring differ only
    // through the later windows; both count it as long.
    Document longNote;
    longNote.id = "long";
    for (int i = 0; i < 140; ++i)
        longNote.text += "stable ";
    longNote.text += "alpha beta gamma";
    longNote.codes = {config.labels[0]};
    evalOptions.truncate = true;
    const EvaluationResult truncated = evaluateModel(out, {longNote}, evalOptions);
    evalOptions.truncate = false;
    const EvaluationResult windowed = evaluateModel(out, {longNote}, evalOptions);
    QCOMPARE(truncated.longDocuments, std::int64_t{1});
    QCOMPARE(windowed.longDocuments, std::int64_t{1});
    QCOMPARE(truncated.metrics.n_docs, std::int64_t{1});

    // A threshold above every score predicts nothing.
    evalOptions.threshold = 1.0f;
    QCOMPARE(evaluateModel(out, m_dev, evalOptions).metrics.micro_f1, 0.0);
}

void TstTraining::rejectsUnusableInput() {
    QTemporaryDir tmp;
    const std::string out = tmp.filePath("model").toStdString();
    TrainOptions options = smallFusion();
    options.maxEpochs = 1;
    options.batchSize = 0;
    QVERIFY_THROWS_EXCEPTION(InputError, train(options, m_train, m_dev, out));
    options = smallFusion();
    options.arch = "drcaml";
    QVERIFY_THROWS_EXCEPTION(InputError, train(options, m_train, m_dev, out)); // no descriptions
    options = smallFusion();
    options.labelsPath = tmp.filePath("missing.txt").toStdString();
    QVERIFY_THROWS_EXCEPTION(InputError, train(options, m_train, m_dev, out));
    options = smallFusion();
    std::vector<Document> devWithoutLabels = m_dev;
    for (auto& doc : devWithoutLabels)
        doc.codes = {"OTHER"};
    QVERIFY_THROWS_EXCEPTION(InputError, train(options, m_train, devWithoutLabels, out));
    QVERIFY_THROWS_EXCEPTION(ModelError, train(options, m_train, m_dev, out, {}, true)); // nothing to resume
    QVERIFY(!QFile::exists(tmp.filePath("model")));
}

// Description init, frequency bias, warm-up and the retrieval prior: the run reports what it initialised,
// the written model carries the prior and its neighbour index, and evaluating it gives exactly the dev
// scores training selected it by (the engine applies the prior as the trainer did).
void TstTraining::extrasBeyondThePaper() {
    QTemporaryDir tmp;
    const QString descriptions = tmp.filePath("descriptions.tsv");
    {
        QFile file(descriptions);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("ALPHA\tAlpha disease\nBETA\tbeta with pain\nGAMMA\tunknownword\n");
    }
    TrainOptions options = smallFusion();
    options.maxEpochs = 4;
    options.descriptionsPath = descriptions.toStdString();
    options.descriptionInit = true;
    options.frequencyBias = true;
    options.warmupEpochs = 1;
    options.retrievalPrior = 5;
    std::vector<std::string> notes;
    TrainCallbacks callbacks;
    callbacks.message = [&](const std::string& text) { notes.push_back(text); };
    const std::string out = tmp.filePath("model").toStdString();
    const TrainResult result = train(options, m_train, m_dev, out, callbacks);
    QCOMPARE(result.epochs, 4);
    const auto said = [&](const char* text) {
        return std::any_of(notes.begin(), notes.end(),
                           [&](const std::string& n) { return n.find(text) != std::string::npos; });
    };
    QVERIFY(said("description init: 2 of 3 codes")); // GAMMA's description has no known word
    QVERIFY(said("retrieval prior: 48 training notes indexed, 5 neighbours vote"));

    const ModelConfig config = readModelConfig(out);
    QCOMPARE(config.retrieval.mode, std::string("prior"));
    QCOMPARE(config.retrieval.neighbours, 5);
    QVERIFY(QFile::exists(tmp.filePath("model/neighbours.tsv")));
    EvaluationOptions evalOptions;
    evalOptions.threads = 1;
    const EvaluationResult eval = evaluateModel(out, m_dev, evalOptions);
    const auto& best = result.history[static_cast<std::size_t>(result.bestEpoch - 1)];
    QVERIFY2(std::abs(eval.metrics.map - best.devMetrics.at("map")) < 1e-5,
             qPrintable(QString("%1 vs %2").arg(eval.metrics.map).arg(best.devMetrics.at("map"))));
    QVERIFY(std::abs(eval.metrics.p_at_5 - best.devMetrics.at("p_at_5")) <
            1e-6); // thresholds differ: ranks only

    options.descriptionsPath.clear();
    QVERIFY_THROWS_EXCEPTION(InputError, train(options, m_train, m_dev, tmp.filePath("m2").toStdString()));
}

QTEST_GUILESS_MAIN(TstTraining)
#include "tst_training.moc"
