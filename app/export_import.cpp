// Re-import of exported charts: format detection and dispatch to the format's reader.
#include "export_internal.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace fc {

QVector<CodedChart> chartsFromExport(const QByteArray& data, QString* error) {
    QString ignored;
    QString* message = error ? error : &ignored;
    message->clear();
    QByteArray bytes = data;
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);
    const QByteArray start = bytes.trimmed().left(1);
    std::optional<QVector<CodedChart>> charts;
    if (start == "{") {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            *message =
                QStringLiteral("JSON at byte %1: %2").arg(parseError.offset).arg(parseError.errorString());
            return {};
        }
        const QJsonObject root = document.object();
        if (root.contains(QStringLiteral("resourceType")))
            charts = exportdetail::chartsFromFhir(root, message);
        else
            charts = exportdetail::chartsFromJson(root, message);
    } else if (start.isEmpty()) {
        *message = QStringLiteral("the file is empty");
        return {};
    } else {
        charts = exportdetail::chartsFromCsv(bytes, message);
    }
    return charts ? *charts : QVector<CodedChart>();
}

CodedChart fromExport(const QByteArray& data, QString* error) {
    QString message;
    const QVector<CodedChart> charts = chartsFromExport(data, &message);
    if (error)
        *error = message;
    if (!message.isEmpty() || charts.isEmpty())
        return CodedChart();
    if (charts.size() > 1) {
        if (error)
            *error = QStringLiteral("the file holds %1 charts, not one").arg(charts.size());
        return CodedChart();
    }
    return charts.front();
}

} // namespace fc
