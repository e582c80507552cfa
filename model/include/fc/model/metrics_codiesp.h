#pragma once
// The official CodiEsp 2020 metrics (CLEF eHealth task 1), recomputed beside ours for `eval`
// (interfaces.md: codiesp_d_map, codiesp_p_map, codiesp_x_precision, codiesp_x_recall, codiesp_x_f1).
//
// What the organisers' scripts compute (TeMU-BSC/codiesp-evaluation-script, read for this file; no code
// copied):
// - CodiEsp-D / CodiEsp-P (codiespD_P_evaluation.py -> trectools TrecEval.get_map(trec_eval=False), whose
//   default depth is 1000): each sub-task is scored on its own. The run keeps only codes of the sub-task's
//   code list, in the order the system wrote them (here: score descending, ties by label index), cut after
//   1000. Per document AP = sum over the gold codes retrieved at rank r of (gold codes at ranks <= r) / r,
//   divided by ALL gold codes of the document in that sub-task (a gold code never retrieved, e.g. outside
//   the model's labels, counts zero). MAP = mean of AP over the documents that have >= 1 gold code of the
//   sub-task (queries present in both qrels and run; our run ranks every label for every document, so
//   every such document is a query).
// - CodiEsp-X (codiespX_evaluation.py, calculate_metrics, tol = 10): units are distinct (document, code)
//   pairs. Predicted positives = distinct predicted pairs (several spans of one code count once); gold
//   positives = distinct gold pairs. A gold pair is a true positive when ANY of its predicted spans
//   [pb, pe) and ANY of its gold spans [gb, ge) satisfy 0 <= gb - pb <= 10 and 0 <= pe - ge <= 10
//   (the prediction contains the gold span and overshoots it by at most 10 characters at each end).
//   Micro P = TP / predicted, R = TP / gold, F1 = 2PR / (P + R); 0 when a denominator is 0.
//   The official gold merges a discontinuous annotation ("b1 e1;b2 e2") into [b1, e2); our dataset files
//   store its fragments separately, so here each fragment is a gold span of its own (a prediction matching
//   any fragment counts) -- a documented deviation affecting the few discontinuous rows.
// Pure functions of their arguments; thread-safe.
#include "fc/model/metrics.h"

#include <cstdint>
#include <string>
#include <vector>

namespace fc {

constexpr int kCodiespMapDepth = 1000; // trectools get_map's default depth, used by the official script
constexpr std::int64_t kCodiespXTolerance = 10; // characters (code points) at each end

struct CodiespMapGold {
    std::vector<std::int32_t> labels;   // gold label indices (duplicates ignored)
    std::int32_t outsideDiagnoses = 0;  // gold diagnosis codes outside the label set (never retrieved)
    std::int32_t outsideProcedures = 0; // gold procedure codes outside the label set
};

struct CodiespMap {
    double d_map = 0.0;
    double p_map = 0.0;
    std::int64_t n_d_docs = 0; // documents with >= 1 gold diagnosis
    std::int64_t n_p_docs = 0; // documents with >= 1 gold procedure
};

// isProcedure[label] != 0 marks an ICD-10-PCS label; every other label is a diagnosis. gold.size() must equal
// scores.docs; throws std::invalid_argument otherwise or for a label index outside [0, L).
CodiespMap codiespMap(const ScoreMatrix& scores, const std::vector<CodiespMapGold>& gold,
                      const std::vector<std::uint8_t>& isProcedure, int depth = kCodiespMapDepth);

// True when `code` (catalog form, e.g. "BW03ZZZ", "0DTJ", "0016", "N44.8") is a CodiEsp procedure code:
// labelSystem() says ICD-10-PCS, or it is 4 or 7 letters/digits without a dot.
bool isProcedureCode(const std::string& code);

struct CodiespXSpan {
    std::string code;
    std::int64_t begin = 0; // code points, half-open
    std::int64_t end = 0;
};

struct CodiespXScores {
    std::int64_t predicted = 0; // distinct predicted (document, code) pairs
    std::int64_t gold = 0;      // distinct gold (document, code) pairs
    std::int64_t truePositives = 0;
    double precision = 0.0;
    double recall = 0.0;
    double f1 = 0.0;
};

// Accumulates CodiEsp-X counts document by document. Not thread-safe; one per thread and merge().
class CodiespXScorer {
public:
    // One document's predicted spans (the codes the system asserts, each with any number of spans) and gold
    // spans.
    void add(const std::vector<CodiespXSpan>& predicted, const std::vector<CodiespXSpan>& gold);
    void merge(const CodiespXScorer& other);
    CodiespXScores scores() const;

private:
    CodiespXScores m_counts;
};

// The official containment rule for one predicted and one gold span.
bool codiespXSpanMatches(std::int64_t predictedBegin, std::int64_t predictedEnd, std::int64_t goldBegin,
                         std::int64_t goldEnd);

} // namespace fc
