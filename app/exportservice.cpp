// Chart model, format names, shared helpers of the serialisers, and building a chart from storage.
#include "chartstorage.h"
#include "exportservice.h"

#include "codecatalog.h"
#include "export_internal.h"

#include <QLocale>

#include <algorithm>
#include <climits>

namespace fc {

bool CodedEntry::operator==(const CodedEntry& o) const {
    return sequence == o.sequence && code == o.code && system == o.system && description == o.description &&
           role == o.role && poa == o.poa && confidence == o.confidence && evidence == o.evidence &&
           decision == o.decision && modelVersion == o.modelVersion && decidedBy == o.decidedBy &&
           decidedAt == o.decidedAt;
}

bool CodedChart::operator==(const CodedChart& o) const {
    return noteId == o.noteId && noteSha256 == o.noteSha256 && source == o.source &&
           exportedAt == o.exportedAt && exportedBy == o.exportedBy && application == o.application &&
           applicationVersion == o.applicationVersion && entries == o.entries;
}

std::optional<ExportFormat> exportFormatFromString(const QString& name) {
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("csv"))
        return ExportFormat::Csv;
    if (n == QLatin1String("json"))
        return ExportFormat::Json;
    if (n == QLatin1String("fhir") || n == QLatin1String("fhir-bundle"))
        return ExportFormat::FhirBundle;
    if (n == QLatin1String("fhir-claim"))
        return ExportFormat::FhirClaim;
    return std::nullopt;
}

QString fileSuffix(ExportFormat format) {
    switch (format) {
    case ExportFormat::Csv:
        return QStringLiteral("csv");
    case ExportFormat::Json:
        return QStringLiteral("json");
    case ExportFormat::FhirBundle:
    case ExportFormat::FhirClaim:
        return QStringLiteral("fhir.json");
    }
    return QString();
}

QByteArray serialize(const CodedChart& chart, ExportFormat format) {
    switch (format) {
    case ExportFormat::Csv:
        return toCsv(chart);
    case ExportFormat::Json:
        return toJson(chart);
    case ExportFormat::FhirBundle:
        return toFhir(chart, FhirShape::Bundle);
    case ExportFormat::FhirClaim:
        return toFhir(chart, FhirShape::Claim);
    }
    return QByteArray();
}

QByteArray serialize(const QVector<CodedChart>& charts, ExportFormat format) {
    switch (format) {
    case ExportFormat::Csv:
        return toCsv(charts);
    case ExportFormat::Json:
        return toJson(charts);
    case ExportFormat::FhirBundle:
        return toFhir(charts, FhirShape::Bundle);
    case ExportFormat::FhirClaim:
        return toFhir(charts, FhirShape::Claim);
    }
    return QByteArray();
}

namespace exportdetail {

QString formatNumber(double value) {
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

std::optional<double> parseNumber(const QString& text) {
    bool ok = false;
    const double value = text.trimmed().toDouble(&ok);
    if (!ok || text.trimmed().isEmpty())
        return std::nullopt;
    return value;
}

bool isProcedureSystem(const QString& system) {
    return system == QLatin1String("icd-10-pcs") || system == QLatin1String("icd-9-pcs");
}

bool isDiagnosisSystem(const QString& system) {
    return system == QLatin1String("icd-10-cm") || system == QLatin1String("icd-9-cm");
}

bool isValidPoa(const QString& poa) {
    static const QStringList valid{QString(),           QStringLiteral("Y"), QStringLiteral("N"),
                                   QStringLiteral("U"), QStringLiteral("W"), QStringLiteral("1")};
    return valid.contains(poa);
}

namespace {
// Namespace of fusioncoder's UUIDv5 ids (a fixed random UUID; changing it changes every exported id).
const QUuid kIdNamespace(QStringLiteral("{4f1c7a52-9d3e-4b8a-a6e1-2c5d0b7f93e4}"));
} // namespace

QUuid chartUuid(const CodedChart& chart) {
    return QUuid::createUuidV5(kIdNamespace,
                               QStringLiteral("chart/%1/%2").arg(chart.noteSha256).arg(chart.noteId));
}

QUuid entryUuid(const CodedChart& chart, const CodedEntry& entry) {
    return QUuid::createUuidV5(kIdNamespace, QStringLiteral("entry/%1/%2/%3/%4")
                                                 .arg(chart.noteSha256)
                                                 .arg(chart.noteId)
                                                 .arg(entry.system, entry.code));
}

} // namespace exportdetail

CodedChart chartFromDecisions(const storage::NoteRecord& note,
                              const std::vector<storage::DecisionRecord>& decisions,
                              const std::optional<storage::AnalysisRecord>& latestAnalysis,
                              const CodeCatalog* catalog) {
    using exportdetail::isProcedureSystem;
    CodedChart chart;
    chart.noteId = note.id;
    chart.noteSha256 = QString::fromStdString(note.sha256);
    chart.source = QString::fromStdString(note.source);
    chart.exportedAt = QString::fromStdString(storage::currentUtcTimestamp());
    chart.exportedBy = QString::fromStdString(storage::currentOsUser());
    chart.application = QStringLiteral("fusioncoder");
    chart.applicationVersion = QStringLiteral(FC_VERSION);

    std::vector<const storage::DecisionRecord*> diagnoses;
    std::vector<const storage::DecisionRecord*> procedures;
    for (const storage::DecisionRecord& d : decisions) {
        if (d.kind != storage::DecisionKind::Accepted && d.kind != storage::DecisionKind::Added)
            continue;
        (isProcedureSystem(QString::fromStdString(d.system)) ? procedures : diagnoses).push_back(&d);
    }
    // Sequenced codes (stored sequence >= 1) by sequence, then the unsequenced ones, each in input order.
    const auto bySequence = [](const storage::DecisionRecord* a, const storage::DecisionRecord* b) {
        const int sa = a->sequence > 0 ? a->sequence : INT_MAX;
        const int sb = b->sequence > 0 ? b->sequence : INT_MAX;
        return sa < sb;
    };
    std::stable_sort(diagnoses.begin(), diagnoses.end(), bySequence);
    std::stable_sort(procedures.begin(), procedures.end(), bySequence);
    const int principalSequence =
        diagnoses.empty() || diagnoses.front()->sequence <= 0 ? -1 : diagnoses.front()->sequence;

    const auto evidenceOf = [&](const storage::DecisionRecord& d) {
        QVector<EvidenceOffsets> evidence;
        if (d.kind != storage::DecisionKind::Accepted || !latestAnalysis)
            return evidence;
        if (!d.modelVersion.empty() && d.modelVersion != latestAnalysis->modelVersion)
            return evidence; // the spans would come from another model than the score the coder saw
        for (const storage::SuggestionRecord& s : latestAnalysis->suggestions) {
            if (s.code != d.code || s.system != d.system)
                continue;
            for (const storage::SpanRecord& span : s.evidence)
                evidence.append({span.begin, span.end, span.weight});
            break;
        }
        return evidence;
    };
    const auto append = [&](const storage::DecisionRecord& d, int sequence, const QString& role) {
        CodedEntry e;
        e.sequence = sequence;
        e.code = QString::fromStdString(d.code);
        e.system = QString::fromStdString(d.system);
        if (catalog) {
            if (const auto entry = catalog->lookup(e.system, e.code))
                e.description = codeDescription(*entry);
        }
        e.role = role;
        e.poa = QString::fromStdString(d.poa);
        e.confidence = d.score < 0.0 ? -1.0 : d.score;
        e.evidence = evidenceOf(d);
        e.decision = QString::fromStdString(storage::toString(d.kind));
        e.modelVersion = QString::fromStdString(d.modelVersion);
        e.decidedBy = QString::fromStdString(d.who);
        e.decidedAt = QString::fromStdString(d.decidedAt);
        chart.entries.append(e);
    };
    int sequence = 0;
    for (const storage::DecisionRecord* d : diagnoses) {
        const bool principal = principalSequence > 0 && d->sequence == principalSequence;
        append(*d, ++sequence, principal ? QStringLiteral("principal") : QStringLiteral("secondary"));
    }
    sequence = 0;
    for (const storage::DecisionRecord* d : procedures)
        append(*d, ++sequence, QStringLiteral("procedure"));
    return chart;
}

std::optional<CodedChart> loadChart(storage::Database& db, qint64 noteId, const CodeCatalog* catalog) {
    const std::optional<storage::NoteRecord> note = storage::NoteRepository(db).find(noteId);
    if (!note)
        return std::nullopt;
    return chartFromDecisions(*note, storage::DecisionRepository(db).currentForNote(noteId),
                              storage::AnalysisRepository(db).latestForNote(noteId), catalog);
}

} // namespace fc
