// fusioncoder-cli retrieval: adds the nearest-neighbour component (model/include/fc/model/retrieval.h) to a
// trained model, choosing its weight and the decision threshold on dev.
#include "cli_common.h"
#include "commands.h"

#include "fc/model/retrieval.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace fc::cli {

int runRetrieval(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("model"),
         QStringLiteral("Trained model directory (without retrieval, or with --replace)."),
         QStringLiteral("DIR")},
        {QStringLiteral("train"), QStringLiteral("Training dataset (.jsonl): the notes of the index."),
         QStringLiteral("FILE")},
        {QStringLiteral("dev"), QStringLiteral("Dev dataset (.jsonl): chooses the weight and the threshold."),
         QStringLiteral("FILE")},
        {QStringLiteral("out"), QStringLiteral("Model directory to write (may be --model itself)."),
         QStringLiteral("DIR")},
        {QStringLiteral("neighbours"), QStringLiteral("Nearest training notes that vote (default 20)."),
         QStringLiteral("K")},
        {QStringLiteral("weight"),
         QStringLiteral("Fixed weight of the vote in [0, 1] (default: best dev MAP of 0, 0.05, ..., 1)."),
         QStringLiteral("X")},
        {QStringLiteral("descriptions"),
         QStringLiteral(
             "code<TAB>description lines (fusioncoder-cli descriptions): also mix in how much of each "
             "code's description the note mentions."),
         QStringLiteral("FILE")},
        {QStringLiteral("description-weight"),
         QStringLiteral("Fixed weight d of the description match (default: best dev MAP of 0 ... 2)."),
         QStringLiteral("X")},
        {QStringLiteral("lexicon"),
         QStringLiteral(
             "A mention lexicon (fusioncoder-cli lexicon): also mix in the best match of each code's "
             "entries in the note; its matches become mention evidence."),
         QStringLiteral("FILE")},
        {QStringLiteral("lexicon-weight"),
         QStringLiteral("Fixed weight l of the lexicon (default: best dev MAP of 0 ... 4)."),
         QStringLiteral("X")},
        {QStringLiteral("replace"),
         QStringLiteral("Rebuild the retrieval part of a model that has one (its network is scored alone).")},
        {QStringLiteral("threads"), QStringLiteral("LibTorch threads (default: all cores)."),
         QStringLiteral("N")},
    });
    parseOrThrow(
        parser, arguments,
        QStringLiteral("Mixes a TF-IDF nearest-neighbour vote into a model's scores: "
                       "score = (1 - w) x network + w x (vote + d x description match + l x lexicon) "
                       "/ (1 + d + l). "
                       "Prints JSON with the dev MAP of every "
                       "weight tried and the dev metrics with and without the vote."));
    const QString model = modelDirectory(requiredValue(parser, QStringLiteral("model")));
    const QString train = requiredValue(parser, QStringLiteral("train"));
    const QString dev = requiredValue(parser, QStringLiteral("dev"));
    const QString out = requiredValue(parser, QStringLiteral("out"));
    RetrievalTuningOptions options;
    options.neighbours = intValue(parser, QStringLiteral("neighbours"), 20, 1, 10000);
    if (parser.isSet(QStringLiteral("weight")))
        options.weight = static_cast<float>(doubleValue(parser, QStringLiteral("weight"), 0.5, 0.0, 1.0));
    options.threads = intValue(parser, QStringLiteral("threads"), 0, 0, 256);
    if (parser.isSet(QStringLiteral("descriptions")))
        options.descriptionsPath = parser.value(QStringLiteral("descriptions")).toStdString();
    if (parser.isSet(QStringLiteral("description-weight"))) {
        if (options.descriptionsPath.empty())
            throw UsageError(QStringLiteral("--description-weight needs --descriptions"));
        options.descriptionWeight =
            static_cast<float>(doubleValue(parser, QStringLiteral("description-weight"), 0.5, 0.0, 100.0));
    }
    if (parser.isSet(QStringLiteral("lexicon")))
        options.lexiconPath = parser.value(QStringLiteral("lexicon")).toStdString();
    if (parser.isSet(QStringLiteral("lexicon-weight"))) {
        if (options.lexiconPath.empty())
            throw UsageError(QStringLiteral("--lexicon-weight needs --lexicon"));
        options.lexiconWeight =
            static_cast<float>(doubleValue(parser, QStringLiteral("lexicon-weight"), 1.0, 0.0, 100.0));
    }
    options.replace = parser.isSet(QStringLiteral("replace"));
    options.progress = [](std::size_t done, std::size_t total) {
        if (done == total || done % 50 == 0)
            printProgress(QStringLiteral("retrieval: dev %1/%2 documents scored").arg(done).arg(total));
    };

    const RetrievalTuning tuning =
        addRetrieval(model.toStdString(), train.toStdString(), dev.toStdString(), out.toStdString(), options);
    QJsonArray devMap;
    for (const auto& trial : tuning.devMap)
        devMap.append(
            QJsonObject{{QStringLiteral("weight"), static_cast<double>(trial.weight)},
                        {QStringLiteral("description_weight"), static_cast<double>(trial.descriptionWeight)},
                        {QStringLiteral("lexicon_weight"), static_cast<double>(trial.lexiconWeight)},
                        {QStringLiteral("map"), trial.map}});
    const auto metrics = [](const EvalMetrics& m) {
        return QJsonDocument::fromJson(QByteArray::fromStdString(metricsToJson(m))).object();
    };
    const QJsonObject result{
        {QStringLiteral("weight"), static_cast<double>(tuning.weight)},
        {QStringLiteral("description_weight"), static_cast<double>(tuning.descriptionWeight)},
        {QStringLiteral("lexicon_weight"), static_cast<double>(tuning.lexiconWeight)},
        {QStringLiteral("neighbours"), tuning.neighbours},
        {QStringLiteral("threshold"), static_cast<double>(tuning.threshold)},
        {QStringLiteral("indexed_documents"), static_cast<qint64>(tuning.indexedDocuments)},
        {QStringLiteral("dev_map_by_weight"), devMap},
        {QStringLiteral("dev_network_only"), metrics(tuning.networkOnly)},
        {QStringLiteral("dev_combined"), metrics(tuning.combined)},
        {QStringLiteral("written"), tuning.weight > 0.0f ? out : QString()},
    };
    std::fputs(QJsonDocument(result).toJson(QJsonDocument::Indented).constData(), stdout);
    if (tuning.weight <= 0.0f)
        printProgress(QStringLiteral("retrieval: the vote does not improve dev MAP; nothing written"));
    return Ok;
}

} // namespace fc::cli
