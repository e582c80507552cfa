#pragma once
// Pieces shared by the export serialisers and the importer (export_*.cpp); not part of the public API.
#include "exportservice.h"

#include <QJsonObject>
#include <QString>
#include <QUuid>

#include <optional>

namespace fc::exportdetail {

// Shortest decimal text that parses back to the same double ("0.93", "1e-05"); the formats rely on it for the
// exact round trip of confidences and weights.
QString formatNumber(double value);
// Parses a number written by formatNumber() (or any C-locale decimal); nullopt for anything else.
std::optional<double> parseNumber(const QString& text);

bool isProcedureSystem(const QString& system); // "icd-10-pcs", "icd-9-pcs"
bool isDiagnosisSystem(const QString& system); // "icd-10-cm", "icd-9-cm"
bool isValidPoa(const QString& poa);           // "", "Y", "N", "U", "W", "1"

// Deterministic FHIR ids (UUID version 5 in a fusioncoder namespace).
QUuid chartUuid(const CodedChart& chart);
QUuid entryUuid(const CodedChart& chart, const CodedEntry& entry);

// Importers of each format; on failure nullopt with *error set (one line: what and where).
std::optional<QVector<CodedChart>> chartsFromCsv(const QByteArray& data, QString* error);
std::optional<QVector<CodedChart>> chartsFromJson(const QJsonObject& root, QString* error);
std::optional<QVector<CodedChart>> chartsFromFhir(const QJsonObject& root, QString* error);

// The "format" member of our JSON exports.
inline constexpr char kJsonChartFormat[] = "fusioncoder-coded-chart";
inline constexpr char kJsonChartsFormat[] = "fusioncoder-coded-charts";
inline constexpr int kJsonFormatVersion = 1;

} // namespace fc::exportdetail
