#pragma once
// Export and re-import of a chart's accepted code set: CSV, JSON and FHIR R4 (Bundle or Claim), and the
// validity checks a coder runs before exporting. Each format is specified at the top of its source file:
// export_csv.cpp, export_json.cpp, export_fhir.cpp. Everything a chart holds survives export -> fromExport()
// unchanged, in every format.
//
// Terms: a chart is one note's accepted code set. Diagnoses (systems icd-10-cm, icd-9-cm) and procedures
// (icd-10-pcs, icd-9-pcs) are sequenced separately, 1-based, as Claim.diagnosis.sequence and
// Claim.procedure.sequence are; the diagnosis with role "principal" comes first.
//
// Threading: every function here is reentrant and pure (no I/O, no globals); call them from any thread.
// Building a chart from the database is in chartstorage.h (this header needs no storage header).
#include <QByteArray>
#include <QString>
#include <QVector>

#include <optional>
#include <vector>

namespace fc {

class CodeCatalog;

// One evidence span of a code: code points into the note text, half-open [begin, end), attention weight.
struct EvidenceOffsets {
    qint64 begin = 0;
    qint64 end = 0;
    double weight = 0.0;
    bool operator==(const EvidenceOffsets& o) const {
        return begin == o.begin && end == o.end && weight == o.weight;
    }
    bool operator!=(const EvidenceOffsets& o) const { return !(*this == o); }
};

struct CodedEntry {
    int sequence = 0;         // 1-based position among the chart's diagnoses, or among its procedures
    QString code;             // canonical catalog form: "N44.8", "401.9", "38.93", "0DTJ4ZZ"
    QString system;           // "icd-10-cm", "icd-9-cm" (diagnoses), "icd-10-pcs", "icd-9-pcs" (procedures)
    QString description;      // official description from the catalog; may be empty
    QString role;             // "principal" or "secondary" for diagnoses, "procedure" for procedures
    QString poa;              // present on admission: "", "Y", "N", "U", "W", "1" (exempt)
    double confidence = -1.0; // model score shown when decided, in [0, 1]; -1 for codes added by the coder
    QVector<EvidenceOffsets>
        evidence;         // strongest first, as the analysis recorded them; empty for added codes
    QString decision;     // "accepted" or "added"
    QString modelVersion; // model that produced the suggestion; may be empty for added codes
    QString decidedBy;    // OS user name of the coder
    QString decidedAt;    // ISO 8601 UTC, e.g. "2024-05-01T12:34:56.789Z"

    bool isProcedure() const { return role == QLatin1String("procedure"); }
    bool operator==(const CodedEntry& o) const;
    bool operator!=(const CodedEntry& o) const { return !(*this == o); }
};

struct CodedChart {
    qint64 noteId = 0;           // row id in the database the chart was exported from
    QString noteSha256;          // hex SHA-256 of the note's UTF-8 text: the offsets refer to that text
    QString source;              // where the note came from: file path, "clipboard", "pasted"
    QString exportedAt;          // ISO 8601 UTC
    QString exportedBy;          // OS user name
    QString application;         // "fusioncoder"
    QString applicationVersion;  // e.g. "0.1.0"
    QVector<CodedEntry> entries; // diagnoses by sequence, then procedures by sequence

    bool operator==(const CodedChart& o) const;
    bool operator!=(const CodedChart& o) const { return !(*this == o); }
};

enum class ExportFormat { Csv, Json, FhirBundle, FhirClaim };
// "csv", "json", "fhir" (= Bundle), "fhir-bundle", "fhir-claim"; nullopt for anything else.
std::optional<ExportFormat> exportFormatFromString(const QString& name);
QString fileSuffix(ExportFormat format); // "csv", "json", "fhir.json"

enum class FhirShape { Bundle, Claim };

// Serialisers. Output is UTF-8, deterministic for a given chart (FHIR ids are UUIDv5 of note and code).
// A list of several charts goes into one file: CSV rows of every chart under one header, a JSON object with
// "charts", a FHIR collection Bundle whose entries are the charts' Bundles or Claims.
QByteArray toCsv(const CodedChart& chart);
QByteArray toCsv(const QVector<CodedChart>& charts);
QByteArray toJson(const CodedChart& chart);
QByteArray toJson(const QVector<CodedChart>& charts);
QByteArray toFhir(const CodedChart& chart, FhirShape shape = FhirShape::Bundle);
QByteArray toFhir(const QVector<CodedChart>& charts, FhirShape shape = FhirShape::Bundle);
QByteArray serialize(const CodedChart& chart, ExportFormat format);           // the single-chart form
QByteArray serialize(const QVector<CodedChart>& charts, ExportFormat format); // the several-charts form

// Re-import: detects the format (the CSV header row, our JSON "format" member, FHIR "resourceType") and
// restores every chart. A CSV file without rows holds no chart (a chart without codes has no CSV row; JSON
// and FHIR keep it). On malformed input returns an empty list and sets *error to one line saying what and
// where (row/line, entry index or JSON path).
QVector<CodedChart> chartsFromExport(const QByteArray& data, QString* error = nullptr);
// The same for a file holding one chart: more than one is an error, none (a CSV header alone) gives an empty
// CodedChart without error.
CodedChart fromExport(const QByteArray& data, QString* error = nullptr);

// Validity checks before export (codevalidation.cpp lists every issue code).
struct ValidationIssue {
    enum Severity { Error, Warning };
    Severity severity = Error;
    QString code;    // stable identifier: "unknown-code", "header-code", "duplicate-code", ...
    QString message; // one line for the coder, naming the code
    int entry = -1;  // index into CodedChart::entries; -1 for the chart as a whole
};
// Errors: unknown system, code not in its catalog, duplicate code, no or several principal diagnoses,
// principal not first, bad POA, POA on a procedure, role not matching the system, diagnoses of both ICD-9-CM
// and ICD-10-CM (or procedures not of the diagnoses' revision), sequences not 1..n, unknown decision,
// confidence outside [0, 1], evidence span with end < begin. Warnings: header (non-billable) code, and a
// system whose catalog is not loaded (code then unchecked).
QVector<ValidationIssue> validate(const CodedChart& chart, const CodeCatalog* catalog);
bool hasErrors(const QVector<ValidationIssue>& issues);

} // namespace fc
