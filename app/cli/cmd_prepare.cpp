// fusioncoder-cli prepare: public corpora -> dataset files (interfaces.md; fusion-spec.md section 3).
//   prepare codiesp --root DIR --lang en|es [--split ...] --out FILE.jsonl [--known-codes FILE]
//   prepare mimic3 --noteevents F --diagnoses F --procedures F --splits DIR --setting 50|full --out DIR
//   prepare mimic4 --discharge F --diagnoses F --procedures F --splits F.csv --codes icd10|icd9 --out DIR
// Counts and warnings go to stderr; the dataset files are written atomically.
#include "cli_common.h"
#include "commands.h"

#include "codecatalog.h"

#include "fc/model/dataset.h"
#include "fc/model/prepare.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTextStream>

#include <cstdio>
#include <memory>
#include <unordered_set>

namespace fc::cli {
namespace {

QString number(std::int64_t value) {
    return QString::number(static_cast<qint64>(value));
}

// Codes in catalog form, one per line (first whitespace-separated field; '#' starts a comment line).
std::unordered_set<std::string> readKnownCodes(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        throw UsageError(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    std::unordered_set<std::string> codes;
    QTextStream in(&file);
    while (!in.atEnd()) {
        const QString line = in.readLine().trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        codes.insert(line.section(QRegularExpression(QStringLiteral("\\s+")), 0, 0).toUpper().toStdString());
    }
    if (codes.empty())
        throw UsageError(QStringLiteral("%1: no codes (expected one code per line)").arg(path));
    return codes;
}

int runPrepareCodiesp(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("root"),
         QStringLiteral(
             "Unpacked CodiEsp tree: final_dataset_v4_to_publish (or its parent). Unpack the archive "
             "first: tar -xJf codiesp_v4_train_dev_background.tar.xz."),
         QStringLiteral("DIR")},
        {QStringLiteral("lang"),
         QStringLiteral("es (text_files, with CodiEsp-X evidence) or en (text_files_en)."),
         QStringLiteral("LANG")},
        {QStringLiteral("split"),
         QStringLiteral(
             "train, dev, all (= train then dev; default), test (only if <root>/test exists: it is "
             "held out) or background (unlabelled text for embeddings)."),
         QStringLiteral("SPLIT"), QStringLiteral("all")},
        {QStringLiteral("out"), QStringLiteral("Dataset file to write (JSON Lines)."),
         QStringLiteral("FILE")},
        {QStringLiteral("known-codes"),
         QStringLiteral(
             "Known codes, one per line (catalog form): codes missing from it are reported and mapped "
             "to their nearest listed parent (N44.81 -> N44.8)."),
         QStringLiteral("FILE")},
        {QStringLiteral("catalog"),
         QStringLiteral("Like --known-codes, with the bundled ICD-10-CM / ICD-10-PCS catalogs as the list.")},
        {QStringLiteral("project-evidence"),
         QStringLiteral("With --lang en: project the Spanish CodiEsp-X spans onto the English sentences that "
                        "translate them (sentence alignment) and write them as evidence.")},
    });
    parseOrThrow(
        parser, arguments,
        QStringLiteral("Converts a CodiEsp split to a dataset file: diagnosis then procedure codes per "
                       "document, CodiEsp-X evidence spans for Spanish."));
    if (!parser.positionalArguments().isEmpty())
        throw UsageError(QStringLiteral("prepare codiesp takes no positional arguments"));

    CodiespOptions options;
    options.root = QDir::cleanPath(requiredValue(parser, QStringLiteral("root"))).toStdString();
    const QString lang = requiredValue(parser, QStringLiteral("lang"));
    if (lang == QLatin1String("es"))
        options.language = CodiespLanguage::Spanish;
    else if (lang == QLatin1String("en"))
        options.language = CodiespLanguage::English;
    else
        throw UsageError(QStringLiteral("--lang must be en or es, got '%1'").arg(lang));
    options.projectEnglishEvidence = parser.isSet(QStringLiteral("project-evidence")); // issue #13
    if (options.projectEnglishEvidence && options.language != CodiespLanguage::English)
        throw UsageError(QStringLiteral("--project-evidence needs --lang en (Spanish has its own offsets)"));
    const QString split = parser.value(QStringLiteral("split"));
    if (split == QLatin1String("all"))
        options.splits = {"train", "dev"};
    else if (split == QLatin1String("train") || split == QLatin1String("dev") ||
             split == QLatin1String("test") || split == QLatin1String("background"))
        options.splits = {split.toStdString()};
    else
        throw UsageError(
            QStringLiteral("--split must be train, dev, all, test or background, got '%1'").arg(split));
    const QString out = requiredValue(parser, QStringLiteral("out"));
    if (parser.isSet(QStringLiteral("known-codes")) && parser.isSet(QStringLiteral("catalog")))
        throw UsageError(QStringLiteral("--known-codes and --catalog exclude each other"));
    std::unordered_set<std::string> knownCodes;
    std::shared_ptr<const CodeCatalog> catalog;
    if (parser.isSet(QStringLiteral("known-codes"))) {
        knownCodes = readKnownCodes(parser.value(QStringLiteral("known-codes")));
        options.isKnownCode = [&knownCodes](const std::string& code, bool) {
            return knownCodes.count(code) > 0;
        };
    } else if (parser.isSet(QStringLiteral("catalog"))) {
        QString error;
        const QString directory = CodeCatalog::locateDirectory(&error);
        if (!directory.isEmpty())
            catalog = CodeCatalog::load(directory,
                                        {QStringLiteral("icd-10-cm"), QStringLiteral("icd-10-pcs")}, &error);
        if (!catalog)
            throw UsageError(QStringLiteral("--catalog: %1").arg(error));
        options.isKnownCode = [&catalog](const std::string& code, bool isDiagnosis) {
            return catalog->isValid(isDiagnosis ? QStringLiteral("icd-10-cm") : QStringLiteral("icd-10-pcs"),
                                    QString::fromStdString(code));
        };
    }

    CodiespReport report;
    const std::vector<Document> documents = prepareCodiesp(options, report);
    saveDataset(out.toStdString(), documents);

    for (const auto& [name, count] : report.documentsPerSplit)
        printProgress(
            QStringLiteral("split %1: %2 documents").arg(QString::fromStdString(name), number(count)));
    printProgress(QStringLiteral("documents %1, codes %2, distinct codes %3, evidence spans %4 -> %5")
                      .arg(number(report.documents), number(report.codes), number(report.distinctCodes),
                           number(report.evidenceSpans), out));
    if (report.duplicateCodes > 0)
        printProgress(QStringLiteral("duplicate code rows dropped: %1").arg(number(report.duplicateCodes)));
    if (report.documentsWithoutCodes > 0)
        printProgress(
            QStringLiteral("warning: %1 documents have no code").arg(number(report.documentsWithoutCodes)));
    if (report.annotatedMissingText > 0)
        printProgress(QStringLiteral("warning: %1 annotated document ids have no text file (ignored)")
                          .arg(number(report.annotatedMissingText)));
    if (options.language == CodiespLanguage::Spanish &&
        report.evidenceChecked + report.evidenceDiscontiguous > 0) {
        printProgress(
            QStringLiteral("evidence: %1 contiguous spans checked, %2 differ from the X.tsv text; %3 "
                           "discontiguous rows split into fragments; %4 duplicate, %5 empty and %6 "
                           "out-of-range fragments dropped; %7 for codes not among the document's codes")
                .arg(number(report.evidenceChecked), number(report.evidenceMismatches),
                     number(report.evidenceDiscontiguous), number(report.evidenceDuplicates),
                     number(report.evidenceEmpty), number(report.evidenceOutOfRange),
                     number(report.evidenceCodeNotAssigned)));
        for (const std::string& example : report.mismatchExamples)
            printProgress(QStringLiteral("  mismatch: %1").arg(QString::fromStdString(example)));
    }
    if (options.projectEnglishEvidence)
        printProgress(QStringLiteral("evidence: %1 Spanish fragments projected onto English sentences, %2 "
                                     "without an aligned English sentence")
                          .arg(number(report.evidenceProjected), number(report.evidenceNotProjected)));
    if (options.isKnownCode) {
        printProgress(
            QStringLiteral("codes missing from the known-code list: %1 distinct (%2 assignments); "
                           "%3 mapped to a parent (%4 assignments), %5 kept unknown (%6 assignments)")
                .arg(number(static_cast<std::int64_t>(report.unknownCodes.size())),
                     number(report.mappedAssignments + report.unmappedAssignments),
                     number(static_cast<std::int64_t>(report.mappedToParent.size())),
                     number(report.mappedAssignments),
                     number(static_cast<std::int64_t>(report.unknownCodes.size() -
                                                      report.mappedToParent.size())),
                     number(report.unmappedAssignments)));
        QStringList unmapped;
        for (const auto& [code, count] : report.unknownCodes)
            if (!report.mappedToParent.count(code))
                unmapped << QStringLiteral("%1 (%2)").arg(QString::fromStdString(code), number(count));
        if (!unmapped.isEmpty())
            printProgress(QStringLiteral("  not mapped: %1").arg(unmapped.join(QStringLiteral(", "))));
    }
    return Ok;
}

int runPrepareMimic3(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("noteevents"), QStringLiteral("MIMIC-III NOTEEVENTS.csv."), QStringLiteral("FILE")},
        {QStringLiteral("diagnoses"), QStringLiteral("MIMIC-III DIAGNOSES_ICD.csv."), QStringLiteral("FILE")},
        {QStringLiteral("procedures"), QStringLiteral("MIMIC-III PROCEDURES_ICD.csv."),
         QStringLiteral("FILE")},
        {QStringLiteral("splits"),
         QStringLiteral("Folder with {train,dev,test}_{50,full}_hadm_ids.csv (and TOP_50_CODES.csv)."),
         QStringLiteral("DIR")},
        {QStringLiteral("setting"), QStringLiteral("50 (top-50 codes) or full."), QStringLiteral("SETTING")},
        {QStringLiteral("out"),
         QStringLiteral(
             "Output folder (created): {train,dev,test}_<setting>.jsonl, notes sorted by token count."),
         QStringLiteral("DIR")},
        {QStringLiteral("top50"), QStringLiteral("Top-50 code list (default: <splits>/TOP_50_CODES.csv)."),
         QStringLiteral("FILE")},
        {QStringLiteral("corrected-procedure-codes"),
         QStringLiteral("Keep procedure codes' leading zeros (0066 -> 00.66). Default: the authors' pandas "
                        "behaviour (0066 -> 66.), which the published benchmarks used.")},
    });
    parseOrThrow(
        parser, arguments,
        QStringLiteral("Runs the caml-mimic / Fusion MIMIC-III pipeline (fusion-spec.md section 3) and "
                       "writes train, dev and test dataset files."));
    if (!parser.positionalArguments().isEmpty())
        throw UsageError(QStringLiteral("prepare mimic3 takes no positional arguments"));

    Mimic3Options options;
    options.noteEvents = requiredValue(parser, QStringLiteral("noteevents")).toStdString();
    options.diagnoses = requiredValue(parser, QStringLiteral("diagnoses")).toStdString();
    options.procedures = requiredValue(parser, QStringLiteral("procedures")).toStdString();
    options.splitsDir = QDir::cleanPath(requiredValue(parser, QStringLiteral("splits"))).toStdString();
    const QString setting = requiredValue(parser, QStringLiteral("setting"));
    if (setting == QLatin1String("50"))
        options.setting = Mimic3Setting::Top50;
    else if (setting == QLatin1String("full"))
        options.setting = Mimic3Setting::Full;
    else
        throw UsageError(QStringLiteral("--setting must be 50 or full, got '%1'").arg(setting));
    const QString out = requiredValue(parser, QStringLiteral("out"));
    options.top50File = parser.value(QStringLiteral("top50")).toStdString();
    options.correctedProcedureCodes = parser.isSet(QStringLiteral("corrected-procedure-codes"));
    options.progress = [](const std::string& message) { printProgress(QString::fromStdString(message)); };
    if (!QDir().mkpath(out))
        throw UsageError(QStringLiteral("cannot create the output folder %1").arg(out));

    Mimic3Report report;
    Mimic3Dataset dataset = prepareMimic3(options, report);
    printProgress(
        QStringLiteral("NOTEEVENTS: %1 rows, %2 discharge summaries (reports and addenda), %3 without "
                       "HADM_ID dropped, %4 admissions with a discharge summary")
            .arg(number(report.noteRows), number(report.dischargeRows),
                 number(report.dischargeWithoutAdmission), number(report.admissionsWithNotes)));
    printProgress(
        QStringLiteral("codes: %1 diagnosis rows (ICD9_CODE parsed as %2), %3 procedure rows (%4), %5 "
                       "empty codes, %6 distinct codes on admissions with a discharge summary")
            .arg(number(report.diagnosisRows), QString::fromStdString(report.diagnosisColumnType),
                 number(report.procedureRows), QString::fromStdString(report.procedureColumnType),
                 number(report.missingCodes), number(report.distinctCodes)));
    const std::vector<Document>* outputs[3] = {&dataset.train, &dataset.dev, &dataset.test};
    for (std::size_t s = 0; s < 3; ++s) {
        const Mimic3SplitReport& split = report.splits[s];
        const QString file = QDir(out).filePath(
            QStringLiteral("%1_%2.jsonl").arg(QString::fromStdString(split.name), setting));
        saveDataset(file.toStdString(), *outputs[s]);
        QString line =
            QStringLiteral("%1: %2 ids, %3 without a discharge summary")
                .arg(QString::fromStdString(split.name), number(split.ids), number(split.idsWithoutNote));
        if (options.setting == Mimic3Setting::Top50)
            line += QStringLiteral(", %1 without a top-50 code dropped").arg(number(split.withoutTopCode));
        else
            line += QStringLiteral(", %1 without any code").arg(number(split.withoutCodes));
        printProgress(line + QStringLiteral(" -> %1 documents in %2").arg(number(split.documents), file));
    }
    return Ok;
}

int runPrepareMimic4(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("discharge"), QStringLiteral("MIMIC-IV-Note note/discharge.csv."),
         QStringLiteral("FILE")},
        {QStringLiteral("diagnoses"), QStringLiteral("MIMIC-IV hosp/diagnoses_icd.csv."),
         QStringLiteral("FILE")},
        {QStringLiteral("procedures"), QStringLiteral("MIMIC-IV hosp/procedures_icd.csv."),
         QStringLiteral("FILE")},
        {QStringLiteral("splits"),
         QStringLiteral(
             "Edin et al.'s split as CSV (columns _id, split: train/val/test), converted from their "
             "mimiciv_icd10_split.feather or mimiciv_icd9_split.feather."),
         QStringLiteral("FILE")},
        {QStringLiteral("codes"), QStringLiteral("icd10 (default) or icd9."), QStringLiteral("VERSION")},
        {QStringLiteral("min-code-count"),
         QStringLiteral("Drop codes on fewer admissions than this (default 10, Edin et al.)."),
         QStringLiteral("N")},
        {QStringLiteral("out"),
         QStringLiteral("Output folder (created): {train,dev,test}_<codes>.jsonl, in note file order."),
         QStringLiteral("DIR")},
    });
    parseOrThrow(
        parser, arguments,
        QStringLiteral("Builds MIMIC-IV ICD-10 or ICD-9 dataset files with Edin et al.'s (SIGIR 2023) "
                       "splits from your own credentialed MIMIC-IV CSV files."));
    if (!parser.positionalArguments().isEmpty())
        throw UsageError(QStringLiteral("prepare mimic4 takes no positional arguments"));
    Mimic4Options options;
    options.discharge = requiredValue(parser, QStringLiteral("discharge")).toStdString();
    options.diagnoses = requiredValue(parser, QStringLiteral("diagnoses")).toStdString();
    options.procedures = requiredValue(parser, QStringLiteral("procedures")).toStdString();
    options.splits = requiredValue(parser, QStringLiteral("splits")).toStdString();
    if (QString::fromStdString(options.splits).endsWith(QLatin1String(".feather")))
        throw UsageError(
            QStringLiteral("--splits wants CSV; convert the Feather file once: python3 -c \"import "
                           "pandas as p; p.read_feather('%1').to_csv('split.csv', index=False)\"")
                .arg(QString::fromStdString(options.splits)));
    const QString codes = parser.isSet(QStringLiteral("codes")) ? parser.value(QStringLiteral("codes"))
                                                                : QStringLiteral("icd10");
    if (codes == QLatin1String("icd10"))
        options.codes = Mimic4Codes::Icd10;
    else if (codes == QLatin1String("icd9"))
        options.codes = Mimic4Codes::Icd9;
    else
        throw UsageError(QStringLiteral("--codes must be icd10 or icd9, got '%1'").arg(codes));
    options.minCodeCount = intValue(parser, QStringLiteral("min-code-count"), 10, 1, 1000000);
    options.outDir = requiredValue(parser, QStringLiteral("out")).toStdString();
    options.progress = [](const std::string& message) { printProgress(QString::fromStdString(message)); };

    Mimic4Report report;
    prepareMimic4(options, report);
    printProgress(
        QStringLiteral("%1 %2 rows of the other ICD version ignored; %3 assignments of rare codes dropped")
            .arg(number(report.otherVersionRows), codes, number(report.rareAssignments)));
    for (const Mimic4SplitReport& split : report.splits)
        printProgress(
            QStringLiteral("%1: %2 ids, %3 without a discharge note, %4 without a code -> %5 documents in %6")
                .arg(QString::fromStdString(split.name), number(split.ids), number(split.idsWithoutNote),
                     number(split.withoutCodes), number(split.documents),
                     QString::fromStdString(split.file)));
    return Ok;
}

} // namespace

int runPrepare(const QStringList& arguments) {
    const QString usage = QStringLiteral("usage: fusioncoder-cli prepare codiesp|mimic3|mimic4 [OPTIONS] "
                                         "(see fusioncoder-cli prepare codiesp --help)");
    if (arguments.size() < 2)
        throw UsageError(usage);
    const QString corpus = arguments.at(1);
    if (corpus == QLatin1String("--help") || corpus == QLatin1String("-h")) {
        std::printf(
            "%s\n\n  codiesp  CodiEsp (CLEF eHealth 2020) split -> dataset file\n"
            "  mimic3   MIMIC-III (caml-mimic / Fusion pipeline) -> train/dev/test dataset files\n"
            "  mimic4   MIMIC-IV ICD-10/ICD-9 with Edin et al.'s splits -> train/dev/test dataset files\n",
            qPrintable(usage));
        return Ok;
    }
    QStringList rest = arguments.mid(2);
    rest.prepend(arguments.at(0) + QLatin1Char(' ') + corpus);
    if (corpus == QLatin1String("codiesp"))
        return runPrepareCodiesp(rest);
    if (corpus == QLatin1String("mimic3"))
        return runPrepareMimic3(rest);
    if (corpus == QLatin1String("mimic4"))
        return runPrepareMimic4(rest);
    throw UsageError(QStringLiteral("unknown corpus '%1'; %2").arg(corpus, usage));
}

} // namespace fc::cli
