#pragma once
// Charts and JSON helpers shared by the export tests (tst_export: CSV, JSON, round trips, validation;
// tst_export_fhir: FHIR Bundle and Claim).
#include "exportservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace fc::exporttest {

inline const QString kSha =
    QStringLiteral("3f9a0c1b2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8");
inline const QString kTrickyDescription =
    QStringLiteral("Essential (primary) hypertension, \"benign\"\nline two \u2014 M\u00e9ni\u00e8re \u00f1 "
                   "\u4e2d\u6587 ") +
    QString::fromUcs4(U"\U0001F600");

inline CodedEntry entry(int sequence, const QString& code, const QString& system, const QString& description,
                        const QString& role) {
    CodedEntry e;
    e.sequence = sequence;
    e.code = code;
    e.system = system;
    e.description = description;
    e.role = role;
    e.decision = QStringLiteral("accepted");
    e.modelVersion = QStringLiteral("codiesp-en-1.0");
    e.decidedBy = QStringLiteral("coder");
    e.decidedAt = QStringLiteral("2024-05-01T12:30:00.000Z");
    return e;
}

// ICD-10: principal with two spans and POA Y, an added secondary without confidence, a secondary whose
// description needs every kind of CSV quoting and is not ASCII, and a procedure.
inline CodedChart fixedChart() {
    CodedChart chart;
    chart.noteId = 42;
    chart.noteSha256 = kSha;
    chart.source = QStringLiteral("notes/case 7, ward \"B\".txt");
    chart.exportedAt = QStringLiteral("2024-05-01T12:34:56.789Z");
    chart.exportedBy = QStringLiteral("coder");
    chart.application = QStringLiteral("fusioncoder");
    chart.applicationVersion = QStringLiteral("0.1.0");
    CodedEntry principal =
        entry(1, QStringLiteral("N44.8"), QStringLiteral("icd-10-cm"),
              QStringLiteral("Other noninflammatory disorders of the testis"), QStringLiteral("principal"));
    principal.poa = QStringLiteral("Y");
    principal.confidence = 0.93;
    principal.evidence = {{120, 164, 0.31}, {200, 230, 0.12}};
    CodedEntry added = entry(2, QStringLiteral("R52"), QStringLiteral("icd-10-cm"),
                             QStringLiteral("Pain, unspecified"), QStringLiteral("secondary"));
    added.decision = QStringLiteral("added");
    added.modelVersion.clear();
    CodedEntry tricky = entry(3, QStringLiteral("I10"), QStringLiteral("icd-10-cm"), kTrickyDescription,
                              QStringLiteral("secondary"));
    tricky.poa = QStringLiteral("1");
    tricky.confidence = 0.1 + 0.2; // 0.30000000000000004: needs all 17 digits
    tricky.evidence = {{7, 19, 1e-05}};
    CodedEntry procedure = entry(1, QStringLiteral("0DTJ4ZZ"), QStringLiteral("icd-10-pcs"),
                                 QStringLiteral("Resection of Appendix, Percutaneous Endoscopic Approach"),
                                 QStringLiteral("procedure"));
    procedure.confidence = 0.5;
    procedure.evidence = {{0, 5, 1.0}};
    chart.entries = {principal, added, tricky, procedure};
    return chart;
}

inline CodedChart icd9Chart() {
    CodedChart chart = fixedChart();
    chart.noteId = 7;
    chart.noteSha256 = QString(64, QLatin1Char('a'));
    chart.source = QStringLiteral("pasted");
    CodedEntry principal =
        entry(1, QStringLiteral("401.9"), QStringLiteral("icd-9-cm"),
              QStringLiteral("Unspecified essential hypertension"), QStringLiteral("principal"));
    principal.poa = QStringLiteral("N");
    principal.confidence = 0.75;
    CodedEntry procedure = entry(1, QStringLiteral("38.93"), QStringLiteral("icd-9-pcs"),
                                 QStringLiteral("Venous catheterization, not elsewhere classified"),
                                 QStringLiteral("procedure"));
    procedure.confidence = 0.61;
    procedure.evidence = {{3, 9, 0.5}};
    chart.entries = {principal, procedure};
    return chart;
}

inline QJsonObject parseObject(const QByteArray& bytes) {
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("%s", qPrintable(error.errorString()));
    return document.object();
}

// The extension with `url` in element.extension; empty when absent.
inline QJsonObject extensionOf(const QJsonObject& element, const QString& url) {
    for (const QJsonValue& v : element.value(QStringLiteral("extension")).toArray()) {
        if (v.toObject().value(QStringLiteral("url")).toString() == url)
            return v.toObject();
    }
    return {};
}

inline QJsonArray subExtensions(const QJsonObject& extension, const QString& url) {
    QJsonArray out;
    for (const QJsonValue& v : extension.value(QStringLiteral("extension")).toArray()) {
        if (v.toObject().value(QStringLiteral("url")).toString() == url)
            out.append(v);
    }
    return out;
}

// FHIR forbids empty strings, empty objects and empty arrays anywhere.
inline void collectEmpty(const QJsonValue& value, const QString& path, QStringList* out) {
    if (value.isString() && value.toString().isEmpty())
        out->append(path);
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        if (o.isEmpty())
            out->append(path);
        for (auto it = o.begin(); it != o.end(); ++it)
            collectEmpty(it.value(), path + QLatin1Char('.') + it.key(), out);
    }
    if (value.isArray()) {
        const QJsonArray a = value.toArray();
        if (a.isEmpty())
            out->append(path);
        for (int i = 0; i < a.size(); ++i)
            collectEmpty(a.at(i), path + QStringLiteral("[%1]").arg(i), out);
    }
}

inline QJsonObject firstCoding(const QJsonObject& concept) {
    return concept.value(QStringLiteral("coding")).toArray().at(0).toObject();
}

} // namespace fc::exporttest
