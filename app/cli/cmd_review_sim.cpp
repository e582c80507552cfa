// fusioncoder-cli review-sim: a simulated coder reviews labelled notes with a model, the model is fine-tuned
// on those reviews and the result is gated against the model it came from. It is issue #7's done-criterion
// ("learning from the coder" improves held-out notes without forgetting) and its speed benchmark (wall time
// and peak memory of fine-tuning on N reviewed notes) in one run, without a database or a GUI in the loop.
//
// The simulated coder sees what the suggestion table shows by default: every code scoring at or above the
// model's threshold, plus the top 5 so that no note comes without suggestions. A suggested code that is gold
// is accepted, a suggested code that is not gold is rejected, a gold code that was not suggested is added.
// That is the best a coder can do, so the run measures the learning loop, not coder noise.
//
// Exit codes: 0 the run completed (whatever the gate says), 2 bad usage or input, 1 other failure (including
// Ctrl-C, which stops between batches).
#include "cli_common.h"
#include "commands.h"
#include "finetune_options.h"

#include "codecatalog.h"
#include "finetunejob.h"

#include "fc/model/dataset.h"
#include "fc/model/engine.h"
#include "fc/model/finetune.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace fc::cli {

namespace {

using Clock = std::chrono::steady_clock;

// Every note shows at least this many suggestions, whatever their scores.
constexpr std::size_t kAlwaysSuggested = 5;

std::atomic<bool> g_interrupted{false};

extern "C" void onReviewSimInterrupt(int) {
    g_interrupted.store(true);
}

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Peak resident set of this process so far; Linux reports ru_maxrss in KiB.
double peakRssMb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// The machine's one-minute load average: the timings mean little without it on a shared machine.
double loadAverage() {
    std::ifstream loadavg("/proc/loadavg");
    double oneMinute = -1;
    loadavg >> oneMinute;
    return oneMinute;
}

struct ReviewCounts {
    std::size_t notes = 0;
    std::size_t suggested = 0; // accepted + rejected
    std::size_t gold = 0;      // accepted + added
    std::size_t accepted = 0, rejected = 0, added = 0;
    std::size_t outsideDecisions = 0;   // added codes outside the model's label set
    std::set<std::string> outsideCodes; // the distinct ones
    std::size_t notesWithoutGold = 0;   // notes without any gold code: the coder only rejects
};

// The simulated review of one note: the model's suggestions against the gold codes.
ReviewedNote reviewNote(const Engine& engine, const Document& document, const std::set<std::string>& labels,
                        ReviewCounts& counts) {
    PredictOptions options;
    options.evidence = false;
    const Prediction prediction = engine.predict(document.text, options, &g_interrupted);
    const float threshold = engine.info().threshold;
    std::set<std::string> suggested;
    for (std::size_t i = 0; i < prediction.codes.size(); ++i)
        if (i < kAlwaysSuggested || prediction.codes[i].score >= threshold)
            suggested.insert(prediction.codes[i].code);
    const std::set<std::string> gold(document.codes.begin(), document.codes.end());

    ReviewedNote note;
    note.id = document.id;
    note.text = document.text;
    for (const auto& code : suggested)
        (gold.count(code) ? note.positive : note.negative).push_back(code);
    counts.accepted += note.positive.size();
    counts.rejected += note.negative.size();
    for (const auto& code : gold) {
        if (suggested.count(code))
            continue;
        note.positive.push_back(code);
        ++counts.added;
        if (!labels.count(code)) {
            ++counts.outsideDecisions;
            counts.outsideCodes.insert(code);
        }
    }
    ++counts.notes;
    counts.suggested += suggested.size();
    counts.gold += gold.size();
    if (gold.empty())
        ++counts.notesWithoutGold;
    return note;
}

// The dev notes that were not reviewed: a reviewed note was trained on or is held out, so scoring it as dev
// would blur "did the model forget" with "did it learn". Matched by id and by text.
std::vector<Document> remainingDevNotes(const QString& devPath, const std::vector<Document>& reviewed) {
    std::set<std::string> ids, texts;
    for (const auto& document : reviewed) {
        ids.insert(document.id);
        texts.insert(document.text);
    }
    std::vector<Document> dev = loadDataset(devPath.toStdString());
    dev.erase(std::remove_if(dev.begin(), dev.end(),
                             [&](const Document& d) { return ids.count(d.id) || texts.count(d.text); }),
              dev.end());
    return dev;
}

// Catalog descriptions of the positive codes, so that codes outside the label set start from their words
// (the finetune pipeline's addDescriptions, with the shipped catalog).
void addCatalogDescriptions(FineTuneOptions& options, const std::vector<ReviewedNote>& notes) {
    QString error;
    const QString directory = CodeCatalog::locateDirectory(&error);
    const auto catalog = directory.isEmpty() ? nullptr : CodeCatalog::load(directory, {}, &error);
    if (!catalog) {
        printProgress(QStringLiteral("no code catalog (%1): new labels start from the mean row").arg(error));
        return;
    }
    fc::addDescriptions(options, notes, catalog.get());
}

QJsonObject metricsJson(const EvalMetrics& m) {
    return QJsonObject{{QStringLiteral("n_docs"), static_cast<qint64>(m.n_docs)},
                       {QStringLiteral("n_skipped"), static_cast<qint64>(m.n_skipped)},
                       {QStringLiteral("micro_f1"), m.micro_f1},
                       {QStringLiteral("macro_f1"), m.macro_f1},
                       {QStringLiteral("macro_f1_per_code"), m.macro_f1_per_code},
                       {QStringLiteral("p_at_5"), m.p_at_5},
                       {QStringLiteral("p_at_8"), m.p_at_8},
                       {QStringLiteral("map"), m.map}};
}

QJsonObject beforeAfterJson(const EvalMetrics& before, const EvalMetrics& after) {
    return QJsonObject{{QStringLiteral("before"), metricsJson(before)},
                       {QStringLiteral("after"), metricsJson(after)}};
}

void printRow(const char* name, double before, double after) {
    std::printf("  %-10s %8.4f %8.4f %+9.4f\n", name, before, after, after - before);
}

void printMetrics(const char* title, const EvalMetrics& before, const EvalMetrics& after) {
    std::printf("%s (%lld notes, %lld without a known code)\n  %-10s %8s %8s %9s\n", title,
                static_cast<long long>(after.n_docs), static_cast<long long>(after.n_skipped), "", "before",
                "after", "change");
    printRow("micro-F1", before.micro_f1, after.micro_f1);
    printRow("macro-F1", before.macro_f1, after.macro_f1);
    printRow("P@5", before.p_at_5, after.p_at_5);
    printRow("P@8", before.p_at_8, after.p_at_8);
    printRow("MAP", before.map, after.map);
}

QJsonArray stringArray(const std::vector<std::string>& values) {
    QJsonArray array;
    for (const auto& value : values)
        array.append(QString::fromStdString(value));
    return array;
}

QJsonArray numberArray(const std::vector<double>& values) {
    QJsonArray array;
    for (const double value : values)
        array.append(value);
    return array;
}

} // namespace

int runReviewSim(const QStringList& arguments) {
    const auto started = Clock::now();
    const double loadBefore = loadAverage();
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("model"),
         QStringLiteral("Model that suggests and is fine-tuned (directory or shipped name)."),
         QStringLiteral("MODEL"), QStringLiteral("default")},
        {QStringLiteral("data"),
         QStringLiteral("Labelled notes (JSON Lines dataset) the simulated coder reviews."),
         QStringLiteral("FILE")},
        {QStringLiteral("notes"), QStringLiteral("Review only the first N notes (default: all)."),
         QStringLiteral("N")},
        {QStringLiteral("held-out"),
         QStringLiteral("Fraction of the reviewed notes held out for the gate (default 0.2)."),
         QStringLiteral("F")},
        {QStringLiteral("dev"),
         QStringLiteral("Original dev set (JSONL) for the gate; reviewed notes in it are left out."),
         QStringLiteral("FILE")},
        {QStringLiteral("keep-labels"),
         QStringLiteral("Do not add reviewed codes outside the model's label set as new labels.")},
        {QStringLiteral("out"),
         QStringLiteral("Directory for the fine-tuned model (must not exist; default: a temporary one, "
                        "removed at the end)."),
         QStringLiteral("DIR")},
        {QStringLiteral("json"), QStringLiteral("Print one JSON object instead of tables.")},
    });
    parser.addOptions(fineTuneCommandOptions());
    parseOrThrow(
        parser, arguments,
        QStringLiteral("Simulates a coder who reviews labelled notes with a model (suggested gold "
                       "codes accepted, other suggestions rejected, missed gold codes added), "
                       "fine-tunes the model on those reviews and gates it against the original on "
                       "held-out reviewed notes and the dev set. Prints decision counts, fine-tuning "
                       "wall time, peak memory and the before/after metrics."));
    if (!parser.positionalArguments().isEmpty())
        throw UsageError(QStringLiteral("review-sim takes no positional arguments"));

    const QString modelDir = modelDirectory(parser.value(QStringLiteral("model")));
    const QString dataPath = requiredValue(parser, QStringLiteral("data"));
    if (!QFileInfo(dataPath).isFile())
        throw UsageError(QStringLiteral("no dataset file at %1").arg(dataPath));
    const QString devPath = parser.value(QStringLiteral("dev"));
    if (!devPath.isEmpty() && !QFileInfo(devPath).isFile())
        throw UsageError(QStringLiteral("no dev set file at %1").arg(devPath));
    const int maxNotes = intValue(parser, QStringLiteral("notes"), 0, 1, 10000000);
    const double heldOutFraction = doubleValue(parser, QStringLiteral("held-out"), 0.2, 0.0, 1.0);
    FineTuneOptions options;
    GateOptions gate;
    readFineTuneCommandOptions(parser, options, gate);
    options.extendLabels = !parser.isSet(QStringLiteral("keep-labels"));
    // An existing directory would be replaced by fineTune(): never risk a model the user keeps there.
    const QString outOption = parser.value(QStringLiteral("out"));
    if (!outOption.isEmpty() && QFileInfo::exists(outOption))
        throw UsageError(QStringLiteral("%1 already exists").arg(outOption));

    std::vector<Document> documents = loadDataset(dataPath.toStdString());
    if (maxNotes > 0 && documents.size() > static_cast<std::size_t>(maxNotes))
        documents.resize(static_cast<std::size_t>(maxNotes));
    if (documents.size() < 2)
        throw UsageError(QStringLiteral("%1: %2 notes; the simulation needs at least 2 (one to fine-tune on, "
                                        "one held out)")
                             .arg(dataPath)
                             .arg(documents.size()));
    const std::vector<Document> dev =
        devPath.isEmpty() ? std::vector<Document>{} : remainingDevNotes(devPath, documents);

    std::signal(SIGINT, onReviewSimInterrupt);
    std::signal(SIGTERM, onReviewSimInterrupt);

    // --- the coder reviews ---
    const auto reviewStarted = Clock::now();
    ReviewCounts counts;
    std::vector<ReviewedNote> reviewed;
    std::size_t labelsBefore = 0;
    {
        const auto engine = Engine::load(modelDir.toStdString(), options.threads);
        labelsBefore = engine->info().labels.size();
        const std::set<std::string> labels(engine->info().labels.begin(), engine->info().labels.end());
        auto lastLine = Clock::now();
        for (const auto& document : documents) {
            reviewed.push_back(reviewNote(*engine, document, labels, counts));
            if (Clock::now() - lastLine >= std::chrono::seconds(5) || reviewed.size() == documents.size()) {
                lastLine = Clock::now();
                printProgress(
                    QStringLiteral("review: %1/%2 notes").arg(reviewed.size()).arg(documents.size()));
            }
        }
    } // the engine's memory is released before fine-tuning, which loads the model itself
    const double reviewSeconds = secondsSince(reviewStarted);
    const ReviewSplit split = splitReviewedNotes(reviewed, heldOutFraction);
    printProgress(
        QStringLiteral("%1 notes reviewed: %2 accepted, %3 rejected, %4 added (%5 outside the label "
                       "set); %6 for fine-tuning, %7 held out, %8 dev notes")
            .arg(counts.notes)
            .arg(counts.accepted)
            .arg(counts.rejected)
            .arg(counts.added)
            .arg(counts.outsideDecisions)
            .arg(split.fineTune.size())
            .arg(split.heldOut.size())
            .arg(dev.size()));

    // --- fine-tuning ---
    std::unique_ptr<QTemporaryDir> scratch; // removes the model at the end unless the user wants it kept
    QString outDir = outOption;
    if (outDir.isEmpty()) {
        scratch = std::make_unique<QTemporaryDir>();
        if (!scratch->isValid())
            throw std::runtime_error("cannot create a temporary directory: " +
                                     scratch->errorString().toStdString());
        outDir = QDir(scratch->path()).filePath(QStringLiteral("model"));
    }
    addCatalogDescriptions(options, split.fineTune);
    FineTuneCallbacks callbacks;
    callbacks.cancel = &g_interrupted;
    callbacks.message = [](const std::string& line) { printProgress(QString::fromStdString(line)); };
    FineTuneProgressPrinter progress;
    callbacks.progress = [&progress](const FineTuneProgress& p) {
        progress.print(p.epoch, p.epochs, static_cast<long long>(p.examplesDone),
                       static_cast<long long>(p.examples), p.loss, p.etaSeconds);
    };
    const double rssBeforeFineTune = peakRssMb();
    const auto fineTuneStarted = Clock::now();
    const FineTuneResult tuned =
        fineTune(modelDir.toStdString(), split.fineTune, options, outDir.toStdString(), callbacks);
    const double fineTuneSeconds = secondsSince(fineTuneStarted);
    const double rssAfterFineTune = peakRssMb();
    if (tuned.cancelled || g_interrupted.load()) {
        printError(QStringLiteral("interrupted"));
        return Failure;
    }

    // --- the gate ---
    printProgress(QStringLiteral("comparing the fine-tuned model with the original"));
    const auto gateStarted = Clock::now();
    const ModelComparison c =
        compareModels(modelDir.toStdString(), outDir.toStdString(), reviewedNotesAsDocuments(split.heldOut),
                      dev, gate, &g_interrupted);
    const double gateSeconds = secondsSince(gateStarted);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    const double totalSeconds = secondsSince(started);
    const double rss = peakRssMb();

    if (parser.isSet(QStringLiteral("json"))) {
        QJsonObject outside{{QStringLiteral("decisions"), static_cast<qint64>(counts.outsideDecisions)},
                            {QStringLiteral("codes"), static_cast<qint64>(counts.outsideCodes.size())}};
        QJsonObject json{
            {QStringLiteral("model"), modelDir},
            {QStringLiteral("data"), dataPath},
            {QStringLiteral("out"), outOption.isEmpty() ? QJsonValue() : QJsonValue(outDir)},
            {QStringLiteral("notes"), static_cast<qint64>(counts.notes)},
            {QStringLiteral("notes_without_gold"), static_cast<qint64>(counts.notesWithoutGold)},
            {QStringLiteral("fine_tune_notes"), static_cast<qint64>(split.fineTune.size())},
            {QStringLiteral("held_out_notes"), static_cast<qint64>(split.heldOut.size())},
            {QStringLiteral("held_out_fraction"), heldOutFraction},
            {QStringLiteral("dev_notes"), static_cast<qint64>(dev.size())},
            {QStringLiteral("decisions"),
             QJsonObject{{QStringLiteral("accepted"), static_cast<qint64>(counts.accepted)},
                         {QStringLiteral("rejected"), static_cast<qint64>(counts.rejected)},
                         {QStringLiteral("added"), static_cast<qint64>(counts.added)},
                         {QStringLiteral("total"),
                          static_cast<qint64>(counts.accepted + counts.rejected + counts.added)},
                         {QStringLiteral("suggested"), static_cast<qint64>(counts.suggested)},
                         {QStringLiteral("gold"), static_cast<qint64>(counts.gold)}}},
            {QStringLiteral("outside_label_set"), outside},
            {QStringLiteral("labels_before"), static_cast<qint64>(labelsBefore)},
            {QStringLiteral("labels_after"), static_cast<qint64>(tuned.labels)},
            {QStringLiteral("labels_added"), static_cast<qint64>(tuned.labelsAdded.size())},
            {QStringLiteral("labels_without_description"), stringArray(tuned.labelsWithoutDescription)},
            {QStringLiteral("fine_tune"),
             QJsonObject{
                 {QStringLiteral("epochs"), options.epochs},
                 {QStringLiteral("learning_rate"), options.learningRate},
                 {QStringLiteral("threads"), options.threads},
                 {QStringLiteral("reviewed_examples"), static_cast<qint64>(tuned.reviewedExamples)},
                 {QStringLiteral("replay_examples_per_epoch"), static_cast<qint64>(tuned.replayExamples)},
                 {QStringLiteral("replay_used"), tuned.replayUsed},
                 {QStringLiteral("index_added"), static_cast<qint64>(tuned.indexAdded)},
                 {QStringLiteral("index_replaced"), static_cast<qint64>(tuned.indexReplaced)},
                 {QStringLiteral("epoch_loss"), numberArray(tuned.epochLoss)}}},
            {QStringLiteral("seconds"), QJsonObject{{QStringLiteral("review"), reviewSeconds},
                                                    {QStringLiteral("fine_tune"), fineTuneSeconds},
                                                    {QStringLiteral("gate"), gateSeconds},
                                                    {QStringLiteral("total"), totalSeconds}}},
            {QStringLiteral("peak_rss_mb"), rss},
            {QStringLiteral("peak_rss_mb_before_fine_tune"), rssBeforeFineTune},
            {QStringLiteral("peak_rss_mb_after_fine_tune"), rssAfterFineTune},
            {QStringLiteral("load_average"),
             QJsonObject{{QStringLiteral("before"), loadBefore}, {QStringLiteral("after"), loadAverage()}}},
            {QStringLiteral("k"), c.k},
            {QStringLiteral("held_out"), beforeAfterJson(c.heldOutBefore, c.heldOutAfter)},
            {QStringLiteral("dev"),
             c.hasDev ? QJsonValue(beforeAfterJson(c.devBefore, c.devAfter)) : QJsonValue()},
            {QStringLiteral("gate"),
             QJsonObject{{QStringLiteral("passed"), c.acceptable},
                         {QStringLiteral("tolerance"), c.tolerance},
                         {QStringLiteral("verdict"), QString::fromStdString(c.verdict)}}},
        };
        std::fputs(QJsonDocument(json).toJson(QJsonDocument::Compact).constData(), stdout);
        std::fputs("\n", stdout);
        return Ok;
    }

    std::printf("notes: %zu reviewed (%zu fine-tuning, %zu held out), %zu dev notes\n", counts.notes,
                split.fineTune.size(), split.heldOut.size(), dev.size());
    std::printf("decisions: %zu accepted, %zu rejected, %zu added (%zu suggested, %zu gold codes)\n",
                counts.accepted, counts.rejected, counts.added, counts.suggested, counts.gold);
    std::printf("outside the label set: %zu added codes, %zu distinct; labels %zu -> %zu\n",
                counts.outsideDecisions, counts.outsideCodes.size(), labelsBefore, tuned.labels);
    std::printf("fine-tuning: %.1f s wall (%d epochs, %zu reviewed + %zu replay examples per epoch)\n",
                fineTuneSeconds, options.epochs, tuned.reviewedExamples, tuned.replayExamples);
    if (tuned.indexAdded + tuned.indexReplaced > 0)
        std::printf("neighbour index: %zu reviewed notes added, %zu already there\n", tuned.indexAdded,
                    tuned.indexReplaced);
    std::printf("total: %.1f s (review %.1f s, gate %.1f s)\n", totalSeconds, reviewSeconds, gateSeconds);
    std::printf("peak RSS: %.0f MB (%.0f MB when fine-tuning ended)\n", rss, rssAfterFineTune);
    printMetrics("held-out reviewed notes", c.heldOutBefore, c.heldOutAfter);
    if (c.hasDev)
        printMetrics("dev notes", c.devBefore, c.devAfter);
    std::printf("gate (P@%d, tolerance %.4f): %s - %s\n", c.k, c.tolerance,
                c.acceptable ? "passed" : "not passed", c.verdict.c_str());
    if (!outOption.isEmpty())
        std::printf("model: %s\n", outDir.toLocal8Bit().constData());
    return Ok;
}

} // namespace fc::cli
