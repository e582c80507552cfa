// FHIR R4 export and import (JSON representation).
//
// Code systems (Coding.system): icd-10-cm -> http://hl7.org/fhir/sid/icd-10-cm,
// icd-10-pcs -> http://www.cms.gov/Medicare/Coding/ICD10, icd-9-cm and icd-9-pcs ->
// http://hl7.org/fhir/sid/icd-9-cm (HL7's ICD-9-CM system covers volumes 1-2, diagnoses, and volume 3,
// procedures; the resource type tells which one a code belongs to). Any other system ->
// "urn:fusioncoder:code-system:<system>".
//
// Bundle shape (FhirShape::Bundle): a Bundle of type "collection"; id = UUIDv5 of the note; identifier =
// {system "urn:fusioncoder:fhir:identifier:note-sha256", value <hex SHA-256 of the note>}; timestamp =
// exportedAt; meta.extension = the export extension (below). One entry per code, fullUrl "urn:uuid:<id>", in
// chart order:
//   Condition (diagnoses): id, extension [coded-entry, present-on-admission when POA is set],
//     verificationStatus confirmed (condition-ver-status), category encounter-diagnosis (condition-category),
//     code.coding [{system, code, display = description}], subject, recordedDate = decidedAt,
//     recorder.display = decidedBy.
//   Procedure (procedures): id, extension [coded-entry], status "completed", code, subject,
//     recorder.display = decidedBy.
// subject: we hold no patient identity, so it is a Reference with only a display,
// "unidentified patient of note <first 12 hex digits of the note's SHA-256>".
//
// Claim shape (FhirShape::Claim): one Claim, status "draft", use "claim", type institutional (claim-type),
// priority normal (processpriority), created = exportedAt, identifier [note-sha256 as above], meta.extension
// the export extension; patient, provider and insurance[0].coverage are display-only placeholder references.
// diagnosis[]: sequence, diagnosisCodeableConcept, type principal (ex-diagnosistype) on the principal
// diagnosis, onAdmission from POA (ex-diagnosis-on-admission y/n/u/w; the exempt value "1" as code "1" of
// "urn:fusioncoder:fhir:code-system:poa"), extension [coded-entry]. procedure[]: sequence,
// procedureCodeableConcept, extension [coded-entry].
//
// Extensions (URLs are URNs, no web host):
//   urn:fusioncoder:fhir:extension:coded-entry - complex, on every code: sequence (valueInteger), role
//     (valueCode principal|secondary|procedure), decision (valueCode accepted|added), confidence
//     (valueDecimal, absent for codes added by the coder), modelVersion, decidedBy (valueString), decidedAt
//     (valueDateTime), and one "evidence" per span, strongest first: begin, end (valueInteger, code points,
//     half-open), weight (valueDecimal).
//   urn:fusioncoder:fhir:extension:present-on-admission - valueCode Y|N|U|W|1, on Conditions.
//   urn:fusioncoder:fhir:extension:export - complex, on meta of the Bundle or Claim: noteId, noteSource,
//     exportedBy, application, applicationVersion (valueString each).
// Empty strings, arrays and objects are omitted (FHIR forbids empty values) and read back as empty; a chart
// without a note hash carries the identifier value "unknown".
// Several charts: a Bundle of type "collection" whose entries are the charts' Bundles or Claims.
#include "export_internal.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace fc {

namespace {

using namespace exportdetail;

const QString kEntryExtension = QStringLiteral("urn:fusioncoder:fhir:extension:coded-entry");
const QString kPoaExtension = QStringLiteral("urn:fusioncoder:fhir:extension:present-on-admission");
const QString kExportExtension = QStringLiteral("urn:fusioncoder:fhir:extension:export");
const QString kNoteShaSystem = QStringLiteral("urn:fusioncoder:fhir:identifier:note-sha256");
const QString kPoaExemptSystem = QStringLiteral("urn:fusioncoder:fhir:code-system:poa");
const QString kUnknownNote = QStringLiteral("unknown");
const QString kOtherSystemPrefix = QStringLiteral("urn:fusioncoder:code-system:");
const QString kIcd10Cm = QStringLiteral("http://hl7.org/fhir/sid/icd-10-cm");
const QString kIcd9Cm = QStringLiteral("http://hl7.org/fhir/sid/icd-9-cm");
const QString kIcd10Pcs = QStringLiteral("http://www.cms.gov/Medicare/Coding/ICD10");
const QString kOnAdmissionSystem =
    QStringLiteral("http://terminology.hl7.org/CodeSystem/ex-diagnosis-on-admission");
const QString kDiagnosisTypeSystem = QStringLiteral("http://terminology.hl7.org/CodeSystem/ex-diagnosistype");

QString systemUri(const QString& system) {
    if (system == QLatin1String("icd-10-cm"))
        return kIcd10Cm;
    if (system == QLatin1String("icd-9-cm") || system == QLatin1String("icd-9-pcs"))
        return kIcd9Cm;
    if (system == QLatin1String("icd-10-pcs"))
        return kIcd10Pcs;
    return kOtherSystemPrefix + system;
}

QString systemFromUri(const QString& uri, bool procedure) {
    if (uri == kIcd10Cm)
        return QStringLiteral("icd-10-cm");
    if (uri == kIcd9Cm)
        return procedure ? QStringLiteral("icd-9-pcs") : QStringLiteral("icd-9-cm");
    if (uri == kIcd10Pcs)
        return QStringLiteral("icd-10-pcs");
    if (uri.startsWith(kOtherSystemPrefix))
        return uri.mid(kOtherSystemPrefix.size());
    return uri;
}

QString idOf(const QUuid& uuid) {
    return uuid.toString(QUuid::WithoutBraces);
}

QJsonObject coding(const QString& system, const QString& code, const QString& display = QString()) {
    QJsonObject c{{QStringLiteral("system"), system}, {QStringLiteral("code"), code}};
    if (!display.isEmpty())
        c.insert(QStringLiteral("display"), display);
    return c;
}

QJsonObject concept(const QJsonObject& coding) {
    return QJsonObject{{QStringLiteral("coding"), QJsonArray{coding}}};
}

QJsonObject displayReference(const QString& display) {
    return QJsonObject{{QStringLiteral("display"), display}};
}

QJsonObject extension(const QString& url, const char* valueType, const QJsonValue& value) {
    return QJsonObject{{QStringLiteral("url"), url}, {QLatin1String(valueType), value}};
}

void appendString(QJsonArray& extensions, const char* url, const QString& value,
                  const char* type = "valueString") {
    if (!value.isEmpty())
        extensions.append(extension(QLatin1String(url), type, value));
}

QJsonObject entryExtension(const CodedEntry& e) {
    QJsonArray parts;
    parts.append(extension(QStringLiteral("sequence"), "valueInteger", e.sequence));
    appendString(parts, "role", e.role, "valueCode");
    appendString(parts, "decision", e.decision, "valueCode");
    if (e.confidence >= 0.0)
        parts.append(extension(QStringLiteral("confidence"), "valueDecimal", e.confidence));
    appendString(parts, "modelVersion", e.modelVersion);
    appendString(parts, "decidedBy", e.decidedBy);
    appendString(parts, "decidedAt", e.decidedAt, "valueDateTime");
    for (const EvidenceOffsets& span : e.evidence) {
        parts.append(
            QJsonObject{{QStringLiteral("url"), QStringLiteral("evidence")},
                        {QStringLiteral("extension"),
                         QJsonArray{extension(QStringLiteral("begin"), "valueInteger", span.begin),
                                    extension(QStringLiteral("end"), "valueInteger", span.end),
                                    extension(QStringLiteral("weight"), "valueDecimal", span.weight)}}});
    }
    return QJsonObject{{QStringLiteral("url"), kEntryExtension}, {QStringLiteral("extension"), parts}};
}

QJsonObject exportMeta(const CodedChart& chart) {
    QJsonArray parts;
    parts.append(extension(QStringLiteral("noteId"), "valueString", QString::number(chart.noteId)));
    appendString(parts, "noteSource", chart.source);
    appendString(parts, "exportedBy", chart.exportedBy);
    appendString(parts, "application", chart.application);
    appendString(parts, "applicationVersion", chart.applicationVersion);
    return QJsonObject{
        {QStringLiteral("extension"), QJsonArray{QJsonObject{{QStringLiteral("url"), kExportExtension},
                                                             {QStringLiteral("extension"), parts}}}}};
}

// Identifies the chart's note; a chart without a hash gets "unknown" (FHIR forbids empty values, and the
// identifier marks a Bundle as one chart).
QJsonObject noteIdentifier(const CodedChart& chart) {
    return QJsonObject{
        {QStringLiteral("system"), kNoteShaSystem},
        {QStringLiteral("value"), chart.noteSha256.isEmpty() ? kUnknownNote : chart.noteSha256}};
}

QJsonObject subject(const CodedChart& chart) {
    if (chart.noteSha256.isEmpty())
        return displayReference(QStringLiteral("unidentified patient"));
    return displayReference(QStringLiteral("unidentified patient of note %1").arg(chart.noteSha256.left(12)));
}

QJsonObject codeConcept(const CodedEntry& e) {
    return concept(coding(systemUri(e.system), e.code, e.description));
}

QJsonObject conditionResource(const CodedChart& chart, const CodedEntry& e) {
    QJsonArray extensions{entryExtension(e)};
    if (!e.poa.isEmpty())
        extensions.append(extension(kPoaExtension, "valueCode", e.poa));
    QJsonObject r{
        {QStringLiteral("resourceType"), QStringLiteral("Condition")},
        {QStringLiteral("id"), idOf(entryUuid(chart, e))},
        {QStringLiteral("extension"), extensions},
        {QStringLiteral("verificationStatus"),
         concept(coding(QStringLiteral("http://terminology.hl7.org/CodeSystem/condition-ver-status"),
                        QStringLiteral("confirmed"), QStringLiteral("Confirmed")))},
        {QStringLiteral("category"),
         QJsonArray{
             concept(coding(QStringLiteral("http://terminology.hl7.org/CodeSystem/condition-category"),
                            QStringLiteral("encounter-diagnosis"), QStringLiteral("Encounter Diagnosis")))}},
        {QStringLiteral("code"), codeConcept(e)},
        {QStringLiteral("subject"), subject(chart)},
    };
    if (!e.decidedAt.isEmpty())
        r.insert(QStringLiteral("recordedDate"), e.decidedAt);
    if (!e.decidedBy.isEmpty())
        r.insert(QStringLiteral("recorder"), displayReference(e.decidedBy));
    return r;
}

QJsonObject procedureResource(const CodedChart& chart, const CodedEntry& e) {
    QJsonObject r{
        {QStringLiteral("resourceType"), QStringLiteral("Procedure")},
        {QStringLiteral("id"), idOf(entryUuid(chart, e))},
        {QStringLiteral("extension"), QJsonArray{entryExtension(e)}},
        {QStringLiteral("status"), QStringLiteral("completed")},
        {QStringLiteral("code"), codeConcept(e)},
        {QStringLiteral("subject"), subject(chart)},
    };
    if (!e.decidedBy.isEmpty())
        r.insert(QStringLiteral("recorder"), displayReference(e.decidedBy));
    return r;
}

QJsonObject bundleResource(const CodedChart& chart) {
    QJsonArray entries;
    for (const CodedEntry& e : chart.entries) {
        entries.append(
            QJsonObject{{QStringLiteral("fullUrl"), QStringLiteral("urn:uuid:") + idOf(entryUuid(chart, e))},
                        {QStringLiteral("resource"),
                         e.isProcedure() ? procedureResource(chart, e) : conditionResource(chart, e)}});
    }
    QJsonObject r{
        {QStringLiteral("resourceType"), QStringLiteral("Bundle")},
        {QStringLiteral("id"), idOf(chartUuid(chart))},
        {QStringLiteral("meta"), exportMeta(chart)},
        {QStringLiteral("identifier"), noteIdentifier(chart)},
        {QStringLiteral("type"), QStringLiteral("collection")},
    };
    if (!entries.isEmpty())
        r.insert(QStringLiteral("entry"), entries);
    if (!chart.exportedAt.isEmpty())
        r.insert(QStringLiteral("timestamp"), chart.exportedAt);
    return r;
}

QJsonObject onAdmission(const QString& poa) {
    if (poa == QLatin1String("1"))
    return concept(coding(kPoaExemptSystem, poa, QStringLiteral("Exempt from POA reporting")));
    return concept(coding(kOnAdmissionSystem, poa.toLower()));
}

QJsonObject claimResource(const CodedChart& chart) {
    QJsonArray diagnoses;
    QJsonArray procedures;
    for (const CodedEntry& e : chart.entries) {
        if (e.isProcedure()) {
            procedures.append(QJsonObject{{QStringLiteral("extension"), QJsonArray{entryExtension(e)}},
                                          {QStringLiteral("sequence"), e.sequence},
                                          {QStringLiteral("procedureCodeableConcept"), codeConcept(e)}});
            continue;
        }
        QJsonObject d{{QStringLiteral("extension"), QJsonArray{entryExtension(e)}},
                      {QStringLiteral("sequence"), e.sequence},
                      {QStringLiteral("diagnosisCodeableConcept"), codeConcept(e)}};
        if (e.role == QLatin1String("principal"))
            d.insert(QStringLiteral("type"),
                     QJsonArray{concept(coding(kDiagnosisTypeSystem, QStringLiteral("principal")))});
        if (!e.poa.isEmpty())
            d.insert(QStringLiteral("onAdmission"), onAdmission(e.poa));
        diagnoses.append(d);
    }
    QJsonObject r{
        {QStringLiteral("resourceType"), QStringLiteral("Claim")},
        {QStringLiteral("id"), idOf(chartUuid(chart))},
        {QStringLiteral("meta"), exportMeta(chart)},
        {QStringLiteral("identifier"), QJsonArray{noteIdentifier(chart)}},
        {QStringLiteral("status"), QStringLiteral("draft")},
        {QStringLiteral("type"),
         concept(coding(QStringLiteral("http://terminology.hl7.org/CodeSystem/claim-type"),
                        QStringLiteral("institutional")))},
        {QStringLiteral("use"), QStringLiteral("claim")},
        {QStringLiteral("patient"), subject(chart)},
        {QStringLiteral("provider"), displayReference(QStringLiteral("unspecified provider"))},
        {QStringLiteral("priority"),
         concept(coding(QStringLiteral("http://terminology.hl7.org/CodeSystem/processpriority"),
                        QStringLiteral("normal")))},
        {QStringLiteral("insurance"),
         QJsonArray{QJsonObject{
             {QStringLiteral("sequence"), 1},
             {QStringLiteral("focal"), true},
             {QStringLiteral("coverage"), displayReference(QStringLiteral("unspecified coverage"))}}}},
    };
    if (!chart.exportedAt.isEmpty())
        r.insert(QStringLiteral("created"), chart.exportedAt);
    if (!diagnoses.isEmpty())
        r.insert(QStringLiteral("diagnosis"), diagnoses);
    if (!procedures.isEmpty())
        r.insert(QStringLiteral("procedure"), procedures);
    return r;
}

QJsonObject chartResource(const CodedChart& chart, FhirShape shape) {
    return shape == FhirShape::Claim ? claimResource(chart) : bundleResource(chart);
}

// ---- import ----

// The first element of `array` as an object; empty object when the array is empty.
QJsonObject firstObject(const QJsonArray& array) {
    return array.isEmpty() ? QJsonObject() : array.at(0).toObject();
}

// The extension with this url in `element`'s "extension" array; empty object when absent.
QJsonObject findExtension(const QJsonObject& element, const QString& url) {
    for (const QJsonValue& v : element.value(QStringLiteral("extension")).toArray()) {
        if (v.toObject().value(QStringLiteral("url")).toString() == url)
            return v.toObject();
    }
    return QJsonObject();
}

// The value of a simple extension, whatever its value[x] type.
QJsonValue extensionValue(const QJsonObject& ext) {
    for (auto it = ext.begin(); it != ext.end(); ++it) {
        if (it.key().startsWith(QLatin1String("value")))
            return it.value();
    }
    return QJsonValue();
}

struct Reader {
    QString* error;
    QString where;
    bool failed = false;
    void fail(const QString& what) {
        if (!failed)
            *error = QStringLiteral("FHIR %1: %2").arg(where, what);
        failed = true;
    }
};

// Reads our coded-entry extension into `e`. When present it is authoritative: the defaults the caller derived
// from the resource (sequence from the order, role from the resource type) are replaced, and a role the
// export left empty stays empty.
void readEntryExtension(const QJsonObject& element, CodedEntry& e, Reader& reader) {
    const QJsonObject ext = findExtension(element, kEntryExtension);
    if (ext.isEmpty())
        return;
    e.role.clear();
    for (const QJsonValue& v : ext.value(QStringLiteral("extension")).toArray()) {
        const QJsonObject part = v.toObject();
        const QString url = part.value(QStringLiteral("url")).toString();
        const QJsonValue value = extensionValue(part);
        if (url == QLatin1String("sequence"))
            e.sequence = value.toInt();
        else if (url == QLatin1String("role"))
            e.role = value.toString();
        else if (url == QLatin1String("decision"))
            e.decision = value.toString();
        else if (url == QLatin1String("confidence")) {
            if (!value.isDouble())
                reader.fail(QStringLiteral("coded-entry confidence is not a decimal"));
            e.confidence = value.toDouble();
        } else if (url == QLatin1String("modelVersion"))
            e.modelVersion = value.toString();
        else if (url == QLatin1String("decidedBy"))
            e.decidedBy = value.toString();
        else if (url == QLatin1String("decidedAt"))
            e.decidedAt = value.toString();
        else if (url == QLatin1String("evidence")) {
            EvidenceOffsets span;
            int found = 0;
            for (const QJsonValue& sv : part.value(QStringLiteral("extension")).toArray()) {
                const QJsonObject sp = sv.toObject();
                const QString name = sp.value(QStringLiteral("url")).toString();
                const QJsonValue spanValue = extensionValue(sp);
                if (!spanValue.isDouble())
                    continue;
                if (name == QLatin1String("begin"))
                    span.begin = spanValue.toInteger(), ++found;
                else if (name == QLatin1String("end"))
                    span.end = spanValue.toInteger(), ++found;
                else if (name == QLatin1String("weight"))
                    span.weight = spanValue.toDouble(), ++found;
            }
            if (found != 3)
                reader.fail(QStringLiteral("coded-entry evidence needs begin, end and weight"));
            e.evidence.append(span);
        }
    }
}

void readCode(const QJsonObject& concept, bool procedure, CodedEntry& e, Reader& reader) {
    const QJsonArray codings = concept.value(QStringLiteral("coding")).toArray();
    if (codings.isEmpty()) {
        reader.fail(QStringLiteral("no coding"));
        return;
    }
    const QJsonObject c = firstObject(codings);
    e.code = c.value(QStringLiteral("code")).toString();
    e.system = systemFromUri(c.value(QStringLiteral("system")).toString(), procedure);
    e.description = c.value(QStringLiteral("display")).toString();
    if (e.code.isEmpty())
        reader.fail(QStringLiteral("coding without code"));
}

void readChartHeader(const QJsonObject& resource, const QJsonObject& identifier, CodedChart& chart) {
    const QString sha = identifier.value(QStringLiteral("system")).toString() == kNoteShaSystem
                            ? identifier.value(QStringLiteral("value")).toString()
                            : QString();
    chart.noteSha256 = sha == kUnknownNote ? QString() : sha;
    const QJsonObject ext =
        findExtension(resource.value(QStringLiteral("meta")).toObject(), kExportExtension);
    for (const QJsonValue& v : ext.value(QStringLiteral("extension")).toArray()) {
        const QString url = v.toObject().value(QStringLiteral("url")).toString();
        const QString value = extensionValue(v.toObject()).toString();
        if (url == QLatin1String("noteId"))
            chart.noteId = value.toLongLong();
        else if (url == QLatin1String("noteSource"))
            chart.source = value;
        else if (url == QLatin1String("exportedBy"))
            chart.exportedBy = value;
        else if (url == QLatin1String("application"))
            chart.application = value;
        else if (url == QLatin1String("applicationVersion"))
            chart.applicationVersion = value;
    }
}

std::optional<CodedChart> chartFromBundle(const QJsonObject& bundle, Reader& reader) {
    CodedChart chart;
    readChartHeader(bundle, bundle.value(QStringLiteral("identifier")).toObject(), chart);
    chart.exportedAt = bundle.value(QStringLiteral("timestamp")).toString();
    const QJsonArray entries = bundle.value(QStringLiteral("entry")).toArray();
    int diagnoses = 0;
    int procedures = 0;
    for (int i = 0; i < entries.size(); ++i) {
        reader.where = QStringLiteral("Bundle.entry[%1]").arg(i);
        const QJsonObject r = entries.at(i).toObject().value(QStringLiteral("resource")).toObject();
        const QString type = r.value(QStringLiteral("resourceType")).toString();
        const bool procedure = type == QLatin1String("Procedure");
        if (!procedure && type != QLatin1String("Condition")) {
            reader.fail(QStringLiteral("resourceType '%1' is neither Condition nor Procedure").arg(type));
            return std::nullopt;
        }
        CodedEntry e;
        e.sequence = procedure ? ++procedures : ++diagnoses;
        e.role = procedure ? QStringLiteral("procedure") : QStringLiteral("secondary");
        readCode(r.value(QStringLiteral("code")).toObject(), procedure, e, reader);
        readEntryExtension(r, e, reader);
        if (!procedure)
            e.poa = extensionValue(findExtension(r, kPoaExtension)).toString();
        if (reader.failed)
            return std::nullopt;
        chart.entries.append(e);
    }
    return chart;
}

std::optional<CodedChart> chartFromClaim(const QJsonObject& claim, Reader& reader) {
    CodedChart chart;
    readChartHeader(claim, firstObject(claim.value(QStringLiteral("identifier")).toArray()), chart);
    chart.exportedAt = claim.value(QStringLiteral("created")).toString();
    const QJsonArray diagnoses = claim.value(QStringLiteral("diagnosis")).toArray();
    for (int i = 0; i < diagnoses.size(); ++i) {
        reader.where = QStringLiteral("Claim.diagnosis[%1]").arg(i);
        const QJsonObject d = diagnoses.at(i).toObject();
        CodedEntry e;
        e.sequence = d.value(QStringLiteral("sequence")).toInt();
        const QJsonObject type = firstObject(
            firstObject(d.value(QStringLiteral("type")).toArray()).value(QStringLiteral("coding")).toArray());
        e.role = type.value(QStringLiteral("code")).toString() == QLatin1String("principal")
                     ? QStringLiteral("principal")
                     : QStringLiteral("secondary");
        readCode(d.value(QStringLiteral("diagnosisCodeableConcept")).toObject(), false, e, reader);
        readEntryExtension(d, e, reader);
        const QJsonObject poa = firstObject(
            d.value(QStringLiteral("onAdmission")).toObject().value(QStringLiteral("coding")).toArray());
        e.poa = poa.value(QStringLiteral("code")).toString().toUpper();
        if (reader.failed)
            return std::nullopt;
        chart.entries.append(e);
    }
    const QJsonArray procedures = claim.value(QStringLiteral("procedure")).toArray();
    for (int i = 0; i < procedures.size(); ++i) {
        reader.where = QStringLiteral("Claim.procedure[%1]").arg(i);
        const QJsonObject p = procedures.at(i).toObject();
        CodedEntry e;
        e.sequence = p.value(QStringLiteral("sequence")).toInt();
        e.role = QStringLiteral("procedure");
        readCode(p.value(QStringLiteral("procedureCodeableConcept")).toObject(), true, e, reader);
        readEntryExtension(p, e, reader);
        if (reader.failed)
            return std::nullopt;
        chart.entries.append(e);
    }
    return chart;
}

std::optional<CodedChart> chartFromResource(const QJsonObject& resource, Reader& reader) {
    const QString type = resource.value(QStringLiteral("resourceType")).toString();
    if (type == QLatin1String("Bundle"))
        return chartFromBundle(resource, reader);
    if (type == QLatin1String("Claim"))
        return chartFromClaim(resource, reader);
    reader.fail(QStringLiteral("resourceType '%1' is neither Bundle nor Claim").arg(type));
    return std::nullopt;
}

// A collection of charts: a Bundle whose entries are Bundles or Claims.
bool isChartCollection(const QJsonObject& bundle) {
    const QJsonArray entries = bundle.value(QStringLiteral("entry")).toArray();
    if (entries.isEmpty())
        return bundle.value(QStringLiteral("identifier"))
                   .toObject()
                   .value(QStringLiteral("system"))
                   .toString() != kNoteShaSystem;
    const QString type = firstObject(entries)
                             .value(QStringLiteral("resource"))
                             .toObject()
                             .value(QStringLiteral("resourceType"))
                             .toString();
    return type == QLatin1String("Bundle") || type == QLatin1String("Claim");
}

} // namespace

QByteArray toFhir(const CodedChart& chart, FhirShape shape) {
    return QJsonDocument(chartResource(chart, shape)).toJson(QJsonDocument::Indented);
}

QByteArray toFhir(const QVector<CodedChart>& charts, FhirShape shape) {
    QJsonArray entries;
    QCryptographicHash ids(QCryptographicHash::Sha256);
    for (const CodedChart& chart : charts) {
        const QString id = idOf(chartUuid(chart));
        ids.addData(id.toUtf8());
        entries.append(QJsonObject{{QStringLiteral("fullUrl"), QStringLiteral("urn:uuid:") + id},
                                   {QStringLiteral("resource"), chartResource(chart, shape)}});
    }
    QJsonObject bundle{
        {QStringLiteral("resourceType"), QStringLiteral("Bundle")},
        {QStringLiteral("id"), idOf(QUuid::fromRfc4122(ids.result().left(16)))},
        {QStringLiteral("type"), QStringLiteral("collection")},
    };
    if (!entries.isEmpty())
        bundle.insert(QStringLiteral("entry"), entries);
    return QJsonDocument(bundle).toJson(QJsonDocument::Indented);
}

namespace exportdetail {

std::optional<QVector<CodedChart>> chartsFromFhir(const QJsonObject& root, QString* error) {
    Reader reader{error, QStringLiteral("resource")};
    QVector<CodedChart> charts;
    if (root.value(QStringLiteral("resourceType")).toString() == QLatin1String("Bundle") &&
        isChartCollection(root)) {
        const QJsonArray entries = root.value(QStringLiteral("entry")).toArray();
        for (int i = 0; i < entries.size(); ++i) {
            reader.where = QStringLiteral("Bundle.entry[%1]").arg(i);
            const auto chart = chartFromResource(
                entries.at(i).toObject().value(QStringLiteral("resource")).toObject(), reader);
            if (!chart) {
                *error = QStringLiteral("%1 (chart %2 of the collection)").arg(*error).arg(i + 1);
                return std::nullopt;
            }
            charts.append(*chart);
        }
        return charts;
    }
    const auto chart = chartFromResource(root, reader);
    if (!chart)
        return std::nullopt;
    charts.append(*chart);
    return charts;
}

} // namespace exportdetail

} // namespace fc
