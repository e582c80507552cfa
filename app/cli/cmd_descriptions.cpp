// fusioncoder-cli descriptions: `code<TAB>description` lines for the codes of label files or datasets,
// taken from the shipped catalogs, or with --from-evidence from the gold evidence spans of a dataset (the
// notes' own language; evidence_descriptions.h). The input of train --descriptions (description init,
// DR-CAML) and retrieval --descriptions.
#include "cli_common.h"
#include "commands.h"

#include "codecatalog.h"
#include "fc/model/dataset.h"
#include "fc/model/evidence_descriptions.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <set>

namespace fc::cli {

namespace {

void writeAtomically(const QString& path, const QByteArray& text) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit())
        throw UsageError(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
}

int writeEvidenceDescriptions(const std::set<std::string>& codes, const QString& datasetPath,
                              const QString& out) {
    if (!QFileInfo(datasetPath).isFile())
        throw UsageError(QStringLiteral("no dataset file at %1").arg(datasetPath));
    const auto mentions = evidenceDescriptions(loadDataset(datasetPath.toStdString()));
    QByteArray text;
    std::size_t described = 0;
    for (const auto& code : codes) {
        const auto it = mentions.find(code);
        if (it == mentions.end())
            continue;
        text += QByteArray::fromStdString(code) + '\t' + QByteArray::fromStdString(it->second) + '\n';
        ++described;
    }
    writeAtomically(out, text);
    printProgress(QStringLiteral("descriptions: %1 of %2 codes described by their evidence in %3 (%4)")
                      .arg(described)
                      .arg(codes.size())
                      .arg(datasetPath, out));
    return Ok;
}

} // namespace

int runDescriptions(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("codes"),
         QStringLiteral("A label file (one code per line) or a dataset (.jsonl) whose codes to describe; "
                        "repeatable."),
         QStringLiteral("FILE")},
        {QStringLiteral("catalogs"), QStringLiteral("Catalog directory (default: the shipped catalogs)."),
         QStringLiteral("DIR")},
        {QStringLiteral("from-evidence"),
         QStringLiteral(
             "Describe each code by its most frequent gold evidence mention in this dataset (.jsonl "
             "with evidence, e.g. CodiEsp Spanish train) instead of the catalog title."),
         QStringLiteral("FILE")},
        {QStringLiteral("out"), QStringLiteral("Output file (written atomically)."), QStringLiteral("FILE")},
    });
    parseOrThrow(
        parser, arguments,
        QStringLiteral("Writes `code<TAB>description` for every code of the given files that the "
                       "catalogs know (the long title; for a code they lack, its nearest ancestor's), "
                       "and reports the codes without any."));
    const QStringList inputs = parser.values(QStringLiteral("codes"));
    if (inputs.isEmpty())
        throw UsageError(QStringLiteral("--codes FILE is required"));
    const QString out = requiredValue(parser, QStringLiteral("out"));

    std::set<std::string> codes;
    for (const QString& input : inputs)
        for (auto& code : codesOfFile(input))
            codes.insert(std::move(code));
    const QString evidencePath = parser.value(QStringLiteral("from-evidence"));
    if (!evidencePath.isEmpty())
        return writeEvidenceDescriptions(codes, evidencePath, out);

    QString error;
    QString directory = parser.value(QStringLiteral("catalogs"));
    if (directory.isEmpty())
        directory = CodeCatalog::locateDirectory(&error);
    if (directory.isEmpty())
        throw UsageError(QStringLiteral("no code catalog: %1").arg(error));
    const auto catalog = CodeCatalog::load(directory, {}, &error);
    if (!catalog)
        throw UsageError(QStringLiteral("--catalogs %1: %2").arg(directory, error));

    QByteArray text;
    QStringList unknown;
    for (const auto& code : codes) {
        // CodiEsp writes some codes with placeholder X's the catalog lacks (S02.5XX): describe the nearest
        // ancestor the catalog knows.
        QString key = QString::fromStdString(code);
        auto entry = catalog->lookupAny(key);
        while (!entry && key.size() > 3) {
            key.chop(1);
            if (key.endsWith(QLatin1Char('.')))
                key.chop(1);
            entry = catalog->lookupAny(key);
        }
        if (!entry) {
            unknown.append(QString::fromStdString(code));
            continue;
        }
        QString description =
            entry->longDescription.isEmpty() ? entry->shortDescription : entry->longDescription;
        description.replace(QLatin1Char('\t'), QLatin1Char(' ')).replace(QLatin1Char('\n'), QLatin1Char(' '));
        text += QByteArray::fromStdString(code) + '\t' + description.toUtf8() + '\n';
    }
    writeAtomically(out, text);
    printProgress(QStringLiteral("descriptions: %1 of %2 codes described in %3")
                      .arg(codes.size() - static_cast<std::size_t>(unknown.size()))
                      .arg(codes.size())
                      .arg(out));
    if (!unknown.isEmpty())
        printProgress(QStringLiteral("not in the catalogs: %1").arg(unknown.join(QLatin1Char(' '))));
    return Ok;
}

} // namespace fc::cli
