// fc::prepareCodiesp on the synthetic tree of tests/fixtures/codiesp (exact output), code normalisation,
// and a smoke check on the real CodiEsp train/dev splits when the shared data is available.
#include "fc/model/errors.h"
#include "fc/model/prepare.h"
#include "fc/model/unicode.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QTest>

#include <set>
#include <unordered_set>

using Strings = std::vector<std::string>;

namespace {

const std::string kFixtureRoot = FC_SOURCE_DIR "/tests/fixtures/codiesp/final_dataset_v4_to_publish";

std::string spanText(const fc::Document& document, const fc::EvidenceAnnotation& span) {
    const std::u32string text = fc::decodeUtf8(document.text);
    return fc::encodeUtf8(
        text.substr(static_cast<std::size_t>(span.begin), static_cast<std::size_t>(span.end - span.begin)));
}

// The unpacked real corpus: /tmp/codiesp (as on the project machines) or the shared archive unpacked once
// into the build directory; empty when neither is available.
QString realCodiespRoot() {
    const QString tmp = QStringLiteral("/tmp/codiesp/final_dataset_v4_to_publish");
    if (QFileInfo(tmp + QStringLiteral("/train/trainD.tsv")).exists())
        return tmp;
    const QString archive =
        QStringLiteral(FC_SHARED_DIR "/data/codiesp/codiesp_v4_train_dev_background.tar.xz");
    const QString target = QStringLiteral(FC_BINARY_DIR "/test-data/codiesp");
    const QString root = target + QStringLiteral("/final_dataset_v4_to_publish");
    if (QFileInfo(root + QStringLiteral("/train/trainD.tsv")).exists())
        return root;
    if (!QFileInfo(archive).exists() || !QDir().mkpath(target))
        return {};
    if (QProcess::execute(QStringLiteral("tar"),
                          {QStringLiteral("-xJf"), archive, QStringLiteral("-C"), target}) != 0)
        return {};
    return root;
}

} // namespace

class TestPrepareCodiesp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void normaliseCode() {
        QCOMPARE(fc::normaliseIcd10Code(" n44.8 ", true), std::string("N44.8"));
        QCOMPARE(fc::normaliseIcd10Code("n448", true), std::string("N44.8"));
        QCOMPARE(fc::normaliseIcd10Code("r52", true), std::string("R52"));
        QCOMPARE(fc::normaliseIcd10Code("bw03zzz", false), std::string("BW03ZZZ"));
    }

    void parentCode() {
        const std::unordered_set<std::string> set{"Z20", "N44.8", "R50.9"};
        const auto known = [&](const std::string& code) { return set.count(code) > 0; };
        QCOMPARE(fc::knownParentCode("Z20.818", known), std::optional<std::string>("Z20"));
        QCOMPARE(fc::knownParentCode("N44.81", known), std::optional<std::string>("N44.8"));
        QCOMPARE(fc::knownParentCode("R51.9", known), std::nullopt);
        QCOMPARE(fc::knownParentCode("0DTJ", known), std::nullopt);
    }

    void spanishTrain() {
        fc::CodiespOptions options;
        options.root = kFixtureRoot;
        fc::CodiespReport report;
        const std::vector<fc::Document> docs = fc::prepareCodiesp(options, report);
        QCOMPARE(docs.size(), std::size_t(2));
        QCOMPARE(docs[0].id, std::string("S0001-1"));
        QCOMPARE(docs[0].text,
                 std::string("Varón de 45 años con dolor testicular derecho.\nSe realizó ecografía "
                             "escrotal y se pautó estreptomicina intramuscular.\n"));
        QCOMPARE(docs[0].codes, (Strings{"N44.8", "R52", "BW40ZZZ"}));
        QCOMPARE(docs[1].codes, (Strings{"Z20.818", "R50.9", "0DTJ"}));
        const std::vector<std::tuple<std::string, std::int64_t, std::int64_t, std::string>> expected0{
            {"N44.8", 21, 45, "dolor testicular derecho"},
            {"R52", 21, 37, "dolor testicular"},
            {"BW40ZZZ", 58, 76, "ecografía escrotal"},
            {"BW40ZZZ", 88, 102, "estreptomicina"},
            {"BW40ZZZ", 103, 116, "intramuscular"}};
        QCOMPARE(docs[0].evidence.size(), expected0.size());
        for (std::size_t i = 0; i < expected0.size(); ++i) {
            const auto& [code, begin, end, text] = expected0[i];
            QCOMPARE(docs[0].evidence[i].code, code);
            QCOMPARE(docs[0].evidence[i].begin, begin);
            QCOMPARE(docs[0].evidence[i].end, end);
            QCOMPARE(spanText(docs[0], docs[0].evidence[i]), text);
        }
        // Offsets after a non-BMP character count it as one code point.
        QCOMPARE(docs[1].evidence.size(), std::size_t(2));
        QCOMPARE(spanText(docs[1], docs[1].evidence[0]), std::string("contacto COVID-19"));
        QCOMPARE(docs[1].evidence[1].begin, std::int64_t(48));
        QCOMPARE(spanText(docs[1], docs[1].evidence[1]), std::string("fiebre"));

        QCOMPARE(report.documents, std::int64_t(2));
        QCOMPARE(report.codes, std::int64_t(6));
        QCOMPARE(report.distinctCodes, std::int64_t(6));
        QCOMPARE(report.duplicateCodes, std::int64_t(1));
        QCOMPARE(report.evidenceSpans, std::int64_t(7));
        QCOMPARE(report.evidenceChecked, std::int64_t(6));
        QCOMPARE(report.evidenceMismatches, std::int64_t(1)); // "Fiebre" vs "fiebre"
        QCOMPARE(report.evidenceDiscontiguous, std::int64_t(1));
        QCOMPARE(report.evidenceDuplicates, std::int64_t(1));
        QCOMPARE(report.evidenceOutOfRange, std::int64_t(0));
        QCOMPARE(report.mismatchExamples.size(), std::size_t(1));
        QVERIFY(report.unknownCodes.empty());
    }

    void englishAll() {
        fc::CodiespOptions options;
        options.root = FC_SOURCE_DIR "/tests/fixtures/codiesp"; // the parent folder is accepted too
        options.language = fc::CodiespLanguage::English;
        options.splits = {"train", "dev"};
        fc::CodiespReport report;
        const std::vector<fc::Document> docs = fc::prepareCodiesp(options, report);
        QCOMPARE(docs.size(), std::size_t(3));
        QCOMPARE(docs[0].text,
                 std::string("Male, 45 years old, with right testicular pain.\nScrotal ultrasound was "
                             "performed.\n"));
        QCOMPARE(docs[2].id, std::string("S0003-1"));
        QCOMPARE(docs[2].codes, (Strings{"R51"}));
        for (const fc::Document& d : docs)
            QVERIFY(d.evidence.empty());
        QCOMPARE(report.documentsPerSplit.at("train"), std::int64_t(2));
        QCOMPARE(report.documentsPerSplit.at("dev"), std::int64_t(1));
        QCOMPARE(report.distinctCodes, std::int64_t(7));
    }

    void background() {
        fc::CodiespOptions options;
        options.root = kFixtureRoot;
        options.splits = {"background"};
        fc::CodiespReport report;
        const std::vector<fc::Document> docs = fc::prepareCodiesp(options, report);
        QCOMPARE(docs.size(), std::size_t(1));
        QCOMPARE(docs[0].text, std::string("Texto sin anotar.\n"));
        QVERIFY(docs[0].codes.empty());
        QCOMPARE(report.documentsWithoutCodes, std::int64_t(0));
    }

    void knownCodes() {
        fc::CodiespOptions options;
        options.root = kFixtureRoot;
        const std::unordered_set<std::string> diagnoses{"N44.8", "R52", "Z20.8", "R50.9", "BW40ZZZ"};
        options.isKnownCode = [&](const std::string& code, bool isDiagnosis) {
            return isDiagnosis ? diagnoses.count(code) > 0 : code == "BW40ZZZ";
        };
        fc::CodiespReport report;
        const std::vector<fc::Document> docs = fc::prepareCodiesp(options, report);
        QCOMPARE(docs[1].codes, (Strings{"Z20.8", "R50.9", "0DTJ"}));
        QCOMPARE(docs[1].evidence[0].code, std::string("Z20.8"));
        QCOMPARE(report.unknownCodes, (std::map<std::string, std::int64_t>{{"0DTJ", 1}, {"Z20.818", 1}}));
        QCOMPARE(report.mappedToParent, (std::map<std::string, std::string>{{"Z20.818", "Z20.8"}}));
        QCOMPARE(report.mappedAssignments, std::int64_t(1));
        QCOMPARE(report.unmappedAssignments, std::int64_t(1));
    }

    void missingSplit() {
        fc::CodiespOptions options;
        options.root = kFixtureRoot;
        options.splits = {"test"};
        fc::CodiespReport report;
        try {
            fc::prepareCodiesp(options, report);
            QFAIL("no InputError");
        } catch (const fc::InputError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("held out")), e.what());
        }
        options.root = FC_SOURCE_DIR "/tests/fixtures/no-such-tree";
        options.splits = {"train"};
        QVERIFY_THROWS_EXCEPTION(fc::InputError, fc::prepareCodiesp(options, report));
    }

    // Real corpus (CC BY 4.0, in the shared data): counts measured with an independent Python script.
    void realTrainAndDev() {
        const QString root = realCodiespRoot();
        if (root.isEmpty())
            QSKIP("CodiEsp data not available (neither /tmp/codiesp nor FC_SHARED_DIR/data/codiesp)");
        fc::CodiespOptions options;
        options.root = root.toStdString();
        fc::CodiespReport report;
        const std::vector<fc::Document> docs = fc::prepareCodiesp(options, report);
        QCOMPARE(docs.size(), std::size_t(500));
        QCOMPARE(report.codes, std::int64_t(7189));
        QCOMPARE(report.distinctCodes, std::int64_t(2330));
        QCOMPARE(report.evidenceChecked, std::int64_t(7394));
        QCOMPARE(report.evidenceMismatches, std::int64_t(1));
        QCOMPARE(report.evidenceDiscontiguous, std::int64_t(1787));
        QCOMPARE(report.evidenceOutOfRange, std::int64_t(0));
        QCOMPARE(report.evidenceEmpty, std::int64_t(2)); // "1320 1320" and "1035 1035"
        const auto known = std::find_if(docs.begin(), docs.end(), [](const fc::Document& d) {
            return d.id == "S0004-06142005000700014-1";
        });
        QVERIFY(known != docs.end());
        QCOMPARE(std::vector<std::string>(known->codes.begin(), known->codes.begin() + 3),
                 (Strings{"N44.8", "Z20.818", "R60.9"}));
        QVERIFY(std::find(known->codes.begin(), known->codes.end(), "BW03ZZZ") != known->codes.end());
        for (const fc::EvidenceAnnotation& span : known->evidence)
            if (span.code == "BW03ZZZ" && span.begin == 2163)
                QCOMPARE(spanText(*known, span), std::string("Rx tórax"));

        options.language = fc::CodiespLanguage::English;
        options.splits = {"dev"};
        fc::CodiespReport dev;
        QCOMPARE(fc::prepareCodiesp(options, dev).size(), std::size_t(250));
        QCOMPARE(dev.codes, std::int64_t(3494));
        QCOMPARE(dev.distinctCodes, std::int64_t(1533));
        QCOMPARE(dev.evidenceSpans, std::int64_t(0));
    }
};

QTEST_APPLESS_MAIN(TestPrepareCodiesp)
#include "tst_prepare_codiesp.moc"
