// JSON export and import.
//
// One chart (UTF-8, indented, members in alphabetical order as QJsonDocument writes them):
//   {"format": "fusioncoder-coded-chart", "format_version": 1,
//    "note": {"id": 42, "sha256": "<hex>", "source": "pasted"},
//    "exported_at": "2024-05-01T12:34:56.789Z", "exported_by": "coder",
//    "application": {"name": "fusioncoder", "version": "0.1.0"},
//    "entries": [{"sequence": 1, "system": "icd-10-cm", "code": "N44.8", "description": "...",
//                 "role": "principal", "poa": "Y", "confidence": 0.93,
//                 "evidence": [{"begin": 120, "end": 164, "weight": 0.31}],
//                 "decision": "accepted", "model_version": "...", "decided_by": "coder",
//                 "decided_at": "2024-05-01T12:30:00.000Z"}]}
// "confidence" is null for codes added by the coder; entries are diagnoses by sequence, then procedures.
// Several charts: {"format": "fusioncoder-coded-charts", "format_version": 1, "charts": [<chart>, ...]}.
// Offsets are code points into the note's text, half-open; numbers read back as the same doubles.
#include "export_internal.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace fc {

namespace {

using namespace exportdetail;

QJsonObject chartObject(const CodedChart& chart) {
    QJsonArray entries;
    for (const CodedEntry& e : chart.entries) {
        QJsonArray evidence;
        for (const EvidenceOffsets& span : e.evidence)
            evidence.append(QJsonObject{{QStringLiteral("begin"), span.begin},
                                        {QStringLiteral("end"), span.end},
                                        {QStringLiteral("weight"), span.weight}});
        entries.append(QJsonObject{
            {QStringLiteral("sequence"), e.sequence},
            {QStringLiteral("system"), e.system},
            {QStringLiteral("code"), e.code},
            {QStringLiteral("description"), e.description},
            {QStringLiteral("role"), e.role},
            {QStringLiteral("poa"), e.poa},
            {QStringLiteral("confidence"),
             e.confidence < 0.0 ? QJsonValue(QJsonValue::Null) : QJsonValue(e.confidence)},
            {QStringLiteral("evidence"), evidence},
            {QStringLiteral("decision"), e.decision},
            {QStringLiteral("model_version"), e.modelVersion},
            {QStringLiteral("decided_by"), e.decidedBy},
            {QStringLiteral("decided_at"), e.decidedAt},
        });
    }
    return QJsonObject{
        {QStringLiteral("format"), QLatin1String(kJsonChartFormat)},
        {QStringLiteral("format_version"), kJsonFormatVersion},
        {QStringLiteral("note"), QJsonObject{{QStringLiteral("id"), chart.noteId},
                                             {QStringLiteral("sha256"), chart.noteSha256},
                                             {QStringLiteral("source"), chart.source}}},
        {QStringLiteral("exported_at"), chart.exportedAt},
        {QStringLiteral("exported_by"), chart.exportedBy},
        {QStringLiteral("application"), QJsonObject{{QStringLiteral("name"), chart.application},
                                                    {QStringLiteral("version"), chart.applicationVersion}}},
        {QStringLiteral("entries"), entries},
    };
}

// Reads member `name` of `object` as a string (absent = empty); false when present with another type.
bool readString(const QJsonObject& object, const char* name, QString* out) {
    const QJsonValue v = object.value(QLatin1String(name));
    if (v.isUndefined() || v.isNull()) {
        out->clear();
        return true;
    }
    if (!v.isString())
        return false;
    *out = v.toString();
    return true;
}

std::optional<CodedChart> chartFrom(const QJsonObject& o, const QString& where, QString* error) {
    const auto fail = [&](const QString& path) {
        *error = QStringLiteral("JSON %1%2: missing or of the wrong type").arg(where, path);
        return std::nullopt;
    };
    if (o.value(QStringLiteral("format")).toString() != QLatin1String(kJsonChartFormat))
        return fail(QStringLiteral(".format"));
    if (o.value(QStringLiteral("format_version")).toInt() != kJsonFormatVersion) {
        *error = QStringLiteral("JSON %1.format_version: %2 is not supported (this build reads %3)")
                     .arg(where)
                     .arg(o.value(QStringLiteral("format_version")).toInt())
                     .arg(kJsonFormatVersion);
        return std::nullopt;
    }
    CodedChart chart;
    const QJsonObject note = o.value(QStringLiteral("note")).toObject();
    if (!note.value(QStringLiteral("id")).isDouble())
        return fail(QStringLiteral(".note.id"));
    chart.noteId = note.value(QStringLiteral("id")).toInteger();
    if (!readString(note, "sha256", &chart.noteSha256))
        return fail(QStringLiteral(".note.sha256"));
    if (!readString(note, "source", &chart.source))
        return fail(QStringLiteral(".note.source"));
    if (!readString(o, "exported_at", &chart.exportedAt))
        return fail(QStringLiteral(".exported_at"));
    if (!readString(o, "exported_by", &chart.exportedBy))
        return fail(QStringLiteral(".exported_by"));
    const QJsonObject application = o.value(QStringLiteral("application")).toObject();
    if (!readString(application, "name", &chart.application))
        return fail(QStringLiteral(".application.name"));
    if (!readString(application, "version", &chart.applicationVersion))
        return fail(QStringLiteral(".application.version"));
    if (!o.value(QStringLiteral("entries")).isArray())
        return fail(QStringLiteral(".entries"));
    const QJsonArray entries = o.value(QStringLiteral("entries")).toArray();
    for (int i = 0; i < entries.size(); ++i) {
        const QString path = QStringLiteral(".entries[%1]").arg(i);
        if (!entries.at(i).isObject())
            return fail(path);
        const QJsonObject eo = entries.at(i).toObject();
        CodedEntry e;
        if (!eo.value(QStringLiteral("sequence")).isDouble())
            return fail(path + QStringLiteral(".sequence"));
        e.sequence = eo.value(QStringLiteral("sequence")).toInt();
        const std::pair<const char*, QString*> strings[] = {{"system", &e.system},
                                                            {"code", &e.code},
                                                            {"description", &e.description},
                                                            {"role", &e.role},
                                                            {"poa", &e.poa},
                                                            {"decision", &e.decision},
                                                            {"model_version", &e.modelVersion},
                                                            {"decided_by", &e.decidedBy},
                                                            {"decided_at", &e.decidedAt}};
        for (const auto& [name, target] : strings) {
            if (!readString(eo, name, target))
                return fail(path + QLatin1Char('.') + QLatin1String(name));
        }
        const QJsonValue confidence = eo.value(QStringLiteral("confidence"));
        if (confidence.isDouble())
            e.confidence = confidence.toDouble();
        else if (!confidence.isNull() && !confidence.isUndefined())
            return fail(path + QStringLiteral(".confidence"));
        const QJsonValue evidence = eo.value(QStringLiteral("evidence"));
        if (!evidence.isUndefined() && !evidence.isArray())
            return fail(path + QStringLiteral(".evidence"));
        const QJsonArray spans = evidence.toArray();
        for (int s = 0; s < spans.size(); ++s) {
            const QJsonObject so = spans.at(s).toObject();
            const QString spanPath = path + QStringLiteral(".evidence[%1]").arg(s);
            if (!so.value(QStringLiteral("begin")).isDouble() ||
                !so.value(QStringLiteral("end")).isDouble() || !so.value(QStringLiteral("weight")).isDouble())
                return fail(spanPath);
            e.evidence.append({so.value(QStringLiteral("begin")).toInteger(),
                               so.value(QStringLiteral("end")).toInteger(),
                               so.value(QStringLiteral("weight")).toDouble()});
        }
        chart.entries.append(e);
    }
    return chart;
}

} // namespace

QByteArray toJson(const CodedChart& chart) {
    return QJsonDocument(chartObject(chart)).toJson(QJsonDocument::Indented);
}

QByteArray toJson(const QVector<CodedChart>& charts) {
    QJsonArray array;
    for (const CodedChart& chart : charts)
        array.append(chartObject(chart));
    return QJsonDocument(QJsonObject{{QStringLiteral("format"), QLatin1String(kJsonChartsFormat)},
                                     {QStringLiteral("format_version"), kJsonFormatVersion},
                                     {QStringLiteral("charts"), array}})
        .toJson(QJsonDocument::Indented);
}

namespace exportdetail {

std::optional<QVector<CodedChart>> chartsFromJson(const QJsonObject& root, QString* error) {
    const QString format = root.value(QStringLiteral("format")).toString();
    if (format == QLatin1String(kJsonChartFormat)) {
        const auto chart = chartFrom(root, QString(), error);
        if (!chart)
            return std::nullopt;
        return QVector<CodedChart>{*chart};
    }
    if (format != QLatin1String(kJsonChartsFormat)) {
        *error = QStringLiteral("JSON .format: '%1' is neither %2 nor %3")
                     .arg(format, QLatin1String(kJsonChartFormat), QLatin1String(kJsonChartsFormat));
        return std::nullopt;
    }
    if (!root.value(QStringLiteral("charts")).isArray()) {
        *error = QStringLiteral("JSON .charts: missing or not an array");
        return std::nullopt;
    }
    QVector<CodedChart> charts;
    const QJsonArray array = root.value(QStringLiteral("charts")).toArray();
    for (int i = 0; i < array.size(); ++i) {
        const auto chart = chartFrom(array.at(i).toObject(), QStringLiteral(".charts[%1]").arg(i), error);
        if (!chart)
            return std::nullopt;
        charts.append(*chart);
    }
    return charts;
}

} // namespace exportdetail

} // namespace fc
