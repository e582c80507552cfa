#pragma once
// Evaluation metrics of a multi-label code ranker (fusion-spec.md section 4).
//
// Input: a row-major score matrix (documents x labels, sigmoid probabilities) and, per document, the gold
// label indices. Everything is computed in one row-major pass over the matrix without sorting rows or
// columns; 3,372 x 8,921 takes about 0.4-1 s on one core (measured, depending on the score distribution),
// memory beyond the matrix is O(L + gold labels). Pure functions of their arguments: safe to call from
// several threads.
//
// Conventions (what each number means, and where it follows which reference code):
// - Decision rule: a label is predicted iff score > threshold (strict). At 0.5 this is caml-mimic's
//   np.round(score) (round-half-to-even: 0.5 is not predicted).
// - caml-mimic all_metrics (spec 4.1): macro_precision / macro_recall = mean over ALL labels of
//   tp / (predicted + 1e-10) and tp / (gold + 1e-10); macro_f1 = harmonic mean of those two ("F1 of
//   averages"). micro_* over the flattened matrix without epsilon.
// - ROC AUC equals sklearn's roc_curve + auc (trapezoid): tied scores form one threshold, so a tied
//   (positive, negative) pair counts one half. It is computed exactly as the Mann-Whitney statistic, which is
//   the same number as the trapezoid area (no sorting of columns, integer pair counts).
//   macro_auc = mean over labels with >= 1 positive and >= 1 negative document (sklearn returns NaN for a
//   label positive in every document; caml skips it); micro_auc = one ROC over all N x L entries. Both are
//   absent when N <= 1 (caml skips AUC entirely) or when no label qualifies.
// - Edin et al. 2023 (spec 4.2): macro_f1_per_code = mean over labels that occur in the evaluated documents
// of
//   tp / (tp + 0.5 (fp + fn) + 1e-10), counted only on documents with >= 1 gold label.
// - Ranking: labels of a document are ranked by score descending; equal scores are ordered by label index
//   ascending (numpy's argsort leaves this order unspecified; ties at the cut-off are rare with float
//   scores). p_at_k = hits in the top k / k (documents with fewer than k gold labels are not special-cased);
//   r_at_k = hits / gold labels of the document in the label set (0 for a document with none).
//   Both are means over all N documents.
// - map (CodiEsp tasks 1-2, trec_eval "map"): per document AP = (sum over gold labels in the label set of
//   precision at that label's rank among ALL L ranked labels) / (gold labels in the label set + gold codes
//   outside it). Codes outside the label set are never retrieved: they only enlarge the denominator.
//   Mean over documents with at least one gold code (in or outside the label set); a document with none has
//   no relevant item, is not a trec_eval query, and is left out of the mean.
// - A ratio whose denominator is 0 is reported as 0 (caml would print NaN for micro precision without any
//   prediction).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fc {

// documents x labels, row-major: at(doc, label) = values[doc * labels + label]. Scores must be finite
// (NaN is rejected with std::invalid_argument by the functions below).
struct ScoreMatrix {
    std::size_t docs = 0;
    std::size_t labels = 0;
    std::vector<float> values;

    ScoreMatrix() = default;
    ScoreMatrix(std::size_t docCount, std::size_t labelCount)
        : docs(docCount), labels(labelCount), values(docCount * labelCount, 0.0f) {}

    float* row(std::size_t doc) { return values.data() + doc * labels; }
    const float* row(std::size_t doc) const { return values.data() + doc * labels; }
    float& at(std::size_t doc, std::size_t label) { return values[doc * labels + label]; }
    float at(std::size_t doc, std::size_t label) const { return values[doc * labels + label]; }
};

// The gold codes of one document.
struct GoldCodes {
    std::vector<std::int32_t>
        labels; // indices into the label set, each in [0, L); order free, duplicates ignored
    std::int32_t outsideLabelSet =
        0; // gold codes of the document that are not in the label set (used by map)
};

struct EvalMetrics {
    std::int64_t n_docs = 0;    // rows evaluated
    std::int64_t n_skipped = 0; // not computed here: the caller's count of documents dropped before scoring
    std::int64_t n_labels = 0;  // L
    std::int64_t n_codes_present = 0; // labels with >= 1 gold document (Edin's macro runs over these)
    double threshold = 0.5; // decision threshold of every thresholded metric (predicted iff score > it)

    std::optional<double> macro_auc; // absent when N <= 1 or no label has both classes
    std::optional<double> micro_auc; // absent when N <= 1 or the matrix holds only one class
    std::int64_t n_auc_codes = 0;    // labels averaged into macro_auc

    double macro_precision = 0.0; // caml: over all L labels
    double macro_recall = 0.0;
    double macro_f1 = 0.0;          // caml: harmonic mean of macro_precision and macro_recall
    double macro_f1_per_code = 0.0; // Edin: mean per-code F1 over the labels present
    double micro_precision = 0.0;
    double micro_recall = 0.0;
    double micro_f1 = 0.0;

    double p_at_5 = 0.0, p_at_8 = 0.0, p_at_15 = 0.0;
    double r_at_5 = 0.0, r_at_8 = 0.0, r_at_15 = 0.0;
    double map = 0.0;
    std::int64_t n_map_docs = 0; // documents averaged into map

    // Not computed here: filled by the caller from EvidenceScorer (evidence_metrics.h) when the data has
    // gold evidence; absent otherwise.
    std::optional<double> evidence_token_f1;
    std::optional<double> evidence_hit_at_1;
    // The same two per evidence source (filled by the caller; absent when that source gave no span at all):
    // passages of the network's label attention, and mentions of a code's description (lexicon matches).
    // Each counts the pairs above, with only that source's spans as the prediction.
    std::optional<double> evidence_token_f1_attention;
    std::optional<double> evidence_hit_at_1_attention;
    std::optional<double> evidence_token_f1_mention;
    std::optional<double> evidence_hit_at_1_mention;

    // The official CodiEsp 2020 metrics (metrics_codiesp.h), filled by the caller: D/P MAP when the label
    // set is ICD-10 (absent when the data has no gold code of that sub-task), X when the data has evidence.
    std::optional<double> codiesp_d_map;
    std::optional<double> codiesp_p_map;
    std::optional<double> codiesp_x_precision;
    std::optional<double> codiesp_x_recall;
    std::optional<double> codiesp_x_f1;

    // MAP per train-frequency bucket of the gold codes (metrics_frequency.h): codes never in the training
    // notes, in 1-4 of them, in 5 or more. Filled by the caller when it knows the training frequencies.
    std::optional<double> map_train_freq_0;
    std::optional<double> map_train_freq_1_4;
    std::optional<double> map_train_freq_5plus;
};

// gold.size() must equal scores.docs; a label index outside [0, L) or a NaN score throws
// std::invalid_argument.
EvalMetrics computeMetrics(const ScoreMatrix& scores, const std::vector<GoldCodes>& gold,
                           float threshold = 0.5f);

// ROC AUC of one score vector (sklearn roc_curve + auc); absent unless both classes occur.
// positive[i] != 0 marks item i as positive.
std::optional<double> rocAuc(const std::vector<float>& scores, const std::vector<std::uint8_t>& positive);

enum class ThresholdObjective {
    MicroF1,        // tp / (tp + 0.5 (fp + fn) + 1e-10) over all entries
    MacroF1PerCode, // Edin's macro F1: labels present, documents with >= 1 gold label
};

struct ThresholdChoice {
    float threshold = 0.5f;
    double f1 = 0.0; // the objective's value at that threshold on the tuning data
};

// Edin et al.'s f1_score_db_tuning: tries the 100 thresholds of linspace(0, 1, 100) on the tuning (dev) data
// and returns the first (lowest) one that maximises the objective. Candidate i is the float nearest to i /
// 99; torch.linspace's float32 rounding can differ by one ulp, which matters only for a score exactly on a
// threshold.
ThresholdChoice tuneThreshold(const ScoreMatrix& scores, const std::vector<GoldCodes>& gold,
                              ThresholdObjective objective = ThresholdObjective::MicroF1);

// The 100 candidate thresholds of tuneThreshold, ascending; [0] = 0, [99] = 1.
std::vector<float> thresholdCandidates();

// One JSON object (UTF-8, no trailing newline) with the field names of interfaces.md ("macro_auc", ...);
// absent optionals are null, except the evidence fields, which are omitted when absent.
std::string metricsToJson(const EvalMetrics& metrics);
// A two-column plain-text table, one metric per line, values with 4 decimals; ends with a newline.
std::string metricsToTable(const EvalMetrics& metrics);

} // namespace fc
