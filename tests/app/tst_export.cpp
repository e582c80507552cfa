// Export formats (CSV, JSON) field by field, exact round trips of every format, import errors, the validity
// checks, and building a chart from stored decisions. FHIR Bundle and Claim: tst_export_fhir.
#include "chartstorage.h"
#include "codecatalog.h"
#include "export_fixtures.h"
#include "exportservice.h"

#include "fc/storage/database.h"
#include "fc/storage/repositories.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace fc;

Q_DECLARE_METATYPE(fc::CodedChart)

using namespace fc::exporttest;

class TstExport : public QObject {
    Q_OBJECT

private:
    std::shared_ptr<const CodeCatalog> m_catalog;

private Q_SLOTS:
    void initTestCase() {
        QString error;
        m_catalog = CodeCatalog::load(QStringLiteral(FC_SOURCE_DIR "/resources/catalogs"), {}, &error);
        QVERIFY2(m_catalog, qPrintable(error));
        // What the validation cases assume about the bundled catalogs.
        QVERIFY(m_catalog->isBillable(QStringLiteral("icd-10-cm"), QStringLiteral("N44.8")));
        QVERIFY(m_catalog->isBillable(QStringLiteral("icd-10-cm"), QStringLiteral("R52")));
        QVERIFY(m_catalog->isBillable(QStringLiteral("icd-10-cm"), QStringLiteral("I10")));
        QVERIFY(m_catalog->isValid(QStringLiteral("icd-10-cm"), QStringLiteral("E11")));
        QVERIFY(!m_catalog->isBillable(QStringLiteral("icd-10-cm"), QStringLiteral("E11")));
        QVERIFY(!m_catalog->isValid(QStringLiteral("icd-10-cm"), QStringLiteral("X99.99")));
        QVERIFY(m_catalog->isBillable(QStringLiteral("icd-10-pcs"), QStringLiteral("0DTJ4ZZ")));
        QVERIFY(m_catalog->isBillable(QStringLiteral("icd-9-cm"), QStringLiteral("401.9")));
        QVERIFY(m_catalog->isBillable(QStringLiteral("icd-9-pcs"), QStringLiteral("38.93")));
    }

    // ---- CSV ----

    void csvHeaderAndRows() {
        const QByteArray csv = toCsv(fixedChart());
        QVERIFY(!csv.startsWith("\xEF\xBB\xBF"));
        QVERIFY(csv.endsWith("\r\n"));
        const QString text = QString::fromUtf8(csv);
        const QStringList lines = text.split(QStringLiteral("\r\n"));
        QCOMPARE(lines.at(0),
                 QStringLiteral("note_id,note_sha256,sequence,system,code,description,role,poa,"
                                "confidence,evidence,decision,model_version,decided_by,decided_at,"
                                "note_source,exported_at,exported_by,application,application_version"));
        const QString tail =
            QStringLiteral(",\"notes/case 7, ward \"\"B\"\".txt\",2024-05-01T12:34:56.789Z,coder,"
                           "fusioncoder,0.1.0");
        QCOMPARE(lines.at(1),
                 QStringLiteral("42,%1,1,icd-10-cm,N44.8,Other noninflammatory disorders of the testis,"
                                "principal,Y,0.93,120-164:0.31;200-230:0.12,accepted,codiesp-en-1.0,"
                                "coder,2024-05-01T12:30:00.000Z")
                         .arg(kSha) +
                     tail);
        // Added by the coder: empty confidence, evidence and model version; a description with a comma is
        // quoted.
        QCOMPARE(lines.at(2),
                 QStringLiteral("42,%1,2,icd-10-cm,R52,\"Pain, unspecified\",secondary,,,,added,,coder,"
                                "2024-05-01T12:30:00.000Z")
                         .arg(kSha) +
                     tail);
        // Quotes doubled, the embedded LF kept inside the quoted field, UTF-8 text, shortest exact numbers.
        const QString quotedDescription =
            QStringLiteral(
                "\"Essential (primary) hypertension, \"\"benign\"\"\nline two \u2014 M\u00e9ni\u00e8re "
                "\u00f1 \u4e2d\u6587 ") +
            QString::fromUcs4(U"\U0001F600") + QLatin1Char('"');
        const QString row3 =
            QStringLiteral("42,%1,3,icd-10-cm,I10,").arg(kSha) + quotedDescription +
            QStringLiteral(",secondary,1,0.30000000000000004,7-19:1e-05,accepted,codiesp-en-1.0,"
                           "coder,2024-05-01T12:30:00.000Z") +
            tail;
        QCOMPARE(lines.at(3), row3);
        QCOMPARE(lines.at(4),
                 QStringLiteral("42,%1,1,icd-10-pcs,0DTJ4ZZ,\"Resection of Appendix, Percutaneous "
                                "Endoscopic Approach\",procedure,,0.5,0-5:1,accepted,codiesp-en-1.0,"
                                "coder,2024-05-01T12:30:00.000Z")
                         .arg(kSha) +
                     tail);
        QCOMPARE(lines.size(), 6); // header, 4 rows, and the empty string after the final CRLF
        QVERIFY(csv.contains("M\xC3\xA9ni\xC3\xA8re"));
        QVERIFY(csv.contains("\xF0\x9F\x98\x80"));
    }

    void csvImportAcceptsBomLfAndReorderedColumns() {
        const CodedChart chart = fixedChart();
        QByteArray csv = toCsv(chart);
        csv.replace("\r\n", "\n"); // the description's embedded LF is unaffected: it has no CR
        QString error;
        QCOMPARE(fromExport("\xEF\xBB\xBF" + csv, &error), chart);
        QVERIFY2(error.isEmpty(), qPrintable(error));

        // Columns found by name: swap two columns and add an unknown one.
        const QByteArray header =
            "note_id,note_sha256,sequence,system,code,description,role,poa,confidence,"
            "evidence,decision,model_version,decided_by,decided_at,note_source,exported_at,"
            "exported_by,application,application_version";
        const QByteArray swapped =
            "extra,note_sha256,note_id,sequence,system,code,description,role,poa,confidence,"
            "evidence,decision,model_version,decided_by,decided_at,note_source,exported_at,"
            "exported_by,application,application_version\r\n"
            "x,abc,9,1,icd-10-cm,I10,Essential (primary) hypertension,principal,,0.8,,"
            "accepted,m1,u,2024-01-01T00:00:00.000Z,pasted,2024-01-02T00:00:00.000Z,u,"
            "fusioncoder,0.1.0\r\n";
        const CodedChart read = fromExport(swapped, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(read.noteId, qint64(9));
        QCOMPARE(read.noteSha256, QStringLiteral("abc"));
        QCOMPARE(read.entries.size(), 1);
        QCOMPARE(read.entries.at(0).confidence, 0.8);
        QVERIFY(read.entries.at(0).evidence.isEmpty());
        // A header alone is a file without charts, not an error.
        QCOMPARE(chartsFromExport(header + "\r\n", &error).size(), 0);
        QVERIFY(error.isEmpty());
    }

    // ---- JSON ----

    void jsonFields() {
        const QJsonObject root = parseObject(toJson(fixedChart()));
        QCOMPARE(root.value(QStringLiteral("format")).toString(), QStringLiteral("fusioncoder-coded-chart"));
        QCOMPARE(root.value(QStringLiteral("format_version")).toInt(), 1);
        const QJsonObject note = root.value(QStringLiteral("note")).toObject();
        QCOMPARE(note.value(QStringLiteral("id")).toInteger(), qint64(42));
        QCOMPARE(note.value(QStringLiteral("sha256")).toString(), kSha);
        QCOMPARE(note.value(QStringLiteral("source")).toString(),
                 QStringLiteral("notes/case 7, ward \"B\".txt"));
        QCOMPARE(root.value(QStringLiteral("exported_at")).toString(),
                 QStringLiteral("2024-05-01T12:34:56.789Z"));
        QCOMPARE(root.value(QStringLiteral("exported_by")).toString(), QStringLiteral("coder"));
        const QJsonObject application = root.value(QStringLiteral("application")).toObject();
        QCOMPARE(application.value(QStringLiteral("name")).toString(), QStringLiteral("fusioncoder"));
        QCOMPARE(application.value(QStringLiteral("version")).toString(), QStringLiteral("0.1.0"));
        const QJsonArray entries = root.value(QStringLiteral("entries")).toArray();
        QCOMPARE(entries.size(), 4);
        const QJsonObject first = entries.at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("sequence")).toInt(), 1);
        QCOMPARE(first.value(QStringLiteral("system")).toString(), QStringLiteral("icd-10-cm"));
        QCOMPARE(first.value(QStringLiteral("code")).toString(), QStringLiteral("N44.8"));
        QCOMPARE(first.value(QStringLiteral("description")).toString(),
                 QStringLiteral("Other noninflammatory disorders of the testis"));
        QCOMPARE(first.value(QStringLiteral("role")).toString(), QStringLiteral("principal"));
        QCOMPARE(first.value(QStringLiteral("poa")).toString(), QStringLiteral("Y"));
        QCOMPARE(first.value(QStringLiteral("confidence")).toDouble(), 0.93);
        QCOMPARE(first.value(QStringLiteral("decision")).toString(), QStringLiteral("accepted"));
        QCOMPARE(first.value(QStringLiteral("model_version")).toString(), QStringLiteral("codiesp-en-1.0"));
        QCOMPARE(first.value(QStringLiteral("decided_by")).toString(), QStringLiteral("coder"));
        QCOMPARE(first.value(QStringLiteral("decided_at")).toString(),
                 QStringLiteral("2024-05-01T12:30:00.000Z"));
        const QJsonArray evidence = first.value(QStringLiteral("evidence")).toArray();
        QCOMPARE(evidence.size(), 2);
        QCOMPARE(evidence.at(0).toObject().value(QStringLiteral("begin")).toInteger(), qint64(120));
        QCOMPARE(evidence.at(0).toObject().value(QStringLiteral("end")).toInteger(), qint64(164));
        QCOMPARE(evidence.at(0).toObject().value(QStringLiteral("weight")).toDouble(), 0.31);
        QCOMPARE(evidence.at(1).toObject().value(QStringLiteral("begin")).toInteger(), qint64(200));
        const QJsonObject added = entries.at(1).toObject();
        QVERIFY(added.value(QStringLiteral("confidence")).isNull());
        QCOMPARE(added.value(QStringLiteral("decision")).toString(), QStringLiteral("added"));
        QCOMPARE(added.value(QStringLiteral("evidence")).toArray().size(), 0);
        QCOMPARE(entries.at(2).toObject().value(QStringLiteral("description")).toString(),
                 kTrickyDescription);
        QCOMPARE(entries.at(3).toObject().value(QStringLiteral("role")).toString(),
                 QStringLiteral("procedure"));

        const QJsonObject many = parseObject(toJson(QVector<CodedChart>{fixedChart(), icd9Chart()}));
        QCOMPARE(many.value(QStringLiteral("format")).toString(), QStringLiteral("fusioncoder-coded-charts"));
        QCOMPARE(many.value(QStringLiteral("charts")).toArray().size(), 2);
        QCOMPARE(many.value(QStringLiteral("charts"))
                     .toArray()
                     .at(1)
                     .toObject()
                     .value(QStringLiteral("note"))
                     .toObject()
                     .value(QStringLiteral("id"))
                     .toInt(),
                 7);
    }

    // ---- round trips ----

    void roundTrip_data() {
        QTest::addColumn<int>("format");
        QTest::addColumn<QVector<CodedChart>>("charts");
        CodedChart empty = fixedChart();
        empty.entries.clear();
        CodedChart sparse; // nearly every field empty
        CodedEntry bare;
        bare.sequence = 1;
        bare.code = QStringLiteral("Z00.00");
        bare.system = QStringLiteral("icd-10-cm");
        sparse.entries = {bare};
        const std::pair<const char*, ExportFormat> formats[] = {{"csv", ExportFormat::Csv},
                                                                {"json", ExportFormat::Json},
                                                                {"fhir-bundle", ExportFormat::FhirBundle},
                                                                {"fhir-claim", ExportFormat::FhirClaim}};
        for (const auto& [name, format] : formats) {
            QTest::addRow("%s/fixed", name) << int(format) << QVector<CodedChart>{fixedChart()};
            QTest::addRow("%s/icd9", name) << int(format) << QVector<CodedChart>{icd9Chart()};
            QTest::addRow("%s/sparse", name) << int(format) << QVector<CodedChart>{sparse};
            QTest::addRow("%s/two-charts", name)
                << int(format) << QVector<CodedChart>{fixedChart(), icd9Chart()};
            if (format != ExportFormat::Csv) // a chart without codes has no CSV row
                QTest::addRow("%s/empty", name) << int(format) << QVector<CodedChart>{empty};
        }
    }

    void roundTrip() {
        QFETCH(int, format);
        QFETCH(QVector<CodedChart>, charts);
        const ExportFormat f = static_cast<ExportFormat>(format);
        QString error;
        if (charts.size() == 1) {
            const QByteArray bytes = serialize(charts.front(), f);
            QCOMPARE(serialize(charts.front(), f), bytes); // deterministic
            const CodedChart back = fromExport(bytes, &error);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QCOMPARE(back, charts.front());
        }
        const QVector<CodedChart> back = chartsFromExport(serialize(charts, f), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(back.size(), charts.size());
        for (int i = 0; i < charts.size(); ++i)
            QCOMPARE(back.at(i), charts.at(i));
    }

    void equalitySeesEveryField() {
        const CodedChart base = fixedChart();
        const std::function<void(CodedChart&)> changes[] = {
            [](CodedChart& c) { c.noteId = 43; },
            [](CodedChart& c) { c.source += QLatin1Char('x'); },
            [](CodedChart& c) { c.entries[0].confidence = std::nextafter(0.93, 1.0); },
            [](CodedChart& c) { c.entries[0].evidence[1].weight = 0.13; },
            [](CodedChart& c) { c.entries[0].evidence[1].end = 231; },
            [](CodedChart& c) { c.entries[1].decidedBy = QStringLiteral("lead"); },
            [](CodedChart& c) { c.entries[2].poa = QStringLiteral("W"); },
            [](CodedChart& c) { c.entries[3].modelVersion.clear(); },
        };
        for (const auto& change : changes) {
            CodedChart changed = base;
            change(changed);
            QVERIFY(changed != base);
        }
    }

    void goldenFiles_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("format");
        QTest::newRow("csv") << QStringLiteral("chart.csv") << int(ExportFormat::Csv);
        QTest::newRow("json") << QStringLiteral("chart.json") << int(ExportFormat::Json);
        QTest::newRow("fhir-bundle") << QStringLiteral("chart.bundle.fhir.json")
                                     << int(ExportFormat::FhirBundle);
        QTest::newRow("fhir-claim") << QStringLiteral("chart.claim.fhir.json")
                                    << int(ExportFormat::FhirClaim);
    }

    // The committed examples (tests/fixtures/export/) are what this build writes for fixedChart(): a format
    // change must update them on purpose (run with FC_UPDATE_GOLDEN=1), and files exported by earlier builds
    // still import.
    void goldenFiles() {
        QFETCH(QString, file);
        QFETCH(int, format);
        QFile golden(QStringLiteral(FC_SOURCE_DIR "/tests/fixtures/export/") + file);
        if (qEnvironmentVariableIsSet("FC_UPDATE_GOLDEN")) { // regenerates them after a deliberate change
            QVERIFY(golden.open(QIODevice::WriteOnly | QIODevice::Truncate));
            golden.write(serialize(fixedChart(), static_cast<ExportFormat>(format)));
            QSKIP("golden file rewritten");
        }
        QVERIFY2(golden.open(QIODevice::ReadOnly), qPrintable(golden.fileName()));
        const QByteArray expected = golden.readAll();
        QCOMPARE(serialize(fixedChart(), static_cast<ExportFormat>(format)), expected);
        QString error;
        QCOMPARE(fromExport(expected, &error), fixedChart());
    }

    // ---- import errors ----

    void importErrors_data() {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<QString>("expected"); // part of the one-line message
        const QByteArray header = toCsv(CodedChart()).trimmed();
        QByteArray badConfidence = toCsv(fixedChart());
        badConfidence.replace(",0.93,", ",high,");
        QByteArray badEvidence = toCsv(fixedChart());
        badEvidence.replace("120-164:0.31", "120:164");
        QTest::newRow("empty") << QByteArray("  \n") << QStringLiteral("empty");
        QTest::newRow("csv-missing-column")
            << QByteArray("note_id,code\r\n1,I10\r\n") << QStringLiteral("column 'note_sha256'");
        QTest::newRow("csv-unclosed-quote")
            << QByteArray(header + "\r\n1,\"abc\r\n") << QStringLiteral("line 2");
        QTest::newRow("csv-field-count") << QByteArray(header + "\r\n1,2,3\r\n") << QStringLiteral("line 2");
        QTest::newRow("csv-confidence") << badConfidence << QStringLiteral("line 2: bad confidence 'high'");
        QTest::newRow("csv-evidence") << badEvidence << QStringLiteral("line 2: bad evidence");
        QTest::newRow("json-syntax") << QByteArray("{\"format\": ") << QStringLiteral("JSON at byte");
        QTest::newRow("json-format") << QByteArray("{\"format\": \"other\"}") << QStringLiteral(".format");
        QByteArray badSequence = toJson(fixedChart());
        badSequence.replace("\"sequence\": 2", "\"sequence\": \"two\"");
        QTest::newRow("json-entry") << badSequence << QStringLiteral(".entries[1].sequence");
        QTest::newRow("fhir-resource")
            << QByteArray("{\"resourceType\": \"Patient\"}") << QStringLiteral("Patient");
        QByteArray observation = toFhir(fixedChart());
        observation.replace("\"Procedure\"", "\"Observation\"");
        QTest::newRow("fhir-entry") << observation << QStringLiteral("Bundle.entry[3]");
        QTest::newRow("two-charts") << toJson(QVector<CodedChart>{fixedChart(), icd9Chart()})
                                    << QStringLiteral("2 charts");
    }

    void importErrors() {
        QFETCH(QByteArray, data);
        QFETCH(QString, expected);
        QString error;
        const CodedChart chart = fromExport(data, &error);
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY(!error.contains(QLatin1Char('\n')));
        QCOMPARE(chart, CodedChart());
    }

    // ---- validation ----

    void validation_data() {
        QTest::addColumn<CodedChart>("chart");
        QTest::addColumn<QString>("issue"); // expected issue code; empty = no issue at all
        QTest::addColumn<bool>("isError");
        QTest::addColumn<int>("entryIndex");           // -1 for a chart-level issue
        QTest::addColumn<QStringList>("alsoReported"); // other issues the same fault causes

        const CodedChart clean = fixedChart();
        QTest::newRow("clean") << clean << QString() << false << -1 << QStringList();
        QTest::newRow("clean-icd9") << icd9Chart() << QString() << false << -1 << QStringList();
        CodedChart c = clean;
        c.entries[1].code = QStringLiteral("X99.99");
        QTest::newRow("unknown-code") << c << QStringLiteral("unknown-code") << true << 1 << QStringList();
        c = clean;
        c.entries[1].code = QStringLiteral("E11");
        QTest::newRow("header-code") << c << QStringLiteral("header-code") << false << 1 << QStringList();
        c = clean;
        c.entries[2].code = QStringLiteral("N44.8");
        QTest::newRow("duplicate") << c << QStringLiteral("duplicate-code") << true << 2 << QStringList();
        c = clean;
        c.entries[1].code = QStringLiteral("r52");
        QTest::newRow("non-canonical")
            << c << QStringLiteral("non-canonical-code") << false << 1 << QStringList();
        c = clean;
        c.entries[1].role = QStringLiteral("principal");
        QTest::newRow("two-principals") << c << QStringLiteral("multiple-principals") << true << -1
                                        << QStringList{QStringLiteral("principal-not-first")};
        c = clean;
        c.entries[0].role = QStringLiteral("secondary");
        QTest::newRow("no-principal") << c << QStringLiteral("no-principal") << true << -1 << QStringList();
        c = clean;
        std::swap(c.entries[0].sequence, c.entries[1].sequence);
        QTest::newRow("principal-not-first")
            << c << QStringLiteral("principal-not-first") << true << 0 << QStringList();
        c = clean;
        c.entries[2].sequence = 5;
        QTest::newRow("sequence-gap") << c << QStringLiteral("bad-sequence") << true << -1 << QStringList();
        c = clean;
        c.entries[1].poa = QStringLiteral("X");
        QTest::newRow("bad-poa") << c << QStringLiteral("bad-poa") << true << 1 << QStringList();
        c = clean;
        c.entries[1].poa = QStringLiteral("y");
        QTest::newRow("lower-case-poa") << c << QStringLiteral("bad-poa") << true << 1 << QStringList();
        c = clean;
        c.entries[3].poa = QStringLiteral("Y");
        QTest::newRow("poa-on-procedure")
            << c << QStringLiteral("poa-on-procedure") << true << 3 << QStringList();
        c = clean;
        c.entries[3].role = QStringLiteral("secondary");
        QTest::newRow("procedure-role") << c << QStringLiteral("role-mismatch") << true << 3 << QStringList();
        c = clean;
        c.entries[1].system = QStringLiteral("icd-9-cm");
        c.entries[1].code = QStringLiteral("401.9");
        QTest::newRow("mixed-diagnoses")
            << c << QStringLiteral("mixed-systems") << true << -1 << QStringList();
        c = clean;
        c.entries[3].system = QStringLiteral("icd-9-pcs");
        c.entries[3].code = QStringLiteral("38.93");
        QTest::newRow("procedure-revision")
            << c << QStringLiteral("mixed-systems") << true << -1 << QStringList();
        c = clean;
        c.entries[1].system = QStringLiteral("snomed");
        QTest::newRow("unknown-system")
            << c << QStringLiteral("unknown-system") << true << 1 << QStringList();
        c = clean;
        c.entries[0].decision = QStringLiteral("rejected");
        QTest::newRow("bad-decision") << c << QStringLiteral("bad-decision") << true << 0 << QStringList();
        c = clean;
        c.entries[0].confidence = 1.5;
        QTest::newRow("bad-confidence")
            << c << QStringLiteral("bad-confidence") << true << 0 << QStringList();
        c = clean;
        c.entries[0].evidence[0].end = 100;
        QTest::newRow("bad-evidence") << c << QStringLiteral("bad-evidence") << true << 0 << QStringList();
        c = clean;
        c.entries.clear();
        QTest::newRow("empty-chart") << c << QStringLiteral("empty-chart") << false << -1 << QStringList();
    }

    void validation() {
        QFETCH(CodedChart, chart);
        QFETCH(QString, issue);
        QFETCH(bool, isError);
        QFETCH(int, entryIndex);
        QFETCH(QStringList, alsoReported);
        QVector<ValidationIssue> issues = validate(chart, m_catalog.get());
        QStringList all;
        for (const ValidationIssue& i : issues)
            all << QStringLiteral("%1@%2: %3").arg(i.code).arg(i.entry).arg(i.message);
        if (issue.isEmpty()) {
            QVERIFY2(issues.isEmpty(), qPrintable(all.join(QStringLiteral("; "))));
            return;
        }
        QStringList others;
        for (int i = issues.size() - 1; i >= 0; --i) {
            if (issues.at(i).code != issue) {
                others.prepend(issues.at(i).code);
                issues.remove(i);
            }
        }
        QCOMPARE(others, alsoReported);
        QCOMPARE(issues.size(), 1); // each case breaks one rule, reported once
        const ValidationIssue& found = issues.front();
        QVERIFY2(found.code == issue, qPrintable(all.join(QStringLiteral("; "))));
        QCOMPARE(found.severity == ValidationIssue::Error, isError);
        QCOMPARE(hasErrors(issues), isError);
        QCOMPARE(found.entry, entryIndex);
        QVERIFY(!found.message.isEmpty());
        if (entryIndex >= 0)
            QVERIFY2(found.message.contains(chart.entries.at(entryIndex).code), qPrintable(found.message));
    }

    void validationWithoutCatalog() {
        const QVector<ValidationIssue> issues = validate(fixedChart(), nullptr);
        QStringList codes;
        for (const ValidationIssue& i : issues) {
            codes << i.code;
            QCOMPARE(i.severity, ValidationIssue::Warning);
        }
        // One warning per system whose codes go unchecked.
        QCOMPARE(codes, (QStringList{QStringLiteral("catalog-missing"), QStringLiteral("catalog-missing")}));
    }

    // ---- from storage ----

    void chartFromStoredDecisions() {
        storage::Database db(":memory:");
        const std::int64_t noteId =
            storage::NoteRepository(db).upsert("Scrotal pain. Hypertension.", "pasted");
        storage::AnalysisRecord analysis;
        analysis.noteId = noteId;
        analysis.modelVersion = "m2";
        analysis.suggestions = {{"N44.8", "icd-10-cm", 0.93, {{0, 12, 0.7}, {14, 26, 0.1}}},
                                {"I10", "icd-10-cm", 0.8, {{14, 26, 0.9}}},
                                {"0DTJ4ZZ", "icd-10-pcs", 0.6, {{3, 5, 0.2}}},
                                {"E11.9", "icd-10-cm", 0.55, {{1, 2, 0.3}}}};
        storage::AnalysisRepository(db).record(analysis);
        storage::DecisionRepository decisions(db);
        const auto decide = [&](const char* code, const char* system, storage::DecisionKind kind,
                                int sequence, double score, const char* model, const char* poa = "") {
            storage::DecisionRecord d;
            d.noteId = noteId;
            d.code = code;
            d.system = system;
            d.kind = kind;
            d.sequence = sequence;
            d.score = score;
            d.modelVersion = model;
            d.poa = poa;
            d.who = "coder";
            d.decidedAt = "2024-05-01T10:00:00.000Z";
            decisions.record(d);
        };
        using storage::DecisionKind;
        decide("I10", "icd-10-cm", DecisionKind::Accepted, 2, 0.8, "m2");
        decide("N44.8", "icd-10-cm", DecisionKind::Accepted, 1, 0.93, "m2", "Y");
        decide("R52", "icd-10-cm", DecisionKind::Added, 0, -1, "");
        decide("E11.9", "icd-10-cm", DecisionKind::Rejected, 0, 0.55, "m2");
        decide("J45.909", "icd-10-cm", DecisionKind::Accepted, 3, 0.4, "m1"); // scored by an older model
        decide("K35.80", "icd-10-cm", DecisionKind::Accepted, 4, 0.7, "m2");
        decide("K35.80", "icd-10-cm", DecisionKind::Removed, 0, 0.7, "m2");
        decide("0DTJ4ZZ", "icd-10-pcs", DecisionKind::Accepted, 0, 0.6, "m2");

        const std::optional<CodedChart> loaded = loadChart(db, noteId, m_catalog.get());
        QVERIFY(loaded);
        const CodedChart& chart = *loaded;
        QCOMPARE(chart.noteId, qint64(noteId));
        QCOMPARE(chart.noteSha256.size(), 64);
        QCOMPARE(chart.source, QStringLiteral("pasted"));
        QCOMPARE(chart.application, QStringLiteral("fusioncoder"));
        QVERIFY(!chart.applicationVersion.isEmpty());
        QVERIFY(chart.exportedAt.endsWith(QLatin1Char('Z')));
        QStringList codes;
        for (const CodedEntry& e : chart.entries)
            codes << QStringLiteral("%1:%2:%3").arg(e.sequence).arg(e.code, e.role);
        QCOMPARE(codes, (QStringList{QStringLiteral("1:N44.8:principal"), QStringLiteral("2:I10:secondary"),
                                     QStringLiteral("3:J45.909:secondary"), QStringLiteral("4:R52:secondary"),
                                     QStringLiteral("1:0DTJ4ZZ:procedure")}));
        const CodedEntry& principal = chart.entries.at(0);
        QCOMPARE(principal.poa, QStringLiteral("Y"));
        QCOMPARE(principal.confidence, 0.93);
        QCOMPARE(principal.evidence, (QVector<EvidenceOffsets>{{0, 12, 0.7}, {14, 26, 0.1}}));
        QCOMPARE(principal.decision, QStringLiteral("accepted"));
        QCOMPARE(principal.modelVersion, QStringLiteral("m2"));
        QCOMPARE(principal.decidedBy, QStringLiteral("coder"));
        QCOMPARE(principal.decidedAt, QStringLiteral("2024-05-01T10:00:00.000Z"));
        QCOMPARE(principal.description,
                 m_catalog->lookup(QStringLiteral("icd-10-cm"), QStringLiteral("N44.8"))->longDescription);
        QVERIFY(chart.entries.at(2).evidence.isEmpty()); // the analysis is of another model than its score
        const CodedEntry& added = chart.entries.at(3);
        QCOMPARE(added.decision, QStringLiteral("added"));
        QCOMPARE(added.confidence, -1.0);
        QVERIFY(added.evidence.isEmpty());
        QCOMPARE(chart.entries.at(4).evidence, (QVector<EvidenceOffsets>{{3, 5, 0.2}}));
        const QVector<ValidationIssue> issues = validate(chart, m_catalog.get());
        QVERIFY(!hasErrors(issues));

        QVERIFY(!loadChart(db, noteId + 100));
    }

    // Principal = the diagnosis with the smallest positive stored sequence; none when no diagnosis is
    // sequenced.
    void principalFromStoredSequence() {
        storage::NoteRecord note;
        note.id = 5;
        note.sha256 = std::string(64, 'b');
        std::vector<storage::DecisionRecord> decisions(3);
        decisions[0].code = "0DTJ4ZZ";
        decisions[0].system = "icd-10-pcs";
        decisions[0].sequence = 1;
        decisions[1].code = "R52";
        decisions[1].system = "icd-10-cm";
        decisions[1].sequence = 3;
        decisions[2].code = "I10";
        decisions[2].system = "icd-10-cm";
        decisions[2].sequence = 2;
        CodedChart chart = chartFromDecisions(note, decisions, std::nullopt);
        QCOMPARE(chart.entries.at(0).code, QStringLiteral("I10"));
        QCOMPARE(chart.entries.at(0).role, QStringLiteral("principal"));
        QCOMPARE(chart.entries.at(1).role, QStringLiteral("secondary"));
        QCOMPARE(chart.entries.at(2).role, QStringLiteral("procedure"));
        QVERIFY(chart.entries.at(0).description.isEmpty()); // no catalog given
        decisions[1].sequence = 0;
        decisions[2].sequence = 0;
        chart = chartFromDecisions(note, decisions, std::nullopt);
        QCOMPARE(chart.entries.at(0).role, QStringLiteral("secondary"));
        QCOMPARE(chart.entries.at(1).role, QStringLiteral("secondary"));
    }
};

QTEST_GUILESS_MAIN(TstExport)
#include "tst_export.moc"
