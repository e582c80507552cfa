// fc::fineTune and fc::compareModels on a tiny synthetic task: ALPHA/BETA/GAMMA iff the note says
// "alpha"/"beta"/"gamma"; the coder's reviews add a new code DELTA iff the note says "delta" (a word the base
// model saw only as filler). A small Fusion is trained first, then a simulated coder reviews its suggestions.
#include "../support/tiny_fusion.h"
#include "fc/model/dataset.h"
#include "fc/model/engine.h"
#include "fc/model/errors.h"
#include "fc/model/finetune.h"
#include "fc/model/modelfiles.h"
#include "fc/model/neighbours.h"
#include "fc/model/retrieval.h"
#include "fc/model/training.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <set>

using namespace fc;

namespace {

const char* const kFiller[] = {"patient", "presented", "with",    "pain",  "history",    "of",
                               "the",     "was",       "treated", "and",   "discharged", "home",
                               "normal",  "exam",      "no",      "fever", "blood",      "test"};

// Notes of 12-20 filler words plus the trigger words of their codes. codeCount = 3 (ALPHA..GAMMA) or 4
// (+DELTA); with fillerDelta, "delta" also appears as a meaningless word in some notes (so the base
// vocabulary has it).
std::vector<Document> syntheticNotes(int n, std::uint32_t seed, int codeCount, bool fillerDelta) {
    std::mt19937 rng(seed);
    const char* triggers[] = {"alpha", "beta", "gamma", "delta"};
    const char* codes[] = {"ALPHA", "BETA", "GAMMA", "DELTA"};
    std::vector<Document> docs;
    for (int i = 0; i < n; ++i) {
        Document doc;
        doc.id = "s" + std::to_string(seed) + "-" + std::to_string(i);
        const int mask = 1 + static_cast<int>(rng() % ((1u << codeCount) - 1));
        std::vector<std::string> words;
        const int length = 12 + static_cast<int>(rng() % 9);
        for (int w = 0; w < length; ++w)
            words.emplace_back(kFiller[rng() % std::size(kFiller)]);
        if (fillerDelta && rng() % 3 == 0)
            words.emplace_back("delta");
        for (int c = 0; c < codeCount; ++c)
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

TrainOptions smallFusion() {
    TrainOptions options = fc::testing::tinyFusionOptions();
    options.network.dropout = 0.1;
    options.batchSize = 8;
    options.maxEpochs = 8;
    options.modelName = "synthetic";
    options.modelVersion = "base";
    return options;
}

// The coder: sees the model's suggestions above its threshold, accepts the gold ones, rejects the others and
// adds the gold codes the model missed.
ReviewedNote review(const Engine& engine, const Document& doc) {
    ReviewedNote note;
    note.id = doc.id;
    note.text = doc.text;
    PredictOptions options;
    options.evidence = false;
    const std::set<std::string> gold(doc.codes.begin(), doc.codes.end());
    std::set<std::string> suggested;
    for (const auto& code : engine.predict(doc.text, options).codes)
        if (code.score > engine.info().threshold) {
            suggested.insert(code.code);
            (gold.count(code.code) ? note.positive : note.negative).push_back(code.code);
        }
    for (const auto& code : gold)
        if (!suggested.count(code))
            note.positive.push_back(code);
    return note;
}

} // namespace

class TstFineTune : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void maskedLossHasNoGradientOnMaskedLabels();
    void splitIsDeterministic();
    void labelExtensionKeepsOldScores();
    void coderFeedbackImprovesHeldOutNotes();
    void neighbourIndexLearnsReviewedNotes();
    void cancelWritesNothing();

private:
    QTemporaryDir m_dir;
    QString m_base, m_trainPath;
    std::vector<Document> m_dev = syntheticNotes(24, 2, 3, true);
};

void TstFineTune::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_base = m_dir.filePath("base");
    m_trainPath = m_dir.filePath("train.jsonl");
    const auto notes = syntheticNotes(64, 1, 3, true);
    saveDataset(m_trainPath.toStdString(), notes);
    const TrainResult result = fc::train(smallFusion(), notes, m_dev, m_base.toStdString());
    QVERIFY(result.bestEpoch > 0);
}

void TstFineTune::maskedLossHasNoGradientOnMaskedLabels() {
    const std::vector<float> logits{2.0f, -1.0f, 0.5f, 3.0f};
    const std::vector<float> targets{1.0f, 0.0f, 1.0f, 1.0f};
    std::vector<float> gradient;
    const double loss = maskedBceWithLogits(logits, targets, {1.0f, 0.0f, 1.0f, 0.0f}, &gradient);
    const auto bce = [](double x, double t) {
        return std::log1p(std::exp(-std::abs(x))) + std::max(x, 0.0) - x * t;
    };
    QVERIFY(std::abs(loss - (bce(2.0, 1.0) + bce(0.5, 1.0)) / 2.0) < 1e-6);
    QCOMPARE(gradient.size(), std::size_t{4});
    QCOMPARE(gradient[1], 0.0f);
    QCOMPARE(gradient[3], 0.0f);
    const auto sigmoid = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
    QVERIFY(std::abs(gradient[0] - (sigmoid(2.0) - 1.0) / 2.0) < 1e-6);
    QVERIFY(std::abs(gradient[2] - (sigmoid(0.5) - 1.0) / 2.0) < 1e-6);
    // The masked entries' values do not matter at all.
    std::vector<float> other = logits;
    other[1] = 40.0f;
    other[3] = -40.0f;
    QCOMPARE(maskedBceWithLogits(other, {1.0f, 1.0f, 1.0f, 0.0f}, {1.0f, 0.0f, 1.0f, 0.0f}), loss);
    QCOMPARE(maskedBceWithLogits(logits, targets, {0.0f, 0.0f, 0.0f, 0.0f}, &gradient), 0.0);
    QCOMPARE(std::count(gradient.begin(), gradient.end(), 0.0f), 4L);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, maskedBceWithLogits(logits, targets, {1.0f}));
}

void TstFineTune::splitIsDeterministic() {
    std::vector<ReviewedNote> notes;
    for (int i = 0; i < 200; ++i)
        notes.push_back({std::to_string(i), "text", {"A"}, {}});
    const ReviewSplit a = splitReviewedNotes(notes, 0.2);
    QCOMPARE(a.fineTune.size() + a.heldOut.size(), notes.size());
    QVERIFY(a.heldOut.size() > 20 && a.heldOut.size() < 60);
    // A note's side does not depend on the others.
    std::vector<ReviewedNote> half(notes.begin(), notes.begin() + 100);
    const ReviewSplit b = splitReviewedNotes(half, 0.2);
    for (const auto& n : b.heldOut)
        QVERIFY(std::any_of(a.heldOut.begin(), a.heldOut.end(),
                            [&](const ReviewedNote& m) { return m.id == n.id; }));
    // Never an empty side with two notes or more.
    const ReviewSplit two = splitReviewedNotes({notes[0], notes[1]}, 0.2);
    QCOMPARE(two.heldOut.size(), std::size_t{1});
    QCOMPARE(two.fineTune.size(), std::size_t{1});
}

void TstFineTune::labelExtensionKeepsOldScores() {
    const std::string out = m_dir.filePath("extended").toStdString();
    FineTuneOptions options;
    options.epochs = 0; // extension only
    options.threads = 1;
    options.descriptions = {{"DELTA", "delta"}};
    const std::vector<ReviewedNote> notes{
        {"n1", "patient with delta and alpha", {"ALPHA", "DELTA", "ZETA"}, {"BETA"}}};
    const FineTuneResult result = fineTune(m_base.toStdString(), notes, options, out);
    QCOMPARE(result.outsideCodes, (std::vector<std::string>{"DELTA", "ZETA"}));
    QCOMPARE(result.labelsAdded, (std::vector<std::string>{"DELTA", "ZETA"}));
    QCOMPARE(result.labelsWithoutDescription, std::vector<std::string>{"ZETA"});
    const ModelConfig config = readModelConfig(out);
    QCOMPARE(config.labels, (std::vector<std::string>{"ALPHA", "BETA", "DELTA", "GAMMA", "ZETA"}));
    const auto before = Engine::load(m_base.toStdString(), 1);
    const auto after = Engine::load(out, 1);
    QCOMPARE(after->info().threshold, before->info().threshold);
    for (const auto& doc : m_dev) {
        PredictOptions p;
        p.evidence = false;
        const auto a = before->predict(doc.text, p), b = after->predict(doc.text, p);
        for (const auto& code : a.codes) {
            const auto it = std::find_if(b.codes.begin(), b.codes.end(),
                                         [&](const CodeScore& s) { return s.code == code.code; });
            QVERIFY(it != b.codes.end());
            QVERIFY2(std::abs(it->score - code.score) < 1e-6f, code.code.c_str());
        }
    }
}

void TstFineTune::coderFeedbackImprovesHeldOutNotes() {
    const auto engine = Engine::load(m_base.toStdString(), 1);
    std::vector<ReviewedNote> reviewed;
    for (const auto& doc : syntheticNotes(60, 7, 4, false))
        reviewed.push_back(review(*engine, doc));
    const ReviewSplit split = splitReviewedNotes(reviewed, 0.2);
    QVERIFY(split.heldOut.size() >= 5);

    FineTuneOptions options;
    options.epochs = 10;
    options.learningRate = 3e-3;
    options.threads = 1;
    options.replayPath = m_trainPath.toStdString();
    options.descriptions = {{"DELTA", "delta"}};
    std::vector<FineTuneProgress> progress;
    FineTuneCallbacks callbacks;
    callbacks.progress = [&](const FineTuneProgress& p) { progress.push_back(p); };
    const std::string out = m_dir.filePath("tuned").toStdString();
    const FineTuneResult result = fineTune(m_base.toStdString(), split.fineTune, options, out, callbacks);
    QVERIFY(!result.cancelled);
    QVERIFY(result.replayUsed);
    QCOMPARE(result.labelsAdded, std::vector<std::string>{"DELTA"});
    QVERIFY(result.labelsWithoutDescription.empty());
    QVERIFY(!progress.empty());
    QCOMPARE(progress.back().fraction, 1.0);
    QCOMPARE(progress.back().epoch, 10);

    const ModelComparison c =
        compareModels(m_base.toStdString(), out, reviewedNotesAsDocuments(split.heldOut), m_dev);
    std::printf(
        "held-out (%lld notes): micro-F1 %.4f -> %.4f, macro-F1 %.4f -> %.4f, P@5 %.4f -> %.4f\n"
        "dev (%lld notes): micro-F1 %.4f -> %.4f, macro-F1 %.4f -> %.4f, P@5 %.4f -> %.4f\nverdict: %s\n",
        static_cast<long long>(c.heldOutBefore.n_docs), c.heldOutBefore.micro_f1, c.heldOutAfter.micro_f1,
        c.heldOutBefore.macro_f1, c.heldOutAfter.macro_f1, c.heldOutBefore.p_at_5, c.heldOutAfter.p_at_5,
        static_cast<long long>(c.devBefore.n_docs), c.devBefore.micro_f1, c.devAfter.micro_f1,
        c.devBefore.macro_f1, c.devAfter.macro_f1, c.devBefore.p_at_5, c.devAfter.p_at_5, c.verdict.c_str());
    QVERIFY(c.hasDev);
    QVERIFY(c.heldOutAfter.micro_f1 > c.heldOutBefore.micro_f1 + 0.05);
    QVERIFY(c.devAfter.micro_f1 >= c.devBefore.micro_f1 - c.tolerance);
    QVERIFY(c.acceptable);
    const auto delta = std::find_if(c.codeChanges.begin(), c.codeChanges.end(),
                                    [](const CodeChange& x) { return x.code == "DELTA"; });
    QVERIFY(delta != c.codeChanges.end());
    QVERIFY(delta->newLabel);
    QCOMPARE(delta->f1Before, 0.0);
    std::printf("DELTA F1 %.4f -> %.4f (support %d)\n", delta->f1Before, delta->f1After, delta->support);
    QVERIFY(delta->f1After > 0.5);
    QVERIFY(comparisonToJson(c).find("\"code_changes\"") != std::string::npos);
}

// A model with a retrieval component: fine-tuning (even without a gradient step) adds the reviewed notes to
// its neighbour index, so a note like a reviewed one gets the coder's codes in its vote.
void TstFineTune::neighbourIndexLearnsReviewedNotes() {
    const QString devPath = m_dir.filePath("dev.jsonl");
    saveDataset(devPath.toStdString(), m_dev);
    RetrievalTuningOptions retrieval;
    retrieval.weight = 0.5f;
    retrieval.descriptionWeight = 0.0f;
    retrieval.threads = 1;
    const std::string withIndex = m_dir.filePath("base-knn").toStdString();
    addRetrieval(m_base.toStdString(), m_trainPath.toStdString(), devPath.toStdString(), withIndex,
                 retrieval);
    const std::size_t indexed = NeighbourIndex::load(withIndex + "/neighbours.tsv").documents();

    // Words the training notes never had: before, no neighbour votes for this note at all.
    const std::vector<ReviewedNote> notes{{"r1", "omega syndrome with zeta crisis", {"BETA"}, {"ALPHA"}},
                                          {"r2", "omega syndrome, zeta crisis again", {"BETA"}, {}}};
    FineTuneOptions options;
    options.epochs = 0;
    options.threads = 1;
    const std::string out = m_dir.filePath("tuned-knn").toStdString();
    const FineTuneResult result = fineTune(withIndex, notes, options, out);
    QCOMPARE(result.indexAdded, std::size_t{2});
    QCOMPARE(result.indexReplaced, std::size_t{0});
    QCOMPARE(NeighbourIndex::load(out + "/neighbours.tsv").documents(), indexed + 2);
    QVERIFY(!QDir(m_dir.path()).exists(".tuned-knn.neighbours.tsv")); // the staging copy is gone

    const auto score = [](const std::string& model, const std::string& code) {
        const auto engine = Engine::load(model, 1);
        PredictOptions predict;
        predict.evidence = false;
        for (const auto& c : engine->predict("omega syndrome, zeta crisis", predict).codes)
            if (c.code == code)
                return c.score;
        return -1.0f;
    };
    // No gradient step: the network part is unchanged; the vote adds 0.5 (weight) x 1 (every neighbour).
    const float before = score(withIndex, "BETA");
    const float after = score(out, "BETA");
    QVERIFY2(std::abs(after - before - 0.5f) < 1e-4f, qPrintable(QString("%1 -> %2").arg(before).arg(after)));
    QVERIFY(std::abs(score(out, "ALPHA") - score(withIndex, "ALPHA")) < 1e-5f); // rejected: no vote

    // Fine-tuning the fine-tuned model on the same notes does not index them twice.
    const std::string again = m_dir.filePath("tuned-knn-2").toStdString();
    const FineTuneResult second = fineTune(out, notes, options, again);
    QCOMPARE(second.indexAdded, std::size_t{0});
    QCOMPARE(second.indexReplaced, std::size_t{2});
    QCOMPARE(NeighbourIndex::load(again + "/neighbours.tsv").documents(), indexed + 2);
    // And the index can be left alone.
    options.updateNeighbourIndex = false;
    const std::string kept = m_dir.filePath("tuned-kept").toStdString();
    QCOMPARE(fineTune(withIndex, notes, options, kept).indexAdded, std::size_t{0});
    QCOMPARE(NeighbourIndex::load(kept + "/neighbours.tsv").documents(), indexed);
}

void TstFineTune::cancelWritesNothing() {
    std::atomic<bool> cancel{true};
    FineTuneCallbacks callbacks;
    callbacks.cancel = &cancel;
    FineTuneOptions options;
    options.threads = 1;
    const std::string out = m_dir.filePath("cancelled").toStdString();
    const std::vector<ReviewedNote> notes{{"n1", "alpha note", {"ALPHA"}, {}}};
    QVERIFY(fineTune(m_base.toStdString(), notes, options, out, callbacks).cancelled);
    QVERIFY(!QDir(QString::fromStdString(out)).exists());
    QVERIFY_THROWS_EXCEPTION(InputError,
                             fineTune(m_base.toStdString(), {{"n2", "x", {}, {"UNKNOWN"}}}, options, out));
}

QTEST_GUILESS_MAIN(TstFineTune)
#include "tst_finetune.moc"
