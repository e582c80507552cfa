// FHIR export field by field: the Bundle of Conditions and Procedures, the Claim, ICD-9 system URIs, a
// collection of charts, and importing a FHIR document that lacks fusioncoder's extensions.
#include "codecatalog.h"
#include "export_fixtures.h"
#include "exportservice.h"

#include <QRegularExpression>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace fc;
using namespace fc::exporttest;

class TstExportFhir : public QObject {
    Q_OBJECT

private:
    std::shared_ptr<const CodeCatalog> m_catalog;

private Q_SLOTS:
    void initTestCase() {
        QString error;
        m_catalog = CodeCatalog::load(QStringLiteral(FC_SOURCE_DIR "/resources/catalogs"), {}, &error);
        QVERIFY2(m_catalog, qPrintable(error));
    }

    void fhirBundleStructure() {
        const CodedChart chart = fixedChart();
        const QJsonObject bundle = parseObject(toFhir(chart, FhirShape::Bundle));
        QCOMPARE(bundle.value(QStringLiteral("resourceType")).toString(), QStringLiteral("Bundle"));
        QCOMPARE(bundle.value(QStringLiteral("type")).toString(), QStringLiteral("collection"));
        QCOMPARE(bundle.value(QStringLiteral("timestamp")).toString(), chart.exportedAt);
        QCOMPARE(
            bundle.value(QStringLiteral("identifier")).toObject().value(QStringLiteral("value")).toString(),
            kSha);
        QVERIFY(bundle.value(QStringLiteral("identifier"))
                    .toObject()
                    .value(QStringLiteral("system"))
                    .toString()
                    .startsWith(QStringLiteral("urn:fusioncoder:")));
        const QJsonObject exportExtension =
            extensionOf(bundle.value(QStringLiteral("meta")).toObject(),
                        QStringLiteral("urn:fusioncoder:fhir:extension:export"));
        QCOMPARE(subExtensions(exportExtension, QStringLiteral("noteId"))
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("valueString"))
                     .toString(),
                 QStringLiteral("42"));
        QStringList empty;
        collectEmpty(bundle, QStringLiteral("Bundle"), &empty);
        QVERIFY2(empty.isEmpty(), qPrintable(empty.join(QLatin1Char(' '))));

        const QRegularExpression idPattern(QStringLiteral("^[A-Za-z0-9\\-.]{1,64}$"));
        QVERIFY(idPattern.match(bundle.value(QStringLiteral("id")).toString()).hasMatch());
        const QJsonArray entries = bundle.value(QStringLiteral("entry")).toArray();
        QCOMPARE(entries.size(), 4);
        QStringList ids;
        for (int i = 0; i < entries.size(); ++i) {
            const QJsonObject e = entries.at(i).toObject();
            const QJsonObject r = e.value(QStringLiteral("resource")).toObject();
            const CodedEntry& expected = chart.entries.at(i);
            const QString id = r.value(QStringLiteral("id")).toString();
            QVERIFY(idPattern.match(id).hasMatch());
            QCOMPARE(e.value(QStringLiteral("fullUrl")).toString(), QStringLiteral("urn:uuid:") + id);
            ids << id;
            // Required in R4: Condition.subject; Procedure.status and Procedure.subject.
            QVERIFY(r.value(QStringLiteral("subject"))
                        .toObject()
                        .value(QStringLiteral("display"))
                        .toString()
                        .contains(kSha.left(12)));
            const QJsonObject coding = firstCoding(r.value(QStringLiteral("code")).toObject());
            QCOMPARE(coding.value(QStringLiteral("code")).toString(), expected.code);
            QCOMPARE(coding.value(QStringLiteral("display")).toString(), expected.description);
            QCOMPARE(
                r.value(QStringLiteral("recorder")).toObject().value(QStringLiteral("display")).toString(),
                expected.decidedBy);
            if (expected.isProcedure()) {
                QCOMPARE(r.value(QStringLiteral("resourceType")).toString(), QStringLiteral("Procedure"));
                QCOMPARE(r.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
                QCOMPARE(coding.value(QStringLiteral("system")).toString(),
                         QStringLiteral("http://www.cms.gov/Medicare/Coding/ICD10"));
            } else {
                QCOMPARE(r.value(QStringLiteral("resourceType")).toString(), QStringLiteral("Condition"));
                QCOMPARE(coding.value(QStringLiteral("system")).toString(),
                         QStringLiteral("http://hl7.org/fhir/sid/icd-10-cm"));
                QCOMPARE(r.value(QStringLiteral("recordedDate")).toString(), expected.decidedAt);
                QCOMPARE(firstCoding(r.value(QStringLiteral("verificationStatus")).toObject())
                             .value(QStringLiteral("code"))
                             .toString(),
                         QStringLiteral("confirmed"));
                QCOMPARE(firstCoding(r.value(QStringLiteral("category")).toArray().at(0).toObject())
                             .value(QStringLiteral("code"))
                             .toString(),
                         QStringLiteral("encounter-diagnosis"));
                const QJsonObject poa =
                    extensionOf(r, QStringLiteral("urn:fusioncoder:fhir:extension:present-on-admission"));
                QCOMPARE(poa.isEmpty(), expected.poa.isEmpty());
                QCOMPARE(poa.value(QStringLiteral("valueCode")).toString(), expected.poa);
            }
            for (const QJsonValue& ext : r.value(QStringLiteral("extension")).toArray())
                QVERIFY(ext.toObject()
                            .value(QStringLiteral("url"))
                            .toString()
                            .startsWith(QStringLiteral("urn:fusioncoder:")));
            const QJsonObject coded =
                extensionOf(r, QStringLiteral("urn:fusioncoder:fhir:extension:coded-entry"));
            QCOMPARE(subExtensions(coded, QStringLiteral("sequence"))
                         .at(0)
                         .toObject()
                         .value(QStringLiteral("valueInteger"))
                         .toInt(),
                     expected.sequence);
            QCOMPARE(subExtensions(coded, QStringLiteral("role"))
                         .at(0)
                         .toObject()
                         .value(QStringLiteral("valueCode"))
                         .toString(),
                     expected.role);
            QCOMPARE(subExtensions(coded, QStringLiteral("confidence")).isEmpty(), expected.confidence < 0);
            const QJsonArray spans = subExtensions(coded, QStringLiteral("evidence"));
            QCOMPARE(spans.size(), expected.evidence.size());
            for (int s = 0; s < spans.size(); ++s) {
                const QJsonObject span = spans.at(s).toObject();
                QCOMPARE(subExtensions(span, QStringLiteral("begin"))
                             .at(0)
                             .toObject()
                             .value(QStringLiteral("valueInteger"))
                             .toInteger(),
                         expected.evidence.at(s).begin);
                QCOMPARE(subExtensions(span, QStringLiteral("end"))
                             .at(0)
                             .toObject()
                             .value(QStringLiteral("valueInteger"))
                             .toInteger(),
                         expected.evidence.at(s).end);
                QCOMPARE(subExtensions(span, QStringLiteral("weight"))
                             .at(0)
                             .toObject()
                             .value(QStringLiteral("valueDecimal"))
                             .toDouble(),
                         expected.evidence.at(s).weight);
            }
        }
        ids.removeDuplicates();
        QCOMPARE(ids.size(), 4);
    }

    void fhirIcd9SystemUris() {
        const QJsonObject bundle = parseObject(toFhir(icd9Chart(), FhirShape::Bundle));
        const QJsonArray entries = bundle.value(QStringLiteral("entry")).toArray();
        QCOMPARE(entries.size(), 2);
        for (const QJsonValue& e : entries) {
            const QJsonObject r = e.toObject().value(QStringLiteral("resource")).toObject();
            QCOMPARE(firstCoding(r.value(QStringLiteral("code")).toObject())
                         .value(QStringLiteral("system"))
                         .toString(),
                     QStringLiteral("http://hl7.org/fhir/sid/icd-9-cm"));
        }
        // The resource type tells ICD-9-CM diagnoses from volume 3 procedures on import.
        QString error;
        const CodedChart back = fromExport(toFhir(icd9Chart()), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(back.entries.at(0).system, QStringLiteral("icd-9-cm"));
        QCOMPARE(back.entries.at(1).system, QStringLiteral("icd-9-pcs"));
    }

    void fhirClaimStructure() {
        const CodedChart chart = fixedChart();
        const QJsonObject claim = parseObject(toFhir(chart, FhirShape::Claim));
        QCOMPARE(claim.value(QStringLiteral("resourceType")).toString(), QStringLiteral("Claim"));
        // Required in R4: status, type, use, patient, created, provider, priority, insurance.
        QCOMPARE(claim.value(QStringLiteral("status")).toString(), QStringLiteral("draft"));
        QCOMPARE(firstCoding(claim.value(QStringLiteral("type")).toObject())
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("institutional"));
        QCOMPARE(claim.value(QStringLiteral("use")).toString(), QStringLiteral("claim"));
        QVERIFY(!claim.value(QStringLiteral("patient"))
                     .toObject()
                     .value(QStringLiteral("display"))
                     .toString()
                     .isEmpty());
        QCOMPARE(claim.value(QStringLiteral("created")).toString(), chart.exportedAt);
        QVERIFY(!claim.value(QStringLiteral("provider")).toObject().isEmpty());
        QCOMPARE(firstCoding(claim.value(QStringLiteral("priority")).toObject())
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("normal"));
        const QJsonObject insurance = claim.value(QStringLiteral("insurance")).toArray().at(0).toObject();
        QCOMPARE(insurance.value(QStringLiteral("sequence")).toInt(), 1);
        QCOMPARE(insurance.value(QStringLiteral("focal")).toBool(), true);
        QVERIFY(!insurance.value(QStringLiteral("coverage")).toObject().isEmpty());
        QStringList empty;
        collectEmpty(claim, QStringLiteral("Claim"), &empty);
        QVERIFY2(empty.isEmpty(), qPrintable(empty.join(QLatin1Char(' '))));

        const QJsonArray diagnoses = claim.value(QStringLiteral("diagnosis")).toArray();
        QCOMPARE(diagnoses.size(), 3);
        for (int i = 0; i < 3; ++i) {
            const QJsonObject d = diagnoses.at(i).toObject();
            QCOMPARE(d.value(QStringLiteral("sequence")).toInt(), i + 1);
            const QJsonObject coding =
                firstCoding(d.value(QStringLiteral("diagnosisCodeableConcept")).toObject());
            QCOMPARE(coding.value(QStringLiteral("system")).toString(),
                     QStringLiteral("http://hl7.org/fhir/sid/icd-10-cm"));
            QCOMPARE(coding.value(QStringLiteral("code")).toString(), chart.entries.at(i).code);
            QCOMPARE(coding.value(QStringLiteral("display")).toString(), chart.entries.at(i).description);
        }
        const QJsonObject principalType =
            firstCoding(diagnoses.at(0).toObject().value(QStringLiteral("type")).toArray().at(0).toObject());
        QCOMPARE(principalType.value(QStringLiteral("system")).toString(),
                 QStringLiteral("http://terminology.hl7.org/CodeSystem/ex-diagnosistype"));
        QCOMPARE(principalType.value(QStringLiteral("code")).toString(), QStringLiteral("principal"));
        QVERIFY(!diagnoses.at(1).toObject().contains(QStringLiteral("type")));
        const QJsonObject poaYes =
            firstCoding(diagnoses.at(0).toObject().value(QStringLiteral("onAdmission")).toObject());
        QCOMPARE(poaYes.value(QStringLiteral("system")).toString(),
                 QStringLiteral("http://terminology.hl7.org/CodeSystem/ex-diagnosis-on-admission"));
        QCOMPARE(poaYes.value(QStringLiteral("code")).toString(), QStringLiteral("y"));
        QVERIFY(!diagnoses.at(1).toObject().contains(QStringLiteral("onAdmission")));
        const QJsonObject poaExempt =
            firstCoding(diagnoses.at(2).toObject().value(QStringLiteral("onAdmission")).toObject());
        QCOMPARE(poaExempt.value(QStringLiteral("code")).toString(), QStringLiteral("1"));
        QVERIFY(poaExempt.value(QStringLiteral("system"))
                    .toString()
                    .startsWith(QStringLiteral("urn:fusioncoder:")));

        const QJsonArray procedures = claim.value(QStringLiteral("procedure")).toArray();
        QCOMPARE(procedures.size(), 1);
        QCOMPARE(procedures.at(0).toObject().value(QStringLiteral("sequence")).toInt(), 1);
        const QJsonObject procedure = firstCoding(
            procedures.at(0).toObject().value(QStringLiteral("procedureCodeableConcept")).toObject());
        QCOMPARE(procedure.value(QStringLiteral("system")).toString(),
                 QStringLiteral("http://www.cms.gov/Medicare/Coding/ICD10"));
        QCOMPARE(procedure.value(QStringLiteral("code")).toString(), QStringLiteral("0DTJ4ZZ"));
    }

    void fhirCollectionOfCharts() {
        const QJsonObject outer =
            parseObject(toFhir(QVector<CodedChart>{fixedChart(), icd9Chart()}, FhirShape::Claim));
        QCOMPARE(outer.value(QStringLiteral("resourceType")).toString(), QStringLiteral("Bundle"));
        QCOMPARE(outer.value(QStringLiteral("type")).toString(), QStringLiteral("collection"));
        const QJsonArray entries = outer.value(QStringLiteral("entry")).toArray();
        QCOMPARE(entries.size(), 2);
        for (const QJsonValue& e : entries)
            QCOMPARE(e.toObject()
                         .value(QStringLiteral("resource"))
                         .toObject()
                         .value(QStringLiteral("resourceType"))
                         .toString(),
                     QStringLiteral("Claim"));
    }

    // A Bundle written by another tool, without our extensions: sequences follow the order, roles the type.
    void fhirImportWithoutExtensions() {
        QFile file(QStringLiteral(FC_SOURCE_DIR "/tests/fixtures/export/foreign_bundle.fhir.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QString error;
        const CodedChart chart = fromExport(file.readAll(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(chart.entries.size(), 3);
        QCOMPARE(chart.entries.at(0).code, QStringLiteral("I10"));
        QCOMPARE(chart.entries.at(0).system, QStringLiteral("icd-10-cm"));
        QCOMPARE(chart.entries.at(0).sequence, 1);
        QCOMPARE(chart.entries.at(0).role, QStringLiteral("secondary"));
        QCOMPARE(chart.entries.at(0).confidence, -1.0);
        QCOMPARE(chart.entries.at(1).sequence, 2);
        QCOMPARE(chart.entries.at(2).system, QStringLiteral("icd-10-pcs"));
        QCOMPARE(chart.entries.at(2).role, QStringLiteral("procedure"));
        QCOMPARE(chart.entries.at(2).sequence, 1);
        // Imported as is, it is flagged: no principal and no decision.
        const QVector<ValidationIssue> issues = validate(chart, m_catalog.get());
        QVERIFY(std::any_of(issues.begin(), issues.end(), [](const ValidationIssue& i) {
            return i.code == QLatin1String("no-principal");
        }));
        QVERIFY(std::any_of(issues.begin(), issues.end(), [](const ValidationIssue& i) {
            return i.code == QLatin1String("bad-decision");
        }));
    }
};

QTEST_GUILESS_MAIN(TstExportFhir)
#include "tst_export_fhir.moc"
