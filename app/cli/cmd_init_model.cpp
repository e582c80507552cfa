// fusioncoder-cli init-model: a model directory with freshly initialised weights (used for the
// placeholder default model and as a starting point for experiments).
#include "cli_common.h"
#include "commands.h"

#include "fc/model/modelfiles.h"
#include "fc/model/vocabulary.h"

#include <QFile>

namespace fc::cli {

namespace {

std::vector<std::string> readLines(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        throw UsageError(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    std::vector<std::string> lines;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (!line.isEmpty())
            lines.emplace_back(line.constData(), static_cast<size_t>(line.size()));
    }
    return lines;
}

} // namespace

int runInitModel(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("arch"), QStringLiteral("fusion, fusion-maxpool, fusion-doclevel, multirescnn, caml, drcaml."),
         QStringLiteral("ARCH"), QStringLiteral("fusion")},
        {QStringLiteral("labels"), QStringLiteral("Label file: one code per line, in output order."),
         QStringLiteral("FILE")},
        {QStringLiteral("vocab"), QStringLiteral("Vocabulary file: one word per line (any order)."),
         QStringLiteral("FILE")},
        {QStringLiteral("name"), QStringLiteral("Model name shown to the user."), QStringLiteral("NAME")},
        {QStringLiteral("version"), QStringLiteral("Model version (default 0)."), QStringLiteral("VERSION"),
         QStringLiteral("0")},
        {QStringLiteral("language"), QStringLiteral("Language of the notes (default en)."), QStringLiteral("LANG"),
         QStringLiteral("en")},
        {QStringLiteral("placeholder"), QStringLiteral("Mark the model as a placeholder (random weights).")},
        {QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."), QStringLiteral("N")},
        {QStringLiteral("out"), QStringLiteral("Model directory to write (replaced atomically)."), QStringLiteral("DIR")},
    });
    parseOrThrow(parser, arguments, QStringLiteral("Creates a model directory with untrained weights."));

    ModelConfig config;
    config.arch = parser.value(QStringLiteral("arch")).toStdString();
    config.labels = readLines(requiredValue(parser, QStringLiteral("labels")));
    if (config.labels.empty())
        throw UsageError(QStringLiteral("the label file has no labels"));
    config.name = parser.isSet(QStringLiteral("name")) ? parser.value(QStringLiteral("name")).toStdString()
                                                       : "Untrained " + config.arch;
    config.version = parser.value(QStringLiteral("version")).toStdString();
    config.language = parser.value(QStringLiteral("language")).toStdString();
    config.placeholder = parser.isSet(QStringLiteral("placeholder"));
    const auto vocabulary = readLines(requiredValue(parser, QStringLiteral("vocab")));
    const int seed = intValue(parser, QStringLiteral("seed"), 1, 0, 2147483647);
    const QString out = requiredValue(parser, QStringLiteral("out"));

    createModel(config, vocabulary, static_cast<std::uint64_t>(seed), out.toStdString());
    printProgress(QStringLiteral("wrote %1 (%2, %3 labels, %4 words)")
                      .arg(out, QString::fromStdString(config.arch))
                      .arg(config.labels.size())
                      .arg(vocabulary.size()));
    return Ok;
}

} // namespace fc::cli
