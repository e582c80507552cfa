// fusioncoder-cli predict: one note -> JSON with codes, scores and evidence spans (interfaces.md).
#include "cli_common.h"
#include "commands.h"
#include "notetext.h"

#include "codecatalog.h"

#include "fc/model/engine.h"
#include "fc/model/unicode.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace fc::cli {

int runPredict(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("model"), QStringLiteral("Model directory or shipped model name."),
         QStringLiteral("MODEL"), QStringLiteral("default")},
        {QStringLiteral("top"), QStringLiteral("Number of codes to list, 0 = every label (default 10)."),
         QStringLiteral("K")},
        {QStringLiteral("threshold"), QStringLiteral("List only codes with score >= T."),
         QStringLiteral("T")},
        {QStringLiteral("json"), QStringLiteral("Print JSON (the only format; accepted for scripts).")},
        {QStringLiteral("threads"), QStringLiteral("LibTorch threads (default: all cores)."),
         QStringLiteral("N")},
        {QStringLiteral("no-evidence"), QStringLiteral("Skip evidence extraction.")},
        {QStringLiteral("network-only"),
         QStringLiteral("The network's scores and attention alone, without the retrieval part (neighbour "
                        "vote, description match and its mentions).")},
        {QStringLiteral("fast"),
         QStringLiteral("Fast mode: bfloat16 network (on CPUs with AVX512-BF16 or AMX; elsewhere the "
                        "exact mode is used; scores differ from the exact default by ~1e-3).")},
    });
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("UTF-8 note file, or - for stdin."));
    parseOrThrow(parser, arguments,
                 QStringLiteral("Suggests ICD codes for one note and prints them as JSON."));
    if (parser.positionalArguments().size() != 1)
        throw UsageError(QStringLiteral("predict takes exactly one FILE (or -)"));
    const int top = intValue(parser, QStringLiteral("top"), 10, 0, 1000000);
    const double threshold = doubleValue(parser, QStringLiteral("threshold"), 0.0, 0.0, 1.0);
    const int threads = intValue(parser, QStringLiteral("threads"), 0, 0, 256);

    const QString source = parser.positionalArguments().first();
    const std::string text = decodeNoteOrThrow(readInput(source), source);
    const auto engine = Engine::load(modelDirectory(parser.value(QStringLiteral("model"))).toStdString(),
                                     threads, parser.isSet(QStringLiteral("fast")));
    const ModelInfo& info = engine->info();
    if (parser.isSet(QStringLiteral("fast")) && !engine->fast())
        printProgress(
            QStringLiteral("fast mode needs a CPU with AVX512-BF16 or AMX (bfloat16 is about 40x slower "
                           "without them): using the exact mode"));

    PredictOptions options;
    options.evidence = !parser.isSet(QStringLiteral("no-evidence"));
    options.networkOnly = parser.isSet(QStringLiteral("network-only"));
    const Prediction prediction = engine->predict(text, options);
    if (prediction.insufficientText) // issue #14: no suggestions drawn from the codes' priors
        throw UsageError(QStringLiteral("%1: %2").arg(source, QString::fromUtf8(insufficientTextMessage())));

    // Descriptions come from the bundled catalogs of the systems this model predicts; without catalogs the
    // codes are still listed, with an empty description and a warning.
    QStringList systems;
    for (const std::string& system : info.labelSystems)
        if (!systems.contains(QString::fromStdString(system)) && system != "unknown")
            systems << QString::fromStdString(system);
    QString catalogError;
    std::shared_ptr<const CodeCatalog> catalog;
    const QString catalogDirectory = CodeCatalog::locateDirectory(&catalogError);
    if (!catalogDirectory.isEmpty())
        catalog = CodeCatalog::load(catalogDirectory, systems, &catalogError);
    if (!catalog)
        printProgress(QStringLiteral("warning: no code descriptions (%1)").arg(catalogError));

    const std::u32string codePoints = decodeUtf8(text);
    const auto systemOf = systemsByCode(info);
    QJsonArray codes;
    for (const CodeScore& code : prediction.codes) {
        if (top > 0 && codes.size() >= top)
            break;
        if (code.score < threshold)
            break; // sorted by score
        QJsonArray evidence;
        for (const EvidenceSpan& span : code.evidence) {
            const auto begin = static_cast<size_t>(span.begin);
            const auto length = static_cast<size_t>(span.end - span.begin);
            evidence.append(QJsonObject{
                {QStringLiteral("begin"), static_cast<qint64>(span.begin)},
                {QStringLiteral("end"), static_cast<qint64>(span.end)},
                {QStringLiteral("text"),
                 QString::fromStdString(encodeUtf8(codePoints.substr(begin, length)))},
                {QStringLiteral("weight"), span.weight},
                {QStringLiteral("source"), span.source == EvidenceSource::Mention
                                               ? QStringLiteral("mention")
                                               : QStringLiteral("attention")},
            });
        }
        const QString system = QString::fromStdString(systemOf.at(code.code));
        const auto entry =
            catalog ? catalog->lookup(system, QString::fromStdString(code.code)) : std::nullopt;
        codes.append(QJsonObject{
            {QStringLiteral("code"), QString::fromStdString(code.code)},
            {QStringLiteral("system"), system},
            {QStringLiteral("description"), entry ? codeDescription(*entry) : QString()},
            {QStringLiteral("score"), static_cast<double>(code.score)},
            {QStringLiteral("evidence"), evidence},
        });
    }
    const QJsonObject output{
        {QStringLiteral("model"),
         QJsonObject{{QStringLiteral("name"), QString::fromStdString(info.name)},
                     {QStringLiteral("version"), QString::fromStdString(info.version)},
                     {QStringLiteral("placeholder"), info.placeholder},
                     {QStringLiteral("network_only"), options.networkOnly}}},
        {QStringLiteral("tokens"), static_cast<qint64>(prediction.tokens)},
        {QStringLiteral("truncated"), prediction.truncated},
        {QStringLiteral("windows"), static_cast<qint64>(prediction.windows)},
        {QStringLiteral("codes"), codes},
    };
    std::fputs(QJsonDocument(output).toJson(QJsonDocument::Indented).constData(), stdout);
    return Ok;
}

} // namespace fc::cli
