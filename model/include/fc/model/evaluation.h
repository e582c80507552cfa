#pragma once
// Evaluating a model directory on a labelled dataset (interfaces.md `eval`; fusion-spec.md 4).
//
// Every document is scored alone by the Engine, exactly as `predict` scores it: notes longer than the model's
// window are scored in consecutive windows and a code's score is its maximum over windows. With
// truncate = true the note is cut after its first maxTokens tokens instead, as the authors' evaluation does
// (use it for comparisons with published numbers).
// Gold codes outside the model's label set are ignored for every metric except `map` (where they count as
// never retrieved); a document left without a gold code in the label set is skipped and counted in
// n_skipped (as the paper's pipeline does).
// Evidence metrics (evidence_token_f1, evidence_hit_at_1) are computed when the data has gold evidence for a
// code of the label set: for every such (document, code) pair the model's top evidence spans of that code,
// whatever its score, against the gold spans, over the tokens the model saw (evidence_metrics.h).
//
// The official CodiEsp metrics (metrics_codiesp.h) are added for ICD-10 label sets: codiesp_d_map and
// codiesp_p_map from the same scores, and codiesp_x_* from the evidence: the predicted (document, code)
// pairs are the codes scoring above the threshold, each with every evidence span the model shows (at most
// PredictOptions::maxEvidenceSpans); gold pairs are every evidence annotation of a scored document.
// Evidence metrics per source (evidence_*_attention, evidence_*_mention): the same pairs, with only that
// source's spans as the prediction (for a model that mixes in the description match, the attention spans
// shown are those that overlap no mention; with networkOnly every shown span is attention).
//
// Threading: runs on the calling thread; sets LibTorch's intra-op threads (options.threads, 0 = all cores).
#include "fc/model/metrics.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace fc {

struct Document; // fc/model/dataset.h

struct EvaluationOptions {
    bool truncate = false;          // paper-comparison mode: first maxTokens tokens only
    std::optional<float> threshold; // decision threshold; default: the model's (tuned on dev by train)
    int threads = 0;
    bool evidence = true; // compute the evidence metrics when the data has gold evidence
    // The network's scores and attention alone, without the retrieval part (PredictOptions::networkOnly).
    bool networkOnly = false;
    // Fast mode (Engine::load(..., fast)): bfloat16 on CPUs with AVX512-BF16 or AMX, exact elsewhere.
    bool fast = false;
    // Code -> number of training documents that carry it (dataset.h codeFrequencies). When not empty, MAP per
    // train-frequency bucket is computed (metrics_frequency.h); codes it lacks count as never seen.
    std::unordered_map<std::string, std::int64_t> trainFrequency;
    std::function<void(std::size_t done, std::size_t total)> progress; // after each document
    const std::atomic<bool>* cancel = nullptr; // checked between documents; throws fc::Cancelled
};

struct EvaluationResult {
    EvalMetrics metrics;            // n_skipped filled; evidence fields set when evaluated
    std::int64_t evidencePairs = 0; // (document, code) pairs with gold evidence that were counted
    std::int64_t longDocuments = 0; // documents longer than the model's window (truncated or windowed)
    double seconds = 0.0;           // wall time of loading + scoring
    bool fast = false;              // the network ran in bfloat16 (options.fast and the CPU supports it)
    // The scores behind the metrics (for error analysis and ensembling): one row per scored document.
    ScoreMatrix scores;
    std::vector<std::string> documentIds; // per row
    std::vector<std::string> labels;      // per column: the model's label set
};

// Throws ModelError (unusable model), InputError (unreadable/malformed dataset, invalid UTF-8), Cancelled.
EvaluationResult evaluateModel(const std::string& modelDirectory, const std::vector<Document>& documents,
                               const EvaluationOptions& options = {});
EvaluationResult evaluateModel(const std::string& modelDirectory, const std::string& datasetPath,
                               const EvaluationOptions& options = {});

} // namespace fc
