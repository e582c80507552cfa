// fusioncoder-cli lexicon: builds a mention lexicon (model/include/fc/model/mention_lexicon.h) from the gold
// evidence mentions of a training dataset, code descriptions and other code<TAB>term lists, with each entry's
// weight counted on the training notes; `retrieval --lexicon` mixes it into a model.
#include "cli_common.h"
#include "commands.h"

#include "fc/model/dataset.h"
#include "fc/model/mention_lexicon.h"
#include "fc/model/unicode.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <map>

namespace fc::cli {

namespace {

// Every gold evidence span of the dataset as a term of its code (the words as the note writes them).
void addEvidenceTerms(const std::vector<Document>& documents, std::vector<LexiconEntry>& terms) {
    for (const auto& document : documents) {
        if (document.evidence.empty())
            continue;
        const std::u32string text = decodeUtf8(document.text);
        for (const auto& span : document.evidence)
            terms.push_back(
                {span.code,
                 encodeUtf8(std::u32string_view(text).substr(
                     static_cast<std::size_t>(span.begin), static_cast<std::size_t>(span.end - span.begin))),
                 "evidence", 0, 0});
    }
}

// A catalog term as notes write it: without the parenthesised non-essential modifiers and the
// classification phrases no note uses ("Hypertension (arterial) (benign)" -> "Hypertension", "Edema, not
// elsewhere classified" -> "Edema"); empty when nothing changes.
std::string plainVariant(const std::string& term) {
    const QString original = QString::fromStdString(term).simplified();
    QString text = original;
    text.remove(QRegularExpression(QStringLiteral("\\([^()]*\\)")));
    text.remove(
        QRegularExpression(QStringLiteral(",?\\s*\\b(not elsewhere classified|NEC|NOS|unspecified)\\b")));
    text = text.simplified();
    if (text.endsWith(QLatin1Char(',')))
        text.chop(1);
    return text == original || text.isEmpty() ? std::string() : text.toStdString();
}

// English catalog terms also as their plain variant; the Spanish terms are the notes' own words.
void addTerm(const std::string& code, const std::string& term, const char* source, bool catalogEnglish,
             std::vector<LexiconEntry>& terms) {
    terms.push_back({code, term, source, 0, 0});
    const auto plain = catalogEnglish ? plainVariant(term) : std::string();
    if (!plain.empty())
        terms.push_back({code, plain, source, 0, 0});
}

// code<TAB>term lines; a code may have many lines (every one is a term).
void addTermFile(const QString& path, const char* source, bool catalogEnglish,
                 std::vector<LexiconEntry>& terms) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw UsageError(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    int number = 0;
    while (!file.atEnd()) {
        ++number;
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty())
            continue;
        const auto tab = line.indexOf('\t');
        if (tab <= 0 || !isValidUtf8(line.toStdString()))
            throw UsageError(QStringLiteral("%1:%2: expected code<TAB>term in UTF-8").arg(path).arg(number));
        addTerm(line.left(tab).trimmed().toUpper().toStdString(), line.mid(tab + 1).trimmed().toStdString(),
                source, catalogEnglish, terms);
    }
}

} // namespace

int runLexicon(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("train"),
         QStringLiteral(
             "Training dataset (.jsonl): its notes and codes give each entry's weight (how often its "
             "code was coded when the entry occurred)."),
         QStringLiteral("FILE")},
        {QStringLiteral("from-evidence"),
         QStringLiteral(
             "Dataset (.jsonl) whose gold evidence spans become entries of their codes (train only: "
             "dev evidence must never enter a model)."),
         QStringLiteral("FILE")},
        {QStringLiteral("descriptions"),
         QStringLiteral("code<TAB>description lines (fusioncoder-cli descriptions); repeatable."),
         QStringLiteral("FILE")},
        {QStringLiteral("terms"),
         QStringLiteral("Other code<TAB>term lines (inclusion terms, index terms ...); repeatable."),
         QStringLiteral("FILE")},
        {QStringLiteral("language"),
         QStringLiteral("es or en: abbreviations, function words, negation cues, suffixes (default es)."),
         QStringLiteral("LANG")},
        {QStringLiteral("no-normalise"),
         QStringLiteral("Match lower-cased words as they are (no accent folding, "
                        "suffix stripping or function-word dropping).")},
        {QStringLiteral("no-abbreviations"), QStringLiteral("Do not expand the language's abbreviations.")},
        {QStringLiteral("no-negation"),
         QStringLiteral("Count matches inside a negation scope like any other.")},
        {QStringLiteral("negated-weight"),
         QStringLiteral("Share of its weight a negated match keeps, in [0, 1] (default 0)."),
         QStringLiteral("X")},
        {QStringLiteral("negation-scope"),
         QStringLiteral("Tokens a negation cue reaches, up to the clause end (default 6)."),
         QStringLiteral("N")},
        {QStringLiteral("combine"),
         QStringLiteral("max (a code scores its strongest match, default) or noisy-or (its distinct matched "
                        "entries combine)."),
         QStringLiteral("HOW")},
        {QStringLiteral("out"), QStringLiteral("Lexicon file to write (atomically)."),
         QStringLiteral("FILE")},
    });
    parseOrThrow(
        parser, arguments,
        QStringLiteral("Builds a mention lexicon: entries from gold evidence mentions, descriptions and "
                       "term lists, normalised (accents, plurals, abbreviations), weighted on the "
                       "training notes, negated matches left out. Use it with retrieval --lexicon."));
    const QString trainPath = requiredValue(parser, QStringLiteral("train"));
    const QString out = requiredValue(parser, QStringLiteral("out"));
    LexiconOptions options;
    options.language = parser.isSet(QStringLiteral("language"))
                           ? parser.value(QStringLiteral("language")).toStdString()
                           : std::string("es");
    if (options.language != "es" && options.language != "en")
        throw UsageError(QStringLiteral("--language must be es or en"));
    options.normalise = !parser.isSet(QStringLiteral("no-normalise"));
    options.abbreviations = !parser.isSet(QStringLiteral("no-abbreviations"));
    options.negation = !parser.isSet(QStringLiteral("no-negation"));
    options.negatedFactor =
        static_cast<float>(doubleValue(parser, QStringLiteral("negated-weight"), 0.0, 0.0, 1.0));
    if (parser.isSet(QStringLiteral("combine")))
        options.combine = parser.value(QStringLiteral("combine")).toStdString();
    if (options.combine != "max" && options.combine != "noisy-or")
        throw UsageError(QStringLiteral("--combine must be max or noisy-or"));
    options.negationScope = intValue(parser, QStringLiteral("negation-scope"), 6, 1, 100);

    std::vector<LexiconEntry> terms;
    if (parser.isSet(QStringLiteral("from-evidence")))
        addEvidenceTerms(loadDataset(parser.value(QStringLiteral("from-evidence")).toStdString()), terms);
    for (const QString& path : parser.values(QStringLiteral("descriptions")))
        addTermFile(path, "description", options.language == "en", terms);
    for (const QString& path : parser.values(QStringLiteral("terms")))
        addTermFile(path, "terms", options.language == "en", terms);
    if (terms.empty())
        throw UsageError(QStringLiteral("no terms: give --from-evidence, --descriptions or --terms"));
    if (!QFileInfo(trainPath).isFile())
        throw UsageError(QStringLiteral("no dataset file at %1").arg(trainPath));
    const auto train = loadDataset(trainPath.toStdString());
    const auto lexicon = MentionLexicon::build(terms, train, options);
    lexicon.save(out.toStdString());

    std::map<std::string, std::size_t> bySource;
    std::size_t seen = 0;
    for (const auto& entry : lexicon.entries()) {
        ++bySource[entry.source];
        seen += entry.matched > 0 ? 1 : 0;
    }
    QStringList sources;
    for (const auto& [source, count] : bySource)
        sources.append(QStringLiteral("%1 %2").arg(count).arg(QString::fromStdString(source)));
    printProgress(
        QStringLiteral("lexicon: %1 entries (%2) from %3 terms, %4 of them found in the %5 training "
                       "notes; wrote %6")
            .arg(lexicon.entries().size())
            .arg(sources.join(QStringLiteral(", ")))
            .arg(terms.size())
            .arg(seen)
            .arg(train.size())
            .arg(out));
    return Ok;
}

} // namespace fc::cli
