#pragma once
// Evidence-supervised label attention (issue #13; MDACE-style): an extra loss term that puts each code's
// label-attention mass on the attention positions covering its gold evidence (CodiEsp-X spans, or English
// sentences projected from them). Internal to fc::model (torch types).
//
// Per (note, code) pair with gold evidence inside the note's first maxTokens tokens:
//   L_pair = -log(sum over gold positions p of attention[note, code, p] + 1e-8)
// where the gold positions are those whose own g tokens (tokensPerPosition, the compressed window; the
// receptive field is not counted) include a token overlapping a gold span. The batch term is the mean of
// L_pair over the batch's pairs (0, with no gradient, when the batch has none); the trainer adds
// evidence_attention_weight x that term to the BCE loss. Its gradient raises the gold positions' logits and
// lowers every other position's (the attention is a softmax over positions), for exactly the pairs that
// have evidence, whatever the code's score.
#include "fc/model/dataset.h"

#include "torch/trainer_data.h"

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace fc::trainer {

// The gold attention positions of one note: (label index, ascending distinct positions) per code with
// evidence.
struct NoteEvidence {
    std::vector<std::pair<std::int32_t, std::vector<std::int64_t>>> codes;
};

// One entry per note of `notes` (documents[note.source] holds its text and evidence). Codes outside
// `labels`, and spans beyond the first maxTokens tokens, are left out.
std::vector<NoteEvidence> evidencePositions(const std::vector<Document>& documents,
                                            const std::vector<EncodedNote>& notes,
                                            const std::vector<std::string>& labels,
                                            std::int64_t tokensPerPosition, std::int64_t maxTokens);

// attention [B, Y, P] (rows sum to 1); batch[b] = the evidence of row b (nullptr or empty: none).
torch::Tensor evidenceAttentionLoss(const torch::Tensor& attention,
                                    const std::vector<const NoteEvidence*>& batch);

// How many (note, code) pairs carry evidence (for the training log).
std::size_t evidencePairCount(const std::vector<NoteEvidence>& evidence);

} // namespace fc::trainer
