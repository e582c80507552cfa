// validate(): the checks a coder runs on a chart before exporting it.
//
// Issue codes (ValidationIssue::code), errors unless marked:
//   unknown-system        the entry's system is none of icd-10-cm, icd-9-cm, icd-10-pcs, icd-9-pcs
//   unknown-code          the code is not in its system's catalog
//   header-code           (warning) the code is a header (category or PCS prefix), not billable. A warning,
//   not an
//                         error: exports also serve audit and model evaluation, where category-level codes
//                         are legitimate (several public label sets use them); a claim needs billable codes,
//                         and the CLI's --strict turns warnings into failures.
//   non-canonical-code    (warning) the code is written otherwise than the catalog writes it ("n448" for
//   "N44.8") catalog-missing       (warning) no catalog loaded for the system: its codes are unchecked
//   duplicate-code        the same system and code appear twice
//   role-mismatch         role does not fit the system (procedure systems take "procedure", diagnosis systems
//                         "principal" or "secondary")
//   no-principal          there are diagnoses but none is principal
//   multiple-principals   more than one principal diagnosis
//   principal-not-first   the principal diagnosis does not have sequence 1
//   bad-sequence          the diagnoses' (or procedures') sequences are not exactly 1..n
//   bad-poa               POA outside "", Y, N, U, W, 1
//   poa-on-procedure      a procedure carries a POA indicator
//   mixed-systems         diagnoses from both ICD-9-CM and ICD-10-CM, or procedures of another ICD revision
//                         than the diagnoses (or of both revisions)
//   bad-decision          decision other than "accepted" or "added"
//   bad-confidence        confidence neither -1 (added by the coder) nor within [0, 1]
//   bad-evidence          an evidence span with begin < 0 or end < begin
//   empty-chart           (warning) the chart has no code
#include "codecatalog.h"
#include "export_internal.h"

#include <QSet>

#include <algorithm>

namespace fc {

namespace {

using exportdetail::isDiagnosisSystem;
using exportdetail::isProcedureSystem;

QString revisionOf(const QString& system) {
    return system.startsWith(QLatin1String("icd-10")) ? QStringLiteral("ICD-10") : QStringLiteral("ICD-9");
}

class Collector {
public:
    explicit Collector(QVector<ValidationIssue>& issues) : m_issues(issues) {}
    void error(const char* code, const QString& message, int entry = -1) {
        m_issues.append({ValidationIssue::Error, QLatin1String(code), message, entry});
    }
    void warning(const char* code, const QString& message, int entry = -1) {
        m_issues.append({ValidationIssue::Warning, QLatin1String(code), message, entry});
    }

private:
    QVector<ValidationIssue>& m_issues;
};

void checkSequences(const QVector<int>& sequences, const QString& what, Collector& out) {
    QVector<int> sorted = sequences;
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < sorted.size(); ++i) {
        if (sorted.at(i) != i + 1) {
            out.error("bad-sequence",
                      QStringLiteral("The %1 are not sequenced 1 to %2 without gaps or repeats.")
                          .arg(what)
                          .arg(sorted.size()));
            return;
        }
    }
}

} // namespace

QVector<ValidationIssue> validate(const CodedChart& chart, const CodeCatalog* catalog) {
    QVector<ValidationIssue> issues;
    Collector out(issues);
    if (chart.entries.isEmpty())
        out.warning("empty-chart", QStringLiteral("The chart has no accepted code."));

    const QStringList loaded = catalog ? catalog->systems() : QStringList();
    QSet<QString> missingCatalogs;
    QSet<QString> seen;
    QSet<QString> diagnosisSystems;
    QSet<QString> procedureSystems;
    QVector<int> diagnosisSequences;
    QVector<int> procedureSequences;
    int principals = 0;
    for (int i = 0; i < chart.entries.size(); ++i) {
        const CodedEntry& e = chart.entries.at(i);
        const QString name = QStringLiteral("%1 (%2)").arg(e.code, e.system);
        const bool procedure = isProcedureSystem(e.system);
        const bool diagnosis = isDiagnosisSystem(e.system);
        QString canonical = e.code.toUpper();
        if (!procedure && !diagnosis) {
            out.error("unknown-system", QStringLiteral("%1: unknown code system '%2'.").arg(e.code, e.system),
                      i);
        } else if (!loaded.contains(e.system)) {
            if (!missingCatalogs.contains(e.system))
                out.warning(
                    "catalog-missing",
                    QStringLiteral("No %1 catalog is loaded: its codes are not checked.").arg(e.system));
            missingCatalogs.insert(e.system);
        } else if (const auto entry = catalog->lookup(e.system, e.code)) {
            canonical = entry->code;
            if (!entry->billable)
                out.warning(
                    "header-code",
                    QStringLiteral("%1 is a header code, not billable: code to a more specific level.")
                        .arg(name),
                    i);
            if (entry->code != e.code)
                out.warning("non-canonical-code",
                            QStringLiteral("%1 is written %2 in the catalog.").arg(name, entry->code), i);
        } else {
            out.error("unknown-code", QStringLiteral("%1 is not in the %2 catalog.").arg(e.code, e.system),
                      i);
        }

        const QString key = e.system + QLatin1Char('/') + canonical;
        if (seen.contains(key))
            out.error("duplicate-code", QStringLiteral("%1 appears more than once.").arg(name), i);
        seen.insert(key);

        if (procedure) {
            procedureSystems.insert(e.system);
            procedureSequences.append(e.sequence);
            if (e.role != QLatin1String("procedure"))
                out.error("role-mismatch",
                          QStringLiteral("%1 is a procedure code but has role '%2'.").arg(name, e.role), i);
            if (!e.poa.isEmpty())
                out.error("poa-on-procedure",
                          QStringLiteral("%1 is a procedure: POA applies to diagnoses only.").arg(name), i);
        } else {
            if (diagnosis)
                diagnosisSystems.insert(e.system);
            diagnosisSequences.append(e.sequence);
            if (e.role == QLatin1String("principal")) {
                ++principals;
                if (e.sequence != 1)
                    out.error("principal-not-first",
                              QStringLiteral("The principal diagnosis %1 has sequence %2, not 1.")
                                  .arg(name)
                                  .arg(e.sequence),
                              i);
            } else if (e.role != QLatin1String("secondary")) {
                out.error("role-mismatch",
                          QStringLiteral("%1 is a diagnosis code but has role '%2'.").arg(name, e.role), i);
            }
        }
        if (!exportdetail::isValidPoa(e.poa))
            out.error("bad-poa", QStringLiteral("%1: POA '%2' is not one of Y, N, U, W, 1.").arg(name, e.poa),
                      i);
        if (e.decision != QLatin1String("accepted") && e.decision != QLatin1String("added"))
            out.error(
                "bad-decision",
                QStringLiteral("%1: decision '%2' is neither accepted nor added.").arg(name, e.decision), i);
        if (e.confidence != -1.0 && !(e.confidence >= 0.0 && e.confidence <= 1.0))
            out.error("bad-confidence",
                      QStringLiteral("%1: confidence %2 is outside [0, 1].").arg(name).arg(e.confidence), i);
        for (const EvidenceOffsets& span : e.evidence) {
            if (span.begin < 0 || span.end < span.begin) {
                out.error("bad-evidence",
                          QStringLiteral("%1: evidence span [%2, %3) is not a valid range.")
                              .arg(name)
                              .arg(span.begin)
                              .arg(span.end),
                          i);
                break;
            }
        }
    }

    if (!diagnosisSequences.isEmpty() && principals == 0)
        out.error("no-principal", QStringLiteral("No diagnosis is marked principal."));
    if (principals > 1)
        out.error("multiple-principals",
                  QStringLiteral("%1 diagnoses are marked principal; one is.").arg(principals));
    checkSequences(diagnosisSequences, QStringLiteral("diagnoses"), out);
    checkSequences(procedureSequences, QStringLiteral("procedures"), out);

    if (diagnosisSystems.size() > 1)
        out.error("mixed-systems", QStringLiteral("The diagnoses mix ICD-9-CM and ICD-10-CM codes."));
    if (procedureSystems.size() > 1)
        out.error("mixed-systems", QStringLiteral("The procedures mix ICD-9 and ICD-10-PCS codes."));
    else if (procedureSystems.size() == 1 && diagnosisSystems.size() == 1 &&
             revisionOf(*procedureSystems.begin()) != revisionOf(*diagnosisSystems.begin()))
        out.error("mixed-systems",
                  QStringLiteral("The procedures (%1) are not of the diagnoses' revision (%2).")
                      .arg(*procedureSystems.begin(), *diagnosisSystems.begin()));
    return issues;
}

bool hasErrors(const QVector<ValidationIssue>& issues) {
    return std::any_of(issues.begin(), issues.end(),
                       [](const ValidationIssue& i) { return i.severity == ValidationIssue::Error; });
}

} // namespace fc
