// fusioncoder-cli info: what a model is, as JSON (name, version, arch, labels, parameters, threshold).
#include "cli_common.h"
#include "commands.h"

#include "fc/model/engine.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace fc::cli {

int runInfo(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("model"), QStringLiteral("Model directory or shipped model name."),
                      QStringLiteral("MODEL"), QStringLiteral("default")});
    parser.addOption(
        {QStringLiteral("labels"), QStringLiteral("Also list every label with its code system.")});
    parseOrThrow(parser, arguments, QStringLiteral("Describes a model as JSON."));
    const auto engine = Engine::load(modelDirectory(parser.value(QStringLiteral("model"))).toStdString(), 1);
    const ModelInfo& info = engine->info();
    QJsonObject output{
        {QStringLiteral("name"), QString::fromStdString(info.name)},
        {QStringLiteral("version"), QString::fromStdString(info.version)},
        {QStringLiteral("arch"), QString::fromStdString(info.arch)},
        {QStringLiteral("language"), QString::fromStdString(info.language)},
        {QStringLiteral("placeholder"), info.placeholder},
        {QStringLiteral("threshold"), static_cast<double>(info.threshold)},
        {QStringLiteral("max_tokens"), static_cast<qint64>(info.maxTokens)},
        {QStringLiteral("labels"), static_cast<qint64>(info.labels.size())},
        {QStringLiteral("vocabulary"), static_cast<qint64>(info.vocabularySize)},
        {QStringLiteral("parameters"), static_cast<qint64>(info.parameters)},
        {QStringLiteral("directory"), QString::fromStdString(info.directory)},
    };
    if (!info.retrievalMode.empty())
        output.insert(
            QStringLiteral("retrieval"),
            QJsonObject{
                {QStringLiteral("mode"), QString::fromStdString(info.retrievalMode)},
                {QStringLiteral("neighbours"), info.retrievalNeighbours},
                {QStringLiteral("weight"), static_cast<double>(info.retrievalWeight)},
                {QStringLiteral("description_weight"), static_cast<double>(info.retrievalDescriptionWeight)},
                {QStringLiteral("lexicon_weight"), static_cast<double>(info.retrievalLexiconWeight)}});
    if (parser.isSet(QStringLiteral("labels"))) {
        QJsonArray labels;
        for (size_t i = 0; i < info.labels.size(); ++i)
            labels.append(
                QJsonObject{{QStringLiteral("code"), QString::fromStdString(info.labels[i])},
                            {QStringLiteral("system"),
                             QString::fromStdString(i < info.labelSystems.size() ? info.labelSystems[i]
                                                                                 : std::string())}});
        output.insert(QStringLiteral("label_list"), labels);
    }
    std::fputs(QJsonDocument(output).toJson(QJsonDocument::Indented).constData(), stdout);
    return Ok;
}

} // namespace fc::cli
