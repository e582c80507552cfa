// fusioncoder-cli eval: a model on a dataset file -> the metrics of interfaces.md (table, or JSON with
// --json).
#include "cli_common.h"
#include "commands.h"

#include "fc/model/dataset.h"
#include "fc/model/evaluation.h"
#include "fc/model/metrics.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <chrono>
#include <cstdio>

namespace fc::cli {

namespace {

void writeScores(const QString& path, const EvaluationResult& result) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw UsageError(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    for (std::size_t row = 0; row < result.documentIds.size(); ++row) {
        QByteArray line = QByteArray::fromStdString(result.documentIds[row]);
        const float* scores = result.scores.row(row);
        for (std::size_t y = 0; y < result.labels.size(); ++y)
            line += (y ? ' ' : '\t') + QByteArray::fromStdString(result.labels[y]) + ':' +
                    QByteArray::number(scores[y], 'g', 6);
        file.write(line + '\n');
    }
    if (!file.commit())
        throw UsageError(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
}

} // namespace

int runEval(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("model"), QStringLiteral("Model directory or shipped model name."),
         QStringLiteral("MODEL"), QStringLiteral("default")},
        {QStringLiteral("data"), QStringLiteral("Dataset file (JSON Lines) with gold codes."),
         QStringLiteral("FILE")},
        {QStringLiteral("json"), QStringLiteral("Print one JSON object instead of a table.")},
        {QStringLiteral("threshold"),
         QStringLiteral("Decision threshold of the F1 metrics (default: the model's, tuned on dev)."),
         QStringLiteral("T")},
        {QStringLiteral("truncate"),
         QStringLiteral(
             "Score only the first max-tokens tokens of each note, as the authors' evaluation does "
             "(default: long notes are scored in windows, like predict).")},
        {QStringLiteral("no-evidence"), QStringLiteral("Skip the evidence metrics.")},
        {QStringLiteral("network-only"),
         QStringLiteral("The network's scores and attention alone, without the retrieval part (neighbour "
                        "vote, description match and its mentions).")},
        {QStringLiteral("train-frequency"),
         QStringLiteral(
             "The training dataset (.jsonl): also report MAP per train-frequency bucket of the gold "
             "codes, map_train_freq_0, map_train_freq_1_4 and map_train_freq_5plus."),
         QStringLiteral("FILE")},
        {QStringLiteral("scores"),
         QStringLiteral("Also write every score: one line per document, id<TAB>code:score ... (all labels)."),
         QStringLiteral("FILE")},
        {QStringLiteral("threads"), QStringLiteral("LibTorch threads (default: all cores)."),
         QStringLiteral("N")},
        {QStringLiteral("fast"),
         QStringLiteral("Fast mode, as predict --fast: bfloat16 network on CPUs with AVX512-BF16 or AMX "
                        "(elsewhere the exact mode is used and said so).")},
    });
    parseOrThrow(
        parser, arguments,
        QStringLiteral("Scores every document of a dataset with a model and prints macro_auc, micro_auc, "
                       "macro_f1, macro_f1_per_code, micro_f1, p_at_5, p_at_8, p_at_15, map, n_docs, "
                       "n_skipped (and evidence metrics when the data has evidence); for ICD-10 models also "
                       "the official CodiEsp metrics codiesp_d_map, codiesp_p_map and, with evidence, "
                       "codiesp_x_precision, codiesp_x_recall, codiesp_x_f1."));
    if (!parser.positionalArguments().isEmpty())
        throw UsageError(QStringLiteral("eval takes no positional arguments"));
    const QString data = requiredValue(parser, QStringLiteral("data"));
    const QString model = modelDirectory(parser.value(QStringLiteral("model")));

    EvaluationOptions options;
    options.truncate = parser.isSet(QStringLiteral("truncate"));
    options.evidence = !parser.isSet(QStringLiteral("no-evidence"));
    options.networkOnly = parser.isSet(QStringLiteral("network-only"));
    options.threads = intValue(parser, QStringLiteral("threads"), 0, 0, 256);
    options.fast = parser.isSet(QStringLiteral("fast"));
    const QString trainPath = parser.value(QStringLiteral("train-frequency"));
    if (!trainPath.isEmpty()) {
        if (!QFileInfo(trainPath).isFile())
            throw UsageError(QStringLiteral("--train-frequency: no dataset file at %1").arg(trainPath));
        for (const auto& [code, count] : codeFrequencies(trainPath.toStdString()))
            options.trainFrequency.emplace(code, count);
    }
    if (parser.isSet(QStringLiteral("threshold")))
        options.threshold =
            static_cast<float>(doubleValue(parser, QStringLiteral("threshold"), 0.5, 0.0, 1.0));
    auto last = std::chrono::steady_clock::now();
    options.progress = [&](std::size_t done, std::size_t total) {
        const auto now = std::chrono::steady_clock::now();
        if (done != total && std::chrono::duration<double>(now - last).count() < 5.0)
            return;
        last = now;
        printProgress(QStringLiteral("eval: %1/%2 documents").arg(done).arg(total));
    };

    const EvaluationResult result = evaluateModel(model.toStdString(), data.toStdString(), options);
    if (options.fast && !result.fast)
        printProgress(
            QStringLiteral("eval: fast mode needs a CPU with AVX512-BF16 or AMX; the exact mode was "
                           "used"));
    if (result.metrics.n_docs == 0)
        throw UsageError(QStringLiteral("%1: no document with a code in the model's label set, nothing to "
                                        "evaluate (%2 skipped)")
                             .arg(data)
                             .arg(result.metrics.n_skipped));
    printProgress(
        QStringLiteral("eval: %1 documents scored, %2 skipped (no code in the label set), %3 longer "
                       "than the model window (%4), %5 s")
            .arg(result.metrics.n_docs)
            .arg(result.metrics.n_skipped)
            .arg(result.longDocuments)
            .arg(options.truncate ? QStringLiteral("truncated") : QStringLiteral("windowed"))
            .arg(result.seconds, 0, 'f', 1));
    if (parser.isSet(QStringLiteral("scores")))
        writeScores(parser.value(QStringLiteral("scores")), result);
    if (parser.isSet(QStringLiteral("json"))) {
        std::fputs(metricsToJson(result.metrics).c_str(), stdout);
        std::fputs("\n", stdout);
    } else {
        std::fputs(metricsToTable(result.metrics).c_str(), stdout);
    }
    return Ok;
}

} // namespace fc::cli
