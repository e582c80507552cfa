// fusioncoder-cli examples: extra short training examples (training_examples.h) written as a dataset file,
// to be trained on beside the notes (concatenated to the train file) or before them.
//   --mentions DATASET: one example per gold evidence mention with a little context;
//   --terms FILE --codes DATASET|LABELS: one example per code-system term of each code (code<TAB>term lines,
//     e.g. from scripts/knowledge-terms).
#include "cli_common.h"
#include "commands.h"

#include "fc/model/dataset.h"
#include "fc/model/training_examples.h"

#include <QFile>
#include <QFileInfo>

#include <map>
#include <set>

namespace fc::cli {

namespace {

std::map<std::string, std::vector<std::string>> readTerms(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw UsageError(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    std::map<std::string, std::vector<std::string>> terms;
    int lineNumber = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine();
        ++lineNumber;
        const QByteArray trimmed = line.trimmed();
        if (trimmed.isEmpty())
            continue;
        const qsizetype tab = trimmed.indexOf('\t');
        if (tab <= 0)
            throw UsageError(QStringLiteral("%1:%2: expected code<TAB>term").arg(path).arg(lineNumber));
        terms[trimmed.left(tab).trimmed().toUpper().toStdString()].push_back(
            trimmed.mid(tab + 1).trimmed().toStdString());
    }
    return terms;
}

} // namespace

int runExamples(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("mentions"),
         QStringLiteral("A dataset with gold evidence (e.g. CodiEsp Spanish train): one example per "
                        "mention, widened by --context-words on each side."),
         QStringLiteral("FILE")},
        {QStringLiteral("context-words"), QStringLiteral("Words of context on each side (default 8)."),
         QStringLiteral("N")},
        {QStringLiteral("max-per-code"),
         QStringLiteral("At most N mention examples per code (default 0 = no limit)."), QStringLiteral("N")},
        {QStringLiteral("terms"),
         QStringLiteral("code<TAB>term lines (titles, inclusion terms, index entries): one example per "
                        "term of each code of --codes; repeatable."),
         QStringLiteral("FILE")},
        {QStringLiteral("codes"),
         QStringLiteral("With --terms: a dataset (.jsonl) or label file whose codes get knowledge examples; "
                        "repeatable."),
         QStringLiteral("FILE")},
        {QStringLiteral("out"), QStringLiteral("Output dataset file (written atomically)."),
         QStringLiteral("FILE")},
    });
    parseOrThrow(parser, arguments,
                 QStringLiteral("Writes extra short training examples as a dataset file: evidence mentions "
                                "in context (--mentions) and/or code-system terms (--terms with --codes)."));
    const QString out = requiredValue(parser, QStringLiteral("out"));
    const QString mentionsPath = parser.value(QStringLiteral("mentions"));
    const QStringList termFiles = parser.values(QStringLiteral("terms"));
    if (mentionsPath.isEmpty() && termFiles.isEmpty())
        throw UsageError(QStringLiteral("give --mentions DATASET and/or --terms FILE with --codes"));
    if (!termFiles.isEmpty() && parser.values(QStringLiteral("codes")).isEmpty())
        throw UsageError(QStringLiteral("--terms needs --codes (the codes that get knowledge examples)"));

    std::vector<Document> examples;
    if (!mentionsPath.isEmpty()) {
        if (!QFileInfo(mentionsPath).isFile())
            throw UsageError(QStringLiteral("no dataset file at %1").arg(mentionsPath));
        MentionExampleOptions options;
        options.contextWords = intValue(parser, QStringLiteral("context-words"), 8, 0, 1000);
        options.maxPerCode = intValue(parser, QStringLiteral("max-per-code"), 0, 0, 1000000);
        MentionExampleReport report;
        examples = mentionExamples(loadDataset(mentionsPath.toStdString()), options, &report);
        printProgress(QStringLiteral("examples: %1 mention examples from %2 mentions (%3 repeated, %4 over "
                                     "--max-per-code, %5 of codes not assigned to their note)")
                          .arg(report.examples)
                          .arg(report.mentions)
                          .arg(report.duplicates)
                          .arg(report.capped)
                          .arg(report.notAssigned));
    }
    if (!termFiles.isEmpty()) {
        std::map<std::string, std::vector<std::string>> terms;
        for (const QString& path : termFiles)
            for (auto& [code, list] : readTerms(path))
                terms[code].insert(terms[code].end(), list.begin(), list.end());
        std::vector<std::string> codes;
        std::set<std::string> listed;
        for (const QString& path : parser.values(QStringLiteral("codes")))
            for (auto& code : codesOfFile(path))
                if (listed.insert(code).second)
                    codes.push_back(std::move(code));
        const std::vector<Document> knowledge = knowledgeExamples(codes, terms);
        std::size_t covered = 0;
        for (std::size_t i = 0; i < knowledge.size(); ++i)
            covered += i == 0 || knowledge[i].codes[0] != knowledge[i - 1].codes[0];
        printProgress(QStringLiteral("examples: %1 knowledge examples for %2 of %3 codes")
                          .arg(knowledge.size())
                          .arg(covered)
                          .arg(codes.size()));
        examples.insert(examples.end(), knowledge.begin(), knowledge.end());
    }
    try {
        saveDataset(out.toStdString(), examples);
    } catch (const std::runtime_error& e) {
        throw UsageError(QStringLiteral("cannot write %1: %2").arg(out, QString::fromStdString(e.what())));
    }
    return Ok;
}

} // namespace fc::cli
