// Mention examples in context and knowledge examples (fc/model/training_examples.h).
#include "fc/model/training_examples.h"
#include "fc/model/unicode.h"

#include <QtTest>

using namespace fc;

namespace {

// Code point offsets of `needle` in `text` (first occurrence).
EvidenceAnnotation span(const std::string& text, const std::string& needle, const std::string& code) {
    const std::size_t at = text.find(needle);
    if (at == std::string::npos)
        throw std::logic_error("needle not in text");
    const std::int64_t begin = codePointCount(text.substr(0, at));
    return {code, begin, begin + codePointCount(needle)};
}

std::string spanText(const Document& d, const EvidenceAnnotation& e) {
    const std::u32string text = decodeUtf8(d.text);
    return encodeUtf8(
        text.substr(static_cast<std::size_t>(e.begin), static_cast<std::size_t>(e.end - e.begin)));
}

} // namespace

class TestTrainingExamples : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void mentionWidenedByWordsWithinItsLine() {
        Document d;
        d.id = "S1";
        d.text =
            "Antecedentes sin interés.\nMujer de 60 años con dolor lumbar intenso desde hace dos semanas "
            "y fiebre.\nSe pauta analgesia.";
        d.codes = {"M54.5", "R50.9"};
        d.evidence = {span(d.text, "dolor lumbar", "M54.5")};
        MentionExampleOptions options;
        options.contextWords = 2;
        const auto examples = mentionExamples({d}, options);
        QCOMPARE(examples.size(), std::size_t{1});
        QCOMPARE(examples[0].id, std::string("S1#m1"));
        QCOMPARE(examples[0].text, std::string("años con dolor lumbar intenso desde"));
        QCOMPARE(examples[0].codes, std::vector<std::string>{"M54.5"});
        QCOMPARE(examples[0].evidence.size(), std::size_t{1});
        QCOMPARE(spanText(examples[0], examples[0].evidence[0]), std::string("dolor lumbar"));

        // Context never crosses the line: the first words of the line are all that is left on the left.
        options.contextWords = 50;
        const auto wide = mentionExamples({d}, options);
        QCOMPARE(wide[0].text,
                 std::string("Mujer de 60 años con dolor lumbar intenso desde hace dos semanas y fiebre."));
    }

    void codesMentionedInsideTheWindowAreKeptAsPositives() {
        Document d;
        d.id = "S2";
        d.text = "Ingresa por neumonía con insuficiencia respiratoria aguda; se trata con antibiótico.";
        d.codes = {"J18.9", "J96.00", "Z79.2"};
        d.evidence = {span(d.text, "neumonía", "J18.9"),
                      span(d.text, "insuficiencia respiratoria aguda", "J96.00")};
        MentionExampleOptions options;
        options.contextWords = 3;
        const auto examples = mentionExamples({d}, options);
        QCOMPARE(examples.size(), std::size_t{2});
        // neumonía + 3 words right = "con insuficiencia respiratoria": J96.00's span is not wholly inside.
        QCOMPARE(examples[0].text, std::string("Ingresa por neumonía con insuficiencia respiratoria"));
        QCOMPARE(examples[0].codes, std::vector<std::string>{"J18.9"});
        // The second window holds both mentions: both codes, mention's own first, with both spans.
        QCOMPARE(examples[1].codes, (std::vector<std::string>{"J96.00", "J18.9"}));
        QCOMPARE(examples[1].evidence.size(), std::size_t{2});
        QCOMPARE(spanText(examples[1], examples[1].evidence[0]), std::string("neumonía"));
        QCOMPARE(spanText(examples[1], examples[1].evidence[1]),
                 std::string("insuficiencia respiratoria aguda"));
    }

    void repeatsUnassignedCodesAndCapsAreCounted() {
        Document a;
        a.id = "A";
        a.text = "hipertensión arterial";
        a.codes = {"I10"};
        a.evidence = {{"I10", 0, 12}, {"I10", 0, 12}, {"E11.9", 0, 12}};
        Document b = a;
        b.id = "B";
        b.text = "hipertensión arterial esencial";
        b.evidence = {{"I10", 0, 21}};
        MentionExampleOptions options;
        options.contextWords = 0;
        MentionExampleReport report;
        auto examples = mentionExamples({a, b}, options, &report);
        QCOMPARE(report.mentions, std::int64_t{4});
        QCOMPARE(report.notAssigned, std::int64_t{1});
        QCOMPARE(report.duplicates, std::int64_t{1});
        QCOMPARE(report.examples, std::int64_t{2});
        QCOMPARE(examples[0].text, std::string("hipertensión"));
        QCOMPARE(examples[1].text, std::string("hipertensión arterial"));

        options.maxPerCode = 1;
        examples = mentionExamples({a, b}, options, &report);
        QCOMPARE(examples.size(), std::size_t{1});
        QCOMPARE(report.capped, std::int64_t{1});
    }

    void knowledgeExamplesOnePerDistinctTerm() {
        const std::map<std::string, std::vector<std::string>> terms{
            {"I10", {"Essential (primary) hypertension", "High blood pressure", "  ", "High blood pressure"}},
            {"Z99.9", {"Unused"}}};
        const auto examples = knowledgeExamples({"I10", "E11.9"}, terms);
        QCOMPARE(examples.size(), std::size_t{2});
        QCOMPARE(examples[0].id, std::string("k:I10#1"));
        QCOMPARE(examples[1].text, std::string("High blood pressure"));
        QCOMPARE(examples[1].codes, std::vector<std::string>{"I10"});
        QVERIFY(examples[1].evidence.empty());
    }
};

QTEST_APPLESS_MAIN(TestTrainingExamples)
#include "tst_training_examples.moc"
