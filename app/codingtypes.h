#pragma once
// One row of the coder's suggestion list: a code the model scored (or the coder added) and its state.
#include "fc/model/prediction.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace fc {
struct ModelInfo;
class CodeCatalog;
} // namespace fc

namespace fc {

enum class SuggestionStatus { Suggested, Accepted, Rejected, Added };

QString statusName(SuggestionStatus status); // "suggested", "accepted", "rejected", "added"
// True for the statuses that put a code on the coded list (accepted, added).
inline bool isCoded(SuggestionStatus status) {
    return status == SuggestionStatus::Accepted || status == SuggestionStatus::Added;
}
// The present-on-admission values a code may carry ("" = none).
const QStringList& poaValues();

struct Suggestion {
    QString code;         // as in the model's label file, e.g. "N44.8"
    QString system;       // "icd-10-cm", "icd-10-pcs", "icd-9-cm", "icd-9-pcs" or "unknown"
    QString description;  // official title from the bundled catalog; empty when the code is not in it
    bool billable = true; // false for catalog header codes (a category, not a codable leaf)
    double score = -1.0;  // sigmoid probability in [0, 1]; negative for codes added by the coder
    std::vector<EvidenceSpan> evidence; // code-point spans into the analysed note, strongest first
    SuggestionStatus status = SuggestionStatus::Suggested;
    int sequence = 0; // position in the coded list when accepted or added: 1 = principal; 0 = not listed
    QString poa;      // present-on-admission indicator: "", "Y", "N", "U", "W" or "1"

    bool hasScore() const { return score >= 0.0; }
};

// Every scored code of a prediction, in prediction order (score descending), with its label system
// looked up in the model's label list and its description in the catalog (when one is given).
std::vector<Suggestion> suggestionsFromPrediction(const Prediction& prediction, const ModelInfo& model,
                                                  const CodeCatalog* catalog = nullptr);
// Fills description and billable from the catalog for one suggestion.
void describe(Suggestion& suggestion, const CodeCatalog& catalog);

// How sure the model is about a note, for ordering a worklist by uncertainty (product.md): the smallest
// distance between a code's score and the threshold, in [0, 1]. Small = some code sits on the fence, so the
// coder's decision on this chart teaches the model most. 1 for a prediction without codes.
double predictionMargin(const Prediction& prediction, double threshold);

// The hex SHA-256 of the note text's UTF-8 bytes: how a stored note (and a worklist chart) is keyed.
QString noteSha256(const QString& text);

// "ICD-10-CM" for "icd-10-cm"; unknown systems are upper-cased.
QString systemShortName(const QString& system);
// "ICD-10-CM diagnosis", "ICD-10-PCS procedure", ...
QString systemLongName(const QString& system);

} // namespace fc
