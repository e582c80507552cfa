// fc::prepareMimic3 (fusion-spec.md section 3) on the synthetic fixtures of tests/fixtures/mimic3: exact
// documents, codes and order for both settings and both procedure-code modes, plus the caml reformat rules.
#include "fc/model/errors.h"
#include "fc/model/prepare.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>

using Strings = std::vector<std::string>;
Q_DECLARE_METATYPE(Strings)

namespace {

const std::string kFixtures = FC_SOURCE_DIR "/tests/fixtures/mimic3";

fc::Mimic3Options fixtureOptions(fc::Mimic3Setting setting, bool corrected) {
    fc::Mimic3Options options;
    options.noteEvents = kFixtures + "/NOTEEVENTS.csv";
    options.diagnoses = kFixtures + "/DIAGNOSES_ICD.csv";
    options.procedures = kFixtures + "/PROCEDURES_ICD.csv";
    options.splitsDir = kFixtures + "/splits";
    options.setting = setting;
    options.correctedProcedureCodes = corrected;
    return options;
}

Strings ids(const std::vector<fc::Document>& documents) {
    Strings out;
    for (const fc::Document& d : documents)
        out.push_back(d.id);
    return out;
}

const fc::Document& byId(const std::vector<fc::Document>& documents, const std::string& id) {
    for (const fc::Document& d : documents)
        if (d.id == id)
            return d;
    throw std::runtime_error("no document " + id);
}

const std::string kText100 =
    "Admission Date:  [**2101-1-1**]\nChief complaint: \"chest pain\", dyspnea.\nHistory of "
    "CHF.\n Addendum: patient seen again.";
const std::string kText200 =
    "Discharge summary for patient two. Diagnosis: pneumonia, hypertension. Treated with "
    "antibiotics and discharged home in good condition.";

} // namespace

class TestPrepareMimic3 : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void reformat_data() {
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("diagnosis");
        QTest::addColumn<QString>("expected");
        QTest::newRow("diag 4019") << "4019" << true << "401.9";
        QTest::newRow("diag V5861") << "V5861" << true << "V58.61";
        QTest::newRow("diag 0389") << "0389" << true << "038.9";
        QTest::newRow("diag E8889") << "E8889" << true << "E888.9";
        QTest::newRow("diag E849") << "E849" << true << "E849";
        QTest::newRow("diag 486") << "486" << true << "486";
        QTest::newRow("diag dotted") << "401.9" << true << "401.9";
        QTest::newRow("diag nan") << "nan" << true << "nan";
        QTest::newRow("proc 3893") << "3893" << false << "38.93";
        QTest::newRow("proc 966") << "966" << false << "96.6";
        QTest::newRow("proc 66") << "66" << false << "66.";
        QTest::newRow("proc 0066") << "0066" << false << "00.66";
        QTest::newRow("proc nan") << "nan" << false << "na.n";
        QTest::newRow("proc float") << "3893.0" << false << "38.930";
    }
    void reformat() {
        QFETCH(QString, code);
        QFETCH(bool, diagnosis);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(fc::reformatIcd9Code(code.toStdString(), diagnosis)), expected);
    }

    void full_data() {
        QTest::addColumn<bool>("corrected");
        QTest::addColumn<Strings>("codes400");
        QTest::newRow("pandas") << false << Strings{"401.9", "E888.9", "V58.61", "NAN", "66.", "96.04"};
        QTest::newRow("corrected") << true << Strings{"401.9", "E888.9", "V58.61", "NAN", "00.66", "96.04"};
    }
    void full() {
        QFETCH(bool, corrected);
        QFETCH(Strings, codes400);
        fc::Mimic3Report report;
        const fc::Mimic3Dataset data =
            fc::prepareMimic3(fixtureOptions(fc::Mimic3Setting::Full, corrected), report);

        // train: (2,200) precedes (3,100) in (SUBJECT_ID, HADM_ID) order; 100 has fewer tokens (14 < 17).
        QCOMPARE(ids(data.train), (Strings{"100", "200"}));
        QCOMPARE(ids(data.dev), (Strings{"301"}));
        QCOMPARE(ids(data.test), (Strings{"400"}));
        const fc::Document& d100 = byId(data.train, "100");
        QCOMPARE(d100.text, kText100); // report, then addendum, one space; other categories left out
        QCOMPARE(d100.codes, (Strings{"428.0", "427.31", "401.9", "38.93"}));
        QVERIFY(d100.evidence.empty());
        QCOMPARE(byId(data.train, "200").text, kText200);
        QCOMPARE(byId(data.train, "200").codes, (Strings{"486", "401.9", "96.6"}));
        QCOMPARE(byId(data.dev, "301").text, std::string("Fall from ladder.\r\nFollow up."));
        QCOMPARE(byId(data.dev, "301").codes, (Strings{"V15.82", "E849.7"}));
        QCOMPARE(byId(data.test, "400").codes, codes400);

        QCOMPARE(report.noteRows, std::int64_t(10));
        QCOMPARE(report.dischargeRows, std::int64_t(7));
        QCOMPARE(report.dischargeWithoutAdmission, std::int64_t(1));
        QCOMPARE(report.admissionsWithNotes, std::int64_t(5));
        QCOMPARE(report.diagnosisRows, std::int64_t(14));
        QCOMPARE(report.procedureRows, std::int64_t(4));
        QCOMPARE(report.missingCodes, std::int64_t(1));
        QCOMPARE(report.diagnosisColumnType, std::string(corrected ? "str" : "object"));
        QCOMPARE(report.procedureColumnType, std::string(corrected ? "str" : "int64"));
        QCOMPARE(report.distinctCodes, std::int64_t(14));
        QCOMPARE(report.splits.size(), std::size_t(3));
        QCOMPARE(report.splits[0].ids, std::int64_t(3));
        QCOMPARE(report.splits[0].idsWithoutNote, std::int64_t(1)); // 300: nursing note only
        QCOMPARE(report.splits[0].documents, std::int64_t(2));
        QCOMPARE(report.splits[1].idsWithoutNote, std::int64_t(1)); // 500: no note at all
        QCOMPARE(report.splits[1].documents, std::int64_t(1));
        QCOMPARE(report.splits[2].documents, std::int64_t(1));
        QCOMPARE(report.splits[2].withoutCodes, std::int64_t(0));
    }

    void top50_data() {
        QTest::addColumn<bool>("corrected");
        QTest::addColumn<Strings>("codes400");
        QTest::newRow("pandas") << false << Strings{"401.9", "96.04"}; // 0066 -> 66. is not a top code
        QTest::newRow("corrected") << true << Strings{"401.9", "00.66", "96.04"};
    }
    void top50() {
        QFETCH(bool, corrected);
        QFETCH(Strings, codes400);
        fc::Mimic3Report report;
        const fc::Mimic3Dataset data =
            fc::prepareMimic3(fixtureOptions(fc::Mimic3Setting::Top50, corrected), report);
        QCOMPARE(ids(data.train), (Strings{"100", "200"}));
        QCOMPARE(byId(data.train, "100").codes, (Strings{"428.0", "401.9", "38.93"}));
        QCOMPARE(byId(data.train, "200").codes, (Strings{"401.9", "96.6"}));
        QVERIFY(data.dev.empty()); // 301 has no top-50 code, 500 has no note
        QCOMPARE(report.splits[1].withoutTopCode, std::int64_t(1));
        QCOMPARE(report.splits[1].idsWithoutNote, std::int64_t(1));
        QCOMPARE(ids(data.test), (Strings{"400"}));
        QCOMPARE(byId(data.test, "400").codes, codes400);
        QCOMPARE(report.splits[2].idsWithoutNote, std::int64_t(1));
    }

    // A procedure column with an empty cell is float64 for pandas: every code gains ".0" before reformat.
    void floatProcedureColumn() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string procedures = dir.filePath(QStringLiteral("PROCEDURES_ICD.csv")).toStdString();
        std::ofstream(procedures)
            << "ROW_ID,SUBJECT_ID,HADM_ID,SEQ_NUM,ICD9_CODE\n1,3,100,1,\"3893\"\n2,3,100,2,\n";
        fc::Mimic3Options options = fixtureOptions(fc::Mimic3Setting::Full, false);
        options.procedures = procedures;
        fc::Mimic3Report report;
        fc::Mimic3Dataset data = fc::prepareMimic3(options, report);
        QCOMPARE(report.procedureColumnType, std::string("float64"));
        QCOMPARE(byId(data.train, "100").codes, (Strings{"428.0", "427.31", "401.9", "38.930", "NA.N"}));
        options.correctedProcedureCodes = true;
        data = fc::prepareMimic3(options, report);
        QCOMPARE(byId(data.train, "100").codes, (Strings{"428.0", "427.31", "401.9", "38.93", "NA.N"}));
    }

    void errors_data() {
        QTest::addColumn<QByteArray>("noteevents");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing column")
            << QByteArray("ROW_ID,SUBJECT_ID,HADM_ID,CATEGORY\n1,2,3,x\n")
            << QStringLiteral("NOTEEVENTS.csv:1: no column named 'TEXT' in the header");
        QTest::newRow("short row")
            << QByteArray(
                   "ROW_ID,SUBJECT_ID,HADM_ID,CATEGORY,TEXT\n1,2,100,\"Discharge summary\",\"a\nb\"\n2,3\n")
            << QStringLiteral("NOTEEVENTS.csv:4: expected 5 fields, found 2");
        QTest::newRow("bad id")
            << QByteArray("ROW_ID,SUBJECT_ID,HADM_ID,CATEGORY,TEXT\n1,x,100,Discharge summary,t\n")
            << QStringLiteral("NOTEEVENTS.csv:2: SUBJECT_ID 'x' or HADM_ID '100' is not an id");
    }
    void errors() {
        QFETCH(QByteArray, noteevents);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("NOTEEVENTS.csv"));
        std::ofstream(path.toStdString(), std::ios::binary) << noteevents.toStdString();
        fc::Mimic3Options options = fixtureOptions(fc::Mimic3Setting::Full, false);
        options.noteEvents = path.toStdString();
        fc::Mimic3Report report;
        try {
            fc::prepareMimic3(options, report);
            QFAIL("no InputError");
        } catch (const fc::InputError& e) {
            QCOMPARE(QString::fromUtf8(e.what()), dir.path() + QLatin1Char('/') + message);
        }
    }

    void missingSplitFile() {
        fc::Mimic3Options options = fixtureOptions(fc::Mimic3Setting::Full, false);
        options.splitsDir = kFixtures; // no id files there
        fc::Mimic3Report report;
        QVERIFY_THROWS_EXCEPTION(fc::InputError, fc::prepareMimic3(options, report));
    }
};

QTEST_APPLESS_MAIN(TestPrepareMimic3)
#include "tst_prepare_mimic3.moc"
