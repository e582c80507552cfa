// fusioncoder-cli export: writes the accepted code set of stored charts as CSV, JSON or FHIR R4 (formats in
// app/export_csv.cpp, export_json.cpp, export_fhir.cpp), after the validity checks of app/codevalidation.cpp;
// `export --validate FILE` re-imports an export and checks it.
#include "cli_common.h"
#include "commands.h"

#include "codecatalog.h"
#include "databasepassphrase.h"
#include "chartstorage.h"
#include "exportservice.h"

#include "fc/storage/database.h"
#include "fc/storage/repositories.h"

#include <QFileInfo>
#include <QSaveFile>
#include <QSet>

#include <cstdio>
#include <memory>

namespace fc::cli {

namespace {

const char kDescription[] =
    "Exports the accepted and added codes of stored charts, or checks an exported file.\n\n"
    "  export --db FILE --note-id N|--all [--format csv|json|fhir|fhir-claim] [--out FILE|-]\n"
    "  export --validate FILE\n\n"
    "Formats: csv (one row per code), json, fhir (FHIR R4 Bundle of Conditions and Procedures), fhir-claim\n"
    "(FHIR R4 Claim). --all writes every note with at least one accepted or added code into one file.\n"
    "Before writing, each chart is validated (codes in the bundled catalogs, no duplicates, one principal\n"
    "diagnosis, POA values): errors stop the export (exit 2) unless --force; warnings (e.g. header codes)\n"
    "are printed and stop it only with --strict.";

struct Counts {
    int errors = 0;
    int warnings = 0;
};

// The catalogs of `systems` (known ones only) from --catalogs or the bundled directory; null (with a warning)
// when no catalog directory is found. Loading only the systems in use keeps the command fast.
std::shared_ptr<const CodeCatalog> loadCatalog(const QString& directoryOption, const QSet<QString>& systems) {
    QStringList wanted;
    for (const QString& system : CodeCatalog::knownSystems()) {
        if (systems.contains(system))
            wanted << system;
    }
    if (wanted.isEmpty())
        return nullptr;
    QString error;
    QString directory = directoryOption;
    if (directory.isEmpty()) {
        directory = CodeCatalog::locateDirectory(&error);
        if (directory.isEmpty()) {
            printProgress(QStringLiteral("warning: %1; codes are not checked against a catalog").arg(error));
            return nullptr;
        }
    }
    auto catalog = CodeCatalog::load(directory, wanted, &error);
    if (!catalog)
        throw UsageError(QStringLiteral("--catalogs %1: %2").arg(directory, error));
    return catalog;
}

QSet<QString> systemsOf(const QVector<CodedChart>& charts) {
    QSet<QString> systems;
    for (const CodedChart& chart : charts) {
        for (const CodedEntry& e : chart.entries)
            systems.insert(e.system);
    }
    return systems;
}

// Prints the chart's issues, one line each, and counts them.
Counts report(const CodedChart& chart, const QVector<ValidationIssue>& issues, std::FILE* out) {
    Counts counts;
    for (const ValidationIssue& issue : issues) {
        const bool error = issue.severity == ValidationIssue::Error;
        ++(error ? counts.errors : counts.warnings);
        const QString where = issue.entry >= 0 ? QStringLiteral(" entry %1").arg(issue.entry + 1) : QString();
        const QString line = QStringLiteral("note %1%2: %3 %4: %5\n")
                                 .arg(chart.noteId)
                                 .arg(where, error ? QStringLiteral("error") : QStringLiteral("warning"),
                                      issue.code, issue.message);
        std::fputs(line.toUtf8().constData(), out);
    }
    return counts;
}

void writeOutput(const QString& path, const QByteArray& bytes) {
    if (path == QLatin1String("-")) {
        if (std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stdout) !=
                static_cast<size_t>(bytes.size()) ||
            std::fflush(stdout) != 0)
            throw std::runtime_error("cannot write to standard output");
        return;
    }
    QSaveFile file(path);
    // Coded charts are health information: readable by the user only.
    if (!file.open(QIODevice::WriteOnly) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(bytes) != bytes.size() || !file.commit())
        throw UsageError(QStringLiteral("--out %1: cannot write: %2").arg(path, file.errorString()));
}

// Ids of every stored note, ascending. NoteRepository has no listing: ids are probed upwards until count()
// notes are found (notes are never deleted, so ids are dense and this reads each note once).
std::vector<qint64> allNoteIds(storage::Database& db) {
    storage::NoteRepository notes(db);
    const std::int64_t total = notes.count();
    std::vector<qint64> ids;
    for (qint64 id = 1; static_cast<std::int64_t>(ids.size()) < total; ++id) {
        if (notes.find(id))
            ids.push_back(id);
    }
    return ids;
}

int runValidate(const QString& path, const QCommandLineParser& parser) {
    QString error;
    const QVector<CodedChart> charts = chartsFromExport(readInput(path), &error);
    if (!error.isEmpty())
        throw UsageError(QStringLiteral("%1: %2").arg(path, error));
    const auto catalog = loadCatalog(parser.value(QStringLiteral("catalogs")), systemsOf(charts));
    Counts total;
    for (const CodedChart& chart : charts) {
        const Counts counts = report(chart, validate(chart, catalog.get()), stdout);
        total.errors += counts.errors;
        total.warnings += counts.warnings;
    }
    std::printf("%lld charts, %d errors, %d warnings\n", static_cast<long long>(charts.size()), total.errors,
                total.warnings);
    std::fflush(stdout);
    const bool strict = parser.isSet(QStringLiteral("strict"));
    if (total.errors > 0 || (strict && total.warnings > 0))
        throw UsageError(
            QStringLiteral("%1: %2 errors, %3 warnings").arg(path).arg(total.errors).arg(total.warnings));
    return Ok;
}

} // namespace

int runExport(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("db"), QStringLiteral("Decision database."), QStringLiteral("FILE")});
    parser.addOption(dbPassphraseFileOption());
    parser.addOption({QStringLiteral("note-id"), QStringLiteral("Export this note."), QStringLiteral("N")});
    parser.addOption(
        {QStringLiteral("all"), QStringLiteral("Export every note with accepted or added codes.")});
    parser.addOption({QStringLiteral("format"), QStringLiteral("csv, json, fhir (Bundle) or fhir-claim."),
                      QStringLiteral("FORMAT"), QStringLiteral("csv")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Output file, or - for standard output."),
                      QStringLiteral("FILE"), QStringLiteral("-")});
    parser.addOption({QStringLiteral("catalogs"),
                      QStringLiteral("Catalog directory (default: the bundled one)."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("force"), QStringLiteral("Export even when validation finds errors.")});
    parser.addOption({QStringLiteral("strict"), QStringLiteral("Treat validation warnings as errors.")});
    parser.addOption({QStringLiteral("validate"), QStringLiteral("Re-import an exported file and check it."),
                      QStringLiteral("FILE")});
    parseOrThrow(parser, arguments, QString::fromLatin1(kDescription));
    if (!parser.positionalArguments().isEmpty())
        throw UsageError(
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));

    if (parser.isSet(QStringLiteral("validate"))) {
        if (parser.isSet(QStringLiteral("db")) || parser.isSet(QStringLiteral("note-id")) ||
            parser.isSet(QStringLiteral("all")))
            throw UsageError(QStringLiteral("--validate takes no --db, --note-id or --all"));
        return runValidate(requiredValue(parser, QStringLiteral("validate")), parser);
    }

    const QString dbPath = requiredValue(parser, QStringLiteral("db"));
    const bool all = parser.isSet(QStringLiteral("all"));
    if (all == parser.isSet(QStringLiteral("note-id")))
        throw UsageError(QStringLiteral("give exactly one of --note-id N and --all"));
    qint64 noteId = 0;
    if (!all) {
        bool ok = false;
        noteId = parser.value(QStringLiteral("note-id")).toLongLong(&ok);
        if (!ok || noteId <= 0)
            throw UsageError(QStringLiteral("--note-id must be a positive integer, got '%1'")
                                 .arg(parser.value(QStringLiteral("note-id"))));
    }
    const auto format = exportFormatFromString(parser.value(QStringLiteral("format")));
    if (!format)
        throw UsageError(QStringLiteral("--format must be csv, json, fhir or fhir-claim, got '%1'")
                             .arg(parser.value(QStringLiteral("format"))));
    const QString out = parser.value(QStringLiteral("out"));
    if (out.isEmpty())
        throw UsageError(QStringLiteral("--out must name a file or be -"));
    if (!QFileInfo::exists(dbPath))
        throw UsageError(QStringLiteral("--db %1: no such file").arg(dbPath));
    useDatabasePassphrase(parser, dbPath);

    storage::DatabaseOptions options;
    options.readOnly = true;
    storage::Database db(dbPath.toStdString(), databaseOptions(dbPath, options));

    QVector<CodedChart> charts;
    if (all) {
        for (const qint64 id : allNoteIds(db)) {
            std::optional<CodedChart> chart = loadChart(db, id);
            if (chart && !chart->entries.isEmpty())
                charts.append(*chart);
        }
        printProgress(QStringLiteral("%1 charts with accepted codes").arg(charts.size()));
    } else {
        std::optional<CodedChart> chart = loadChart(db, noteId);
        if (!chart)
            throw UsageError(QStringLiteral("--note-id %1: no such note in %2").arg(noteId).arg(dbPath));
        charts.append(*chart);
    }

    const auto catalog = loadCatalog(parser.value(QStringLiteral("catalogs")), systemsOf(charts));
    if (catalog) {
        for (CodedChart& chart : charts) {
            for (CodedEntry& e : chart.entries) {
                if (const auto entry = catalog->lookup(e.system, e.code))
                    e.description = codeDescription(*entry);
            }
        }
    }
    Counts total;
    for (const CodedChart& chart : charts) {
        const Counts counts = report(chart, validate(chart, catalog.get()), stderr);
        total.errors += counts.errors;
        total.warnings += counts.warnings;
    }
    const bool strict = parser.isSet(QStringLiteral("strict"));
    if ((total.errors > 0 || (strict && total.warnings > 0)) && !parser.isSet(QStringLiteral("force")))
        throw UsageError(QStringLiteral("validation found %1 errors and %2 warnings (listed above); nothing "
                                        "written; --force exports anyway")
                             .arg(total.errors)
                             .arg(total.warnings));

    writeOutput(out, all ? serialize(charts, *format) : serialize(charts.front(), *format));
    if (out != QLatin1String("-"))
        printProgress(QStringLiteral("wrote %1").arg(out));
    return Ok;
}

} // namespace fc::cli
