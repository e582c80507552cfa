#pragma once
// Agreement of predicted evidence spans with coder-annotated (gold) evidence, for `eval`'s
// evidence_token_f1 and evidence_hit_at_1 (interfaces.md).
//
// Unit of evaluation: one (document, code) pair that has gold evidence and whose code is in the model's label
// set — the caller decides which pairs qualify and feeds each once, whatever the code's score (a code the
// model ranks low still has its attention and thus predicted spans).
// Token level, per pair, over the tokens the caller passes (the tokens the model saw):
//   gold token      = a token overlapping at least one gold span of that code (code points, [begin, end));
//   predicted token = a token overlapping at least one predicted span (extractEvidence spans start and end on
//                     token boundaries, so this is "covered by").
//   Two half-open ranges overlap iff max(begins) < min(ends).
// A pair none of whose gold spans overlaps a passed token (evidence in truncated text) is not counted; it is
// reported in pairs_without_gold_tokens (as Edin et al. 2024 drop such pairs).
// evidence_token_f1 = micro F1 over all counted pairs: 2 tp / (2 tp + fp + fn) with tp, fp, fn summed over
// pairs. evidence_hit_at_1 = fraction of counted pairs whose first (strongest) predicted span overlaps a gold
// span of
//                     that code (in code points); a pair without predicted spans is a miss.
// Ratios with a zero denominator are 0. Not thread-safe (an accumulator); use one per thread and merge().
#include "fc/model/prediction.h"
#include "fc/model/tokenizer.h"

#include <cstdint>
#include <vector>

namespace fc {

// A code-point range of the note, half-open.
struct TextSpan {
    std::int64_t begin = 0;
    std::int64_t end = 0;
};

struct EvidenceScores {
    std::int64_t pairs = 0;                     // counted pairs
    std::int64_t pairs_without_gold_tokens = 0; // fed but not counted
    std::int64_t true_positive_tokens = 0;
    std::int64_t false_positive_tokens = 0;
    std::int64_t false_negative_tokens = 0;
    std::int64_t hits_at_1 = 0;
    double token_precision = 0.0;
    double token_recall = 0.0;
    double token_f1 = 0.0; // evidence_token_f1
    double hit_at_1 = 0.0; // evidence_hit_at_1
};

class EvidenceScorer {
public:
    // tokens: the tokens the model saw, in text order with non-overlapping code-point spans. predicted: the
    // code's spans strongest first. gold: the code's gold spans, any order, may overlap.
    void add(const std::vector<Token>& tokens, const std::vector<EvidenceSpan>& predicted,
             const std::vector<TextSpan>& gold);
    void merge(const EvidenceScorer& other);
    EvidenceScores scores() const;

private:
    EvidenceScores m_counts;
};

} // namespace fc
