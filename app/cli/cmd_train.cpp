// fusioncoder-cli train: dataset files -> model directory (interfaces.md; fusion-spec.md 1.1, 1.4, 2).
// Settings are layered: the preset's (paper) defaults, then --config FILE (JSON), then explicit options.
// Progress goes to stderr; a JSON summary of the run goes to stdout. Ctrl-C stops between batches and keeps
// the best model and the last complete epoch's state (continue with --resume).
//
// Fusion+ (fusion-spec.md 1.0) trains on every note of the full training split with the 50 most frequent
// codes:
// --preset fusion-plus (= fusion with --top-labels 50), or with the authors' label file, e.g.
//   fusioncoder-cli train --preset fusion-plus --train train_full.jsonl --dev dev_50.jsonl --labels
//   TOP_50_CODES.txt
//     --embeddings processed_full.embed --out fusion-plus
// (notes without any of the 50 codes are dropped, as the authors' loader does).
#include "cli_common.h"
#include "commands.h"
#include "train_workers.h"

#include "fc/model/dataset.h"
#include "fc/model/training.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>

namespace fc::cli {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void onInterrupt(int) {
    g_interrupted.store(true);
}

QString duration(double seconds) {
    const auto s = static_cast<qint64>(std::llround(seconds));
    if (s >= 3600)
        return QStringLiteral("%1h%2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (s >= 60)
        return QStringLiteral("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1s").arg(s);
}

QJsonObject metricsObject(const std::map<std::string, double>& metrics) {
    QJsonObject object;
    for (const auto& [name, value] : metrics)
        object.insert(QString::fromStdString(name), std::isnan(value) ? QJsonValue() : QJsonValue(value));
    return object;
}

void addTrainOptions(QCommandLineParser& parser) {
    parser.addOptions({
        {QStringLiteral("preset"),
         QStringLiteral(
             "fusion (default), fusion-maxpool, fusion-doclevel, multirescnn, caml, drcaml, laat, "
             "jointlaat, fusion-plus, clstm-att, msatt-kg, cmemnn (needs --descriptions) or hypercore: the "
             "paper's architecture and training settings "
             "(docs/MODELS.md)."),
         QStringLiteral("NAME")},
        {QStringLiteral("config"),
         QStringLiteral("JSON file overriding preset settings (keys: %1).").arg(QString::fromStdString([] {
             std::string keys;
             for (const auto& key : trainConfigKeys())
                 keys += (keys.empty() ? "" : ", ") + key;
             return keys;
         }())),
         QStringLiteral("FILE")},
        {QStringLiteral("train"), QStringLiteral("Training dataset (JSON Lines)."), QStringLiteral("FILE")},
        {QStringLiteral("dev"), QStringLiteral("Dev dataset for model selection and the threshold."),
         QStringLiteral("FILE")},
        {QStringLiteral("out"),
         QStringLiteral(
             "Model directory to write (replaced atomically by each new best epoch); the resumable "
             "state and log go to OUT.training/."),
         QStringLiteral("DIR")},
        {QStringLiteral("labels"), QStringLiteral("Label space: codes, one per line."),
         QStringLiteral("FILE")},
        {QStringLiteral("top-labels"), QStringLiteral("Label space: the K most frequent training codes."),
         QStringLiteral("K")},
        {QStringLiteral("labels-include-dev"),
         QStringLiteral(
             "Label space without --labels/--top-labels: codes of train and dev (default: train).")},
        {QStringLiteral("embeddings"),
         QStringLiteral("Word vectors (.embed); their words form the vocabulary."), QStringLiteral("FILE")},
        {QStringLiteral("train-embeddings"),
         QStringLiteral("Train CBOW word vectors on the training texts (+ --corpus) first.")},
        {QStringLiteral("corpus"),
         QStringLiteral("Extra unlabelled text for the vocabulary and CBOW: a .jsonl dataset, a directory of "
                        ".txt files or a text file with one document per line. Repeatable."),
         QStringLiteral("PATH")},
        {QStringLiteral("min-df"),
         QStringLiteral("Vocabulary: words in at least N training (+ corpus) documents (default 3)."),
         QStringLiteral("N")},
        {QStringLiteral("freeze-embeddings"), QStringLiteral("Do not fine-tune the word embeddings.")},
        {QStringLiteral("descriptions"),
         QStringLiteral(
             "Code descriptions, `code<TAB>description` per line (required by drcaml and cmemnn)."),
         QStringLiteral("FILE")},
        {QStringLiteral("epochs"), QStringLiteral("Maximum epochs (preset: 30 fusion, 500 multirescnn)."),
         QStringLiteral("N")},
        {QStringLiteral("patience"), QStringLiteral("Early-stopping patience in epochs (default 10)."),
         QStringLiteral("N")},
        {QStringLiteral("criterion"),
         QStringLiteral(
             "Dev criterion: p_at_5 (<= 50 labels, default), p_at_8 (default above), p_at_15, map, "
             "micro_f1, macro_f1, macro_f1_per_code, macro_auc, micro_auc."),
         QStringLiteral("NAME")},
        {QStringLiteral("lr"), QStringLiteral("Adam learning rate (default 1e-4)."), QStringLiteral("X")},
        {QStringLiteral("batch"), QStringLiteral("Batch size (default 16)."), QStringLiteral("N")},
        {QStringLiteral("max-tokens"),
         QStringLiteral(
             "Notes are truncated to their first N tokens (default 2500, the authors' MAX_LENGTH)."),
         QStringLiteral("N")},
        {QStringLiteral("positive-weight"),
         QStringLiteral("BCE weight of positive labels (default 1 = the paper's loss)."),
         QStringLiteral("X")},
        {QStringLiteral("description-init"),
         QStringLiteral("Start each code's attention and output vectors from its encoded description "
                        "(needs --descriptions; not in the paper).")},
        {QStringLiteral("frequency-bias"),
         QStringLiteral("Start each code's output bias at the log-odds of its training frequency (not in "
                        "the paper).")},
        {QStringLiteral("retrieval-prior"),
         QStringLiteral(
             "Train with the vote of the K nearest training notes (TF-IDF) as a fixed prior on every "
             "code's logit; the model keeps the index (not in the paper)."),
         QStringLiteral("K")},
        {QStringLiteral("warmup"),
         QStringLiteral("Raise the learning rate linearly over the first N epochs (default 0)."),
         QStringLiteral("N")},
        {QStringLiteral("threads"), QStringLiteral("LibTorch threads (default: all cores)."),
         QStringLiteral("N")},
        {QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."), QStringLiteral("N")},
        {QStringLiteral("name"), QStringLiteral("Model name stored in model.json."), QStringLiteral("TEXT")},
        {QStringLiteral("version"), QStringLiteral("Model version stored in model.json (default: UTC time)."),
         QStringLiteral("TEXT")},
        {QStringLiteral("language"), QStringLiteral("Language of the notes (default en)."),
         QStringLiteral("LANG")},
        {QStringLiteral("resume"),
         QStringLiteral("Continue from OUT.training/state.pt (vocabulary, labels and optimiser settings come "
                        "from the state; --epochs and --patience may be raised, and are the run's own when "
                        "not given).")},
        {QStringLiteral("stream"),
         QStringLiteral("Read the training file as a stream through a shuffle buffer (memory independent of "
                        "the corpus; no --train-embeddings, --corpus or --retrieval-prior).")},
        {QStringLiteral("shuffle-buffer"),
         QStringLiteral("Notes in the streaming shuffle buffer (default 4096)."), QStringLiteral("N")},
        {QStringLiteral("nproc"),
         QStringLiteral("Run N local training processes (data-parallel, 127.0.0.1, a free port); --threads "
                        "is per process (default: cores / N)."),
         QStringLiteral("N")},
        {QStringLiteral("world-size"),
         QStringLiteral("Processes in a data-parallel run over several machines (with --rank and --master)."),
         QStringLiteral("N")},
        {QStringLiteral("rank"), QStringLiteral("This process's rank, 0..N-1; rank 0 writes the model."),
         QStringLiteral("R")},
        {QStringLiteral("master"), QStringLiteral("HOST:PORT where rank 0 listens and every rank connects."),
         QStringLiteral("HOST:PORT")},
        {QStringLiteral("dist-timeout"),
         QStringLiteral("Seconds to wait for the ranks to join and for any one exchange (default 300)."),
         QStringLiteral("S")},
    });
}

TrainOptions trainOptionsFromArguments(const QCommandLineParser& parser) {
    const auto isSet = [&](const char* name) { return parser.isSet(QString::fromLatin1(name)); };
    const auto text = [&](const char* name) { return parser.value(QString::fromLatin1(name)).toStdString(); };

    TrainOptions options = presetOptions(isSet("preset") ? text("preset") : std::string("fusion"));
    if (isSet("config"))
        options = loadTrainConfig(text("config"), options);
    if (isSet("labels"))
        options.labelsPath = text("labels");
    if (isSet("top-labels"))
        options.topLabels = intValue(parser, QStringLiteral("top-labels"), 0, 1, 10000000);
    if (isSet("labels") && isSet("top-labels"))
        throw UsageError(QStringLiteral("--labels and --top-labels exclude each other"));
    if (isSet("labels-include-dev"))
        options.labelsIncludeDev = true;
    if (isSet("embeddings") && isSet("train-embeddings"))
        throw UsageError(QStringLiteral("--embeddings and --train-embeddings exclude each other"));
    if (isSet("embeddings")) {
        options.embeddings = EmbeddingSource::File;
        options.embeddingsPath = text("embeddings");
    }
    if (isSet("train-embeddings"))
        options.embeddings = EmbeddingSource::TrainCbow;
    if (isSet("corpus")) {
        options.corpusPaths.clear();
        for (const QString& path : parser.values(QStringLiteral("corpus")))
            options.corpusPaths.push_back(path.toStdString());
    }
    options.minDocumentFrequency =
        intValue(parser, QStringLiteral("min-df"), options.minDocumentFrequency, 1, 1000000);
    if (isSet("freeze-embeddings"))
        options.fineTuneEmbeddings = false;
    if (isSet("descriptions"))
        options.descriptionsPath = text("descriptions");
    options.maxEpochs = intValue(parser, QStringLiteral("epochs"), options.maxEpochs, 1, 1000000);
    options.patience = intValue(parser, QStringLiteral("patience"), options.patience, 1, 1000000);
    if (isSet("criterion"))
        options.criterion = text("criterion");
    options.learningRate = doubleValue(parser, QStringLiteral("lr"), options.learningRate, 1e-12, 100.0);
    options.batchSize = intValue(parser, QStringLiteral("batch"), options.batchSize, 1, 100000);
    options.network.maxTokens = intValue(parser, QStringLiteral("max-tokens"),
                                         static_cast<int>(options.network.maxTokens), 1, 1000000);
    options.positiveWeight =
        doubleValue(parser, QStringLiteral("positive-weight"), options.positiveWeight, 1e-6, 1e6);
    if (isSet("description-init"))
        options.descriptionInit = true;
    if (isSet("frequency-bias"))
        options.frequencyBias = true;
    options.retrievalPrior =
        intValue(parser, QStringLiteral("retrieval-prior"), options.retrievalPrior, 0, 10000);
    options.warmupEpochs = intValue(parser, QStringLiteral("warmup"), options.warmupEpochs, 0, 1000);
    options.threads = intValue(parser, QStringLiteral("threads"), options.threads, 0, 256);
    options.seed = static_cast<std::uint64_t>(
        intValue(parser, QStringLiteral("seed"), static_cast<int>(options.seed), 0, 2147483647));
    if (isSet("name"))
        options.modelName = text("name");
    if (isSet("version"))
        options.modelVersion = text("version");
    if (isSet("language"))
        options.language = text("language");

    if (isSet("shuffle-buffer"))
        options.shuffleBuffer =
            intValue(parser, QStringLiteral("shuffle-buffer"), options.shuffleBuffer, 1, 100000000);
    return options;
}

// --world-size, --rank, --master HOST:PORT and --dist-timeout (all or none of the first three).
DistributedOptions distributedFromArguments(const QCommandLineParser& parser) {
    DistributedOptions distributed;
    const bool any = parser.isSet(QStringLiteral("world-size")) || parser.isSet(QStringLiteral("rank")) ||
                     parser.isSet(QStringLiteral("master"));
    distributed.timeoutSeconds =
        intValue(parser, QStringLiteral("dist-timeout"), distributed.timeoutSeconds, 1, 86400);
    if (!any)
        return distributed;
    distributed.worldSize = intValue(parser, QStringLiteral("world-size"), 0, 1, 4096);
    if (!parser.isSet(QStringLiteral("world-size")) || !parser.isSet(QStringLiteral("rank")) ||
        (distributed.worldSize > 1 && !parser.isSet(QStringLiteral("master"))))
        throw UsageError(
            QStringLiteral("a distributed run needs --world-size, --rank and --master HOST:PORT"));
    distributed.rank = intValue(parser, QStringLiteral("rank"), 0, 0, 4095);
    if (distributed.rank >= distributed.worldSize)
        throw UsageError(QStringLiteral("--rank %1 is outside --world-size %2 (ranks are 0..%3)")
                             .arg(distributed.rank)
                             .arg(distributed.worldSize)
                             .arg(distributed.worldSize - 1));
    if (parser.isSet(QStringLiteral("master"))) {
        const QString master = parser.value(QStringLiteral("master"));
        const int colon = master.lastIndexOf(QLatin1Char(':'));
        bool ok = false;
        const int port = colon > 0 ? master.mid(colon + 1).toInt(&ok) : 0;
        if (!ok || port < 1 || port > 65535)
            throw UsageError(
                QStringLiteral("--master wants HOST:PORT with a port in 1..65535, not '%1'").arg(master));
        distributed.masterHost = master.left(colon).toStdString();
        distributed.masterPort = port;
    }
    return distributed;
}

// A resumed run keeps the stopping rule it was started with: without --epochs and --patience the preset's
// defaults (30 epochs for Fusion) would silently replace the run's own. Read from OUT.training/training.json.
void keepSavedStoppingRule(const QCommandLineParser& parser, const QString& outDir, TrainOptions& options) {
    QFile file(QString::fromStdString(trainingWorkDirectory(outDir.toStdString())) +
               QStringLiteral("/training.json"));
    if (!file.open(QIODevice::ReadOnly))
        return; // no summary yet: the trainer reports the missing state itself
    const QJsonObject summary = QJsonDocument::fromJson(file.readAll()).object();
    if (!parser.isSet(QStringLiteral("epochs")) && summary.value(QStringLiteral("max_epochs")).toInt() > 0)
        options.maxEpochs = summary.value(QStringLiteral("max_epochs")).toInt();
    if (!parser.isSet(QStringLiteral("patience")) && summary.value(QStringLiteral("patience")).toInt() > 0)
        options.patience = summary.value(QStringLiteral("patience")).toInt();
}

// --nproc N: this process only starts and waits for N ranks.
int runAsLocalWorkers(const QCommandLineParser& parser, const QStringList& arguments) {
    if (parser.isSet(QStringLiteral("world-size")) || parser.isSet(QStringLiteral("rank")) ||
        parser.isSet(QStringLiteral("master")))
        throw UsageError(
            QStringLiteral("--nproc starts its own ranks: it excludes --world-size, --rank and --master"));
    const int processes = intValue(parser, QStringLiteral("nproc"), 1, 1, 256);
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int threads = intValue(parser, QStringLiteral("threads"), std::max(1, cores / processes), 1, 256);
    QStringList forwarded;
    for (int i = 1; i < arguments.size(); ++i) {
        const QString& argument = arguments[i];
        if (argument == QLatin1String("--nproc") || argument == QLatin1String("--threads")) {
            ++i; // and its value
            continue;
        }
        if (argument.startsWith(QLatin1String("--nproc=")) ||
            argument.startsWith(QLatin1String("--threads=")))
            continue;
        forwarded << argument;
    }
    const int timeout = intValue(parser, QStringLiteral("dist-timeout"), 300, 1, 86400);
    return runLocalWorkers(forwarded, processes, threads, timeout + 10);
}

// Progress lines on stderr (at most one per 10 s, plus each epoch's end); ranks other than 0 stay quiet.
TrainCallbacks progressPrinter(bool quiet) {
    TrainCallbacks callbacks;
    callbacks.cancel = &g_interrupted;
    if (quiet)
        return callbacks;
    callbacks.message = [](const std::string& message) { printProgress(QString::fromStdString(message)); };
    using Clock = std::chrono::steady_clock;
    auto lastLine = std::make_shared<Clock::time_point>(Clock::now());
    callbacks.progress = [lastLine](const TrainProgress& p) {
        const auto now = Clock::now();
        const bool last = p.batch == p.batches;
        if (std::chrono::duration<double>(now - *lastLine).count() < 10.0 && !(last && p.phase == "train"))
            return;
        *lastLine = now;
        if (p.phase == "embeddings")
            printProgress(QStringLiteral("embeddings: %1 %, eta %2")
                              .arg(100.0 * p.loss, 0, 'f', 1)
                              .arg(duration(p.etaSeconds)));
        else if (p.phase == "train")
            printProgress(QStringLiteral("epoch %1/%2 batch %3/%4: loss %5, %6 notes/s, epoch eta %7")
                              .arg(p.epoch)
                              .arg(p.maxEpochs)
                              .arg(p.batch)
                              .arg(p.batches)
                              .arg(p.loss, 0, 'g', 5)
                              .arg(p.examplesPerSecond, 0, 'f', 1)
                              .arg(duration(p.etaSeconds)));
        else
            printProgress(QStringLiteral("epoch %1: dev %2/%3").arg(p.epoch).arg(p.batch).arg(p.batches));
    };
    callbacks.epochDone = [](const EpochRecord& r) {
        const auto metric = [&](const char* name) {
            const auto it = r.devMetrics.find(name);
            return it == r.devMetrics.end() ? QStringLiteral("-") : QString::number(it->second, 'f', 4);
        };
        printProgress(
            QStringLiteral("epoch %1 done in %2: loss %3; dev map %4, p_at_5 %5, p_at_8 %6, micro_f1 "
                           "%7, macro_auc %8%9")
                .arg(r.epoch)
                .arg(duration(r.seconds))
                .arg(r.trainLoss, 0, 'g', 5)
                .arg(metric("map"), metric("p_at_5"), metric("p_at_8"), metric("micro_f1"),
                     metric("macro_auc"), r.improved ? QStringLiteral(" (best)") : QString()));
    };

    return callbacks;
}

QJsonObject summaryObject(const TrainResult& result, const TrainOptions& options, const QString& outDir) {
    QJsonArray history;
    for (const EpochRecord& r : result.history)
        history.append(QJsonObject{{QStringLiteral("epoch"), r.epoch},
                                   {QStringLiteral("train_loss"), r.trainLoss},
                                   {QStringLiteral("seconds"), r.seconds},
                                   {QStringLiteral("improved"), r.improved},
                                   {QStringLiteral("dev"), metricsObject(r.devMetrics)}});
    QJsonObject best;
    if (result.bestEpoch > 0)
        best = metricsObject(result.history[static_cast<std::size_t>(result.bestEpoch - 1)].devMetrics);
    return QJsonObject{
        {QStringLiteral("model"), outDir},
        {QStringLiteral("preset"), QString::fromStdString(options.preset)},
        {QStringLiteral("criterion"), QString::fromStdString(result.criterion)},
        {QStringLiteral("epochs"), result.epochs},
        {QStringLiteral("best_epoch"), result.bestEpoch},
        {QStringLiteral("threshold"), static_cast<double>(result.threshold)},
        {QStringLiteral("stopped_early"), result.stoppedEarly},
        {QStringLiteral("cancelled"), result.cancelled},
        {QStringLiteral("labels"), static_cast<qint64>(result.labels)},
        {QStringLiteral("vocabulary"), static_cast<qint64>(result.vocabulary)},
        {QStringLiteral("train_documents"), static_cast<qint64>(result.trainDocuments)},
        {QStringLiteral("train_skipped"), static_cast<qint64>(result.trainSkipped)},
        {QStringLiteral("dev_documents"), static_cast<qint64>(result.devDocuments)},
        {QStringLiteral("dev_skipped"), static_cast<qint64>(result.devSkipped)},
        {QStringLiteral("best_dev"), best},
        {QStringLiteral("history"), history},
    };
}

} // namespace

int runTrain(const QStringList& arguments) {
    QCommandLineParser parser;
    addTrainOptions(parser);
    parseOrThrow(
        parser, arguments,
        QStringLiteral("Trains a model with the authors' recipe: shuffled batches, mean BCE, Adam, dev "
                       "evaluation each epoch, best epoch kept, early stopping."));
    if (!parser.positionalArguments().isEmpty())
        throw UsageError(QStringLiteral("train takes no positional arguments"));
    if (parser.isSet(QStringLiteral("nproc")))
        return runAsLocalWorkers(parser, arguments);

    TrainOptions options = trainOptionsFromArguments(parser);
    options.distributed = distributedFromArguments(parser);
    const QString trainPath = requiredValue(parser, QStringLiteral("train"));
    const QString devPath = requiredValue(parser, QStringLiteral("dev"));
    const QString outDir = requiredValue(parser, QStringLiteral("out"));
    if (options.modelName.empty())
        options.modelName = options.preset + " trained on " + QFileInfo(trainPath).fileName().toStdString();
    // Fail on an unknown criterion before reading any data.
    effectiveCriterion(options.criterion, 1);
    const bool master = options.distributed.rank == 0;
    const bool stream = parser.isSet(QStringLiteral("stream"));
    if (parser.isSet(QStringLiteral("resume")))
        keepSavedStoppingRule(parser, outDir, options);

    std::vector<Document> trainSet;
    if (stream)
        DatasetReader{trainPath.toStdString()}; // only fails early when the file cannot be opened
    else
        trainSet = loadDataset(trainPath.toStdString());
    const auto devSet = loadDataset(devPath.toStdString());
    if (master)
        printProgress(QStringLiteral("train: %1 from %2; dev: %3 documents from %4")
                          .arg(stream ? QStringLiteral("streamed")
                                      : QStringLiteral("%1 documents").arg(trainSet.size()))
                          .arg(trainPath)
                          .arg(devSet.size())
                          .arg(devPath));

    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    const TrainCallbacks callbacks = progressPrinter(!master);
    const bool resume = parser.isSet(QStringLiteral("resume"));
    const TrainResult result =
        stream ? trainStreaming(options, trainPath.toStdString(), devSet, outDir.toStdString(), callbacks,
                                resume)
               : train(options, trainSet, devSet, outDir.toStdString(), callbacks, resume);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);

    if (master)
        std::fputs(
            QJsonDocument(summaryObject(result, options, outDir)).toJson(QJsonDocument::Indented).constData(),
            stdout);
    if (result.cancelled) {
        printError(QStringLiteral("training interrupted after epoch %1; the best model so far is in %2; "
                                  "continue with --resume")
                       .arg(result.epochs)
                       .arg(outDir));
        return Failure;
    }
    if (result.bestEpoch == 0) {
        printError(QStringLiteral("no epoch produced a usable dev criterion; no model written"));
        return Failure;
    }
    return Ok;
}

} // namespace fc::cli
