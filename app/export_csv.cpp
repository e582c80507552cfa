// CSV export and import.
//
// Format: UTF-8 without byte order mark (one is accepted on import), RFC 4180: records end with CRLF, a field
// holding a comma, a double quote, CR or LF is enclosed in double quotes and its quotes doubled. The first
// record is the header; one record per code, the charts one after another (rows of a chart are contiguous).
// Columns, in this order (import finds them by name and ignores unknown columns):
//   note_id          database row id of the note
//   note_sha256      hex SHA-256 of the note's UTF-8 text (the offsets refer to that text)
//   sequence         1-based position among the chart's diagnoses, or among its procedures
//   system           icd-10-cm | icd-9-cm | icd-10-pcs | icd-9-pcs
//   code             canonical code ("N44.8", "0DTJ4ZZ")
//   description      official description
//   role             principal | secondary | procedure
//   poa              empty, Y, N, U, W or 1
//   confidence       model score in [0, 1]; empty for codes added by the coder
//   evidence         spans "begin-end:weight" separated by ';', strongest first, e.g.
//   "120-164:0.31;200-230:0.12"
//                    (code points, half-open); empty when none
//   decision         accepted | added
//   model_version    model that produced the suggestion
//   decided_by       OS user name of the coder
//   decided_at       ISO 8601 UTC
//   note_source      where the note came from (file path, "clipboard", "pasted")
//   exported_at, exported_by, application, application_version   the export, repeated on every row
// Numbers are written in the shortest form that reads back as the same double.
#include "export_internal.h"

#include <QStringList>

namespace fc {

namespace {

using exportdetail::formatNumber;

const QStringList& columns() {
    static const QStringList names{QStringLiteral("note_id"),
                                   QStringLiteral("note_sha256"),
                                   QStringLiteral("sequence"),
                                   QStringLiteral("system"),
                                   QStringLiteral("code"),
                                   QStringLiteral("description"),
                                   QStringLiteral("role"),
                                   QStringLiteral("poa"),
                                   QStringLiteral("confidence"),
                                   QStringLiteral("evidence"),
                                   QStringLiteral("decision"),
                                   QStringLiteral("model_version"),
                                   QStringLiteral("decided_by"),
                                   QStringLiteral("decided_at"),
                                   QStringLiteral("note_source"),
                                   QStringLiteral("exported_at"),
                                   QStringLiteral("exported_by"),
                                   QStringLiteral("application"),
                                   QStringLiteral("application_version")};
    return names;
}

QString quoted(const QString& field) {
    const bool needsQuotes = field.contains(QLatin1Char(',')) || field.contains(QLatin1Char('"')) ||
                             field.contains(QLatin1Char('\r')) || field.contains(QLatin1Char('\n'));
    if (!needsQuotes)
        return field;
    QString out = field;
    out.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + out + QLatin1Char('"');
}

QString evidenceText(const QVector<EvidenceOffsets>& evidence) {
    QStringList spans;
    for (const EvidenceOffsets& e : evidence)
        spans << QStringLiteral("%1-%2:%3").arg(e.begin).arg(e.end).arg(formatNumber(e.weight));
    return spans.join(QLatin1Char(';'));
}

void appendRecord(QString& out, const QStringList& fields) {
    QStringList q;
    q.reserve(fields.size());
    for (const QString& f : fields)
        q << quoted(f);
    out += q.join(QLatin1Char(','));
    out += QLatin1String("\r\n");
}

void appendChart(QString& out, const CodedChart& chart) {
    for (const CodedEntry& e : chart.entries) {
        appendRecord(out,
                     {QString::number(chart.noteId), chart.noteSha256, QString::number(e.sequence), e.system,
                      e.code, e.description, e.role, e.poa,
                      e.confidence < 0.0 ? QString() : formatNumber(e.confidence), evidenceText(e.evidence),
                      e.decision, e.modelVersion, e.decidedBy, e.decidedAt, chart.source, chart.exportedAt,
                      chart.exportedBy, chart.application, chart.applicationVersion});
    }
}

// RFC 4180 records; accepts LF or CRLF line ends. Returns false with *error on an unterminated quote.
bool parseRecords(const QString& text, QVector<QStringList>* records, QVector<int>* lines, QString* error) {
    QStringList record;
    QString field;
    bool inQuotes = false;
    bool fieldStarted = false;
    int line = 1;
    int recordLine = 1;
    const auto endField = [&] {
        record << field;
        field.clear();
        fieldStarted = false;
    };
    const auto endRecord = [&] {
        endField();
        if (!(record.size() == 1 && record.front().isEmpty())) { // skip blank lines
            records->append(record);
            lines->append(recordLine);
        }
        record.clear();
    };
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (inQuotes) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                    field += c;
                    ++i;
                } else {
                    inQuotes = false;
                }
            } else {
                if (c == QLatin1Char('\n'))
                    ++line;
                field += c;
            }
            continue;
        }
        if (c == QLatin1Char('"') && !fieldStarted && field.isEmpty()) {
            inQuotes = true;
            fieldStarted = true;
        } else if (c == QLatin1Char(',')) {
            endField();
        } else if (c == QLatin1Char('\r') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('\n')) {
            continue; // the LF ends the record
        } else if (c == QLatin1Char('\n')) {
            endRecord();
            ++line;
            recordLine = line;
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (inQuotes) {
        *error = QStringLiteral("CSV line %1: quoted field not closed").arg(recordLine);
        return false;
    }
    if (fieldStarted || !field.isEmpty() || !record.isEmpty())
        endRecord();
    return true;
}

std::optional<QVector<EvidenceOffsets>> parseEvidence(const QString& text) {
    QVector<EvidenceOffsets> evidence;
    if (text.isEmpty())
        return evidence;
    for (const QString& span : text.split(QLatin1Char(';'))) {
        const int colon = span.indexOf(QLatin1Char(':'));
        const int dash = span.indexOf(QLatin1Char('-'));
        if (colon < 0 || dash < 0 || dash > colon)
            return std::nullopt;
        bool okBegin = false;
        bool okEnd = false;
        EvidenceOffsets e;
        e.begin = span.left(dash).toLongLong(&okBegin);
        e.end = span.mid(dash + 1, colon - dash - 1).toLongLong(&okEnd);
        const auto weight = exportdetail::parseNumber(span.mid(colon + 1));
        if (!okBegin || !okEnd || !weight)
            return std::nullopt;
        e.weight = *weight;
        evidence.append(e);
    }
    return evidence;
}

} // namespace

QByteArray toCsv(const CodedChart& chart) {
    return toCsv(QVector<CodedChart>{chart});
}

QByteArray toCsv(const QVector<CodedChart>& charts) {
    QString out;
    appendRecord(out, columns());
    for (const CodedChart& chart : charts)
        appendChart(out, chart);
    return out.toUtf8();
}

namespace exportdetail {

std::optional<QVector<CodedChart>> chartsFromCsv(const QByteArray& data, QString* error) {
    QString text = QString::fromUtf8(data);
    if (text.startsWith(QChar(0xFEFF)))
        text.remove(0, 1);
    QVector<QStringList> records;
    QVector<int> lines;
    if (!parseRecords(text, &records, &lines, error))
        return std::nullopt;
    if (records.isEmpty()) {
        *error = QStringLiteral("CSV: no header row");
        return std::nullopt;
    }
    QHash<QString, int> index;
    for (int i = 0; i < records.front().size(); ++i)
        index.insert(records.front().at(i).trimmed(), i);
    for (const QString& name : columns()) {
        if (!index.contains(name)) {
            *error = QStringLiteral("CSV line 1: column '%1' missing from the header").arg(name);
            return std::nullopt;
        }
    }
    QVector<CodedChart> charts;
    for (int r = 1; r < records.size(); ++r) {
        const QStringList& record = records.at(r);
        const int line = lines.at(r);
        if (record.size() != records.front().size()) {
            *error = QStringLiteral("CSV line %1: %2 fields, the header has %3")
                         .arg(line)
                         .arg(record.size())
                         .arg(records.front().size());
            return std::nullopt;
        }
        const auto field = [&](const char* name) { return record.at(index.value(QLatin1String(name))); };
        const auto fail = [&](const char* name) {
            *error =
                QStringLiteral("CSV line %1: bad %2 '%3'").arg(line).arg(QLatin1String(name), field(name));
            return std::nullopt;
        };
        bool ok = false;
        const qint64 noteId = field("note_id").toLongLong(&ok);
        if (!ok)
            return fail("note_id");
        CodedChart chart;
        chart.noteId = noteId;
        chart.noteSha256 = field("note_sha256");
        chart.source = field("note_source");
        chart.exportedAt = field("exported_at");
        chart.exportedBy = field("exported_by");
        chart.application = field("application");
        chart.applicationVersion = field("application_version");
        if (charts.isEmpty() || charts.back().noteId != chart.noteId ||
            charts.back().noteSha256 != chart.noteSha256 || charts.back().exportedAt != chart.exportedAt)
            charts.append(chart);
        CodedEntry e;
        e.sequence = field("sequence").toInt(&ok);
        if (!ok)
            return fail("sequence");
        e.system = field("system");
        e.code = field("code");
        e.description = field("description");
        e.role = field("role");
        e.poa = field("poa");
        if (!field("confidence").isEmpty()) {
            const auto confidence = parseNumber(field("confidence"));
            if (!confidence)
                return fail("confidence");
            e.confidence = *confidence;
        }
        const auto evidence = parseEvidence(field("evidence"));
        if (!evidence)
            return fail("evidence");
        e.evidence = *evidence;
        e.decision = field("decision");
        e.modelVersion = field("model_version");
        e.decidedBy = field("decided_by");
        e.decidedAt = field("decided_at");
        charts.back().entries.append(e);
    }
    return charts;
}

} // namespace exportdetail

} // namespace fc
