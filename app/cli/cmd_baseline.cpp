// fusioncoder-cli baseline: the reference rankings every trained model is compared with (frequency and
// TF-IDF nearest neighbours; codiesp-notes.md), scored with the same metrics as eval.
#include "cli_common.h"
#include "commands.h"

#include "fc/model/retrieval.h"

#include <cstdio>

namespace fc::cli {

int runBaseline(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("method"), QStringLiteral("knn (default) or frequency."), QStringLiteral("NAME"),
         QStringLiteral("knn")},
        {QStringLiteral("train"),
         QStringLiteral("Training dataset (.jsonl): the notes that vote / are counted."),
         QStringLiteral("FILE")},
        {QStringLiteral("data"), QStringLiteral("Dataset to score (.jsonl), e.g. dev."),
         QStringLiteral("FILE")},
        {QStringLiteral("neighbours"), QStringLiteral("knn: nearest training notes that vote (default 20)."),
         QStringLiteral("K")},
        {QStringLiteral("json"), QStringLiteral("Print one JSON object instead of a table.")},
    });
    parseOrThrow(parser, arguments,
                 QStringLiteral("Scores a dataset with a reference baseline over the label set of every code "
                                "in train and data, and prints the metrics of eval."));
    const QString method = parser.value(QStringLiteral("method"));
    const QString train = requiredValue(parser, QStringLiteral("train"));
    const QString data = requiredValue(parser, QStringLiteral("data"));
    const int neighbours = intValue(parser, QStringLiteral("neighbours"), 20, 1, 10000);
    const EvalMetrics metrics =
        evaluateBaseline(method.toStdString(), train.toStdString(), data.toStdString(), neighbours);
    if (parser.isSet(QStringLiteral("json"))) {
        std::fputs(metricsToJson(metrics).c_str(), stdout);
        std::fputs("\n", stdout);
    } else {
        std::fputs(metricsToTable(metrics).c_str(), stdout);
    }
    return Ok;
}

} // namespace fc::cli
