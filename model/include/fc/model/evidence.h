#pragma once
// Evidence extraction: one code's attention over the model's positions -> ranked code-point spans of the
// note.
//
// Geometry. Position p of the attention covers the "core" tokens
//     [p * stride - left, p * stride + stride - 1 + right]
// of the window the attention belongs to (token 0 = first token the model saw in that window):
//   Fusion (and its ablations)  stride 2, left 0, right 0: the soft pool merged tokens 2p and 2p + 1;
//   MultiResCNN                 stride 1, left 0, right 0: one position per token;
//   CAML / DR-CAML              stride 1, left 0, right k - 1 (k = 10): caml-mimic's interpret.py reads the
//                               weight at t as explaining the k-gram [t, t + k).
// The true receptive field is much wider (Fusion, k = 25: 5 (k - 1) / 2 = 60 tokens each side, before the
// self-attention mixes all positions; MultiResCNN: base conv + two residual convs at token rate,
// 3 (k - 1) / 2 = 36 tokens each side; CAML: the k-gram itself). Highlighting 70-120 tokens per
// position marks most of a short note and tells a coder nothing, so the default widens each core window only
// by `contextTokens` (1) on each side for readability; EvidenceGeometry::fullReceptiveField keeps the
// faithful mode available (see evidenceOptionsFor).
//
// Procedure (deterministic):
// 1. Real positions are p < min(attention size, ceil(tokens / stride)); later positions are padding and
//    ignored. Negative or non-finite weights count as 0. The code's mass M = sum of real weights; M <= 0
//    gives no evidence.
// 2. Seeds: the `maxSeedPositions` real positions with the largest weight (> 0; ties: lower position first).
//    caml-mimic's interpret.py uses the top 10.
// 3. Each seed becomes its core window widened by contextTokens on both sides, clipped to the tokens.
//    Windows that overlap or touch (next first token <= previous last token + 1) merge into one span.
// 4. Span weight = (sum of the weights of every real position whose core window lies inside the span) / M,
//    i.e. the share of the code's attention mass that the highlighted text holds. Spans are disjoint, so
//    their weights sum to at most 1.
// 5. Spans with weight < minShare are dropped; the rest are ranked by weight descending (ties: earlier text
//    first) and the first maxSpans kept.
// 6. Span [first token, last token] -> code points [tokens[first].begin, tokens[last].end).
// Thread-safe: pure function.
#include "fc/model/prediction.h"
#include "fc/model/tokenizer.h"

#include <cstddef>
#include <string>
#include <vector>

namespace fc {

struct EvidenceOptions {
    int tokensPerPosition = 2; // stride: 2 for Fusion, 1 for MultiResCNN and CAML
    int leftTokens = 0;        // core window reaches this many tokens before p * stride
    int rightTokens = 0;       // and this many after p * stride + stride - 1
    int contextTokens = 1;     // readability widening on both sides of each seed window
    int maxSeedPositions = 10; // strongest positions that start spans
    int maxSpans = 3;          // spans returned at most
    double minShare = 0.02;    // spans holding less than this share of the code's attention mass are dropped
};

enum class EvidenceGeometry {
    Readable,           // core window + EvidenceOptions{}.contextTokens
    FullReceptiveField, // core window widened to the convolutional receptive field, no extra context
};

// Options for a model architecture as named in ModelInfo::arch ("fusion", "fusion-maxpool",
// "fusion-doclevel", "multirescnn", "caml", "drcaml", "laat", "jointlaat", "clstm-att", "msatt-kg",
// "cmemnn", "hypercore").
// `kernel` is the largest convolution kernel (25 for Fusion and MultiResCNN, 10 for CAML; unused by the
// others); 0 selects that default. Throws std::invalid_argument for another name.
EvidenceOptions evidenceOptionsFor(const std::string& arch,
                                   EvidenceGeometry geometry = EvidenceGeometry::Readable, int kernel = 0);

// attention: `positions` weights of one code (a row of the model's [Y, P] attention, P >= real positions;
// extra positions are padding). tokens: the `tokenCount` tokens of the window the attention belongs to,
// in text order, with code-point offsets into the whole note. Returns spans strongest first, weights in (0,
// 1]. Throws std::invalid_argument for a stride < 1, negative widening, maxSpans < 0 or maxSeedPositions < 0.
std::vector<EvidenceSpan> extractEvidence(const float* attention, std::size_t positions, const Token* tokens,
                                          std::size_t tokenCount, const EvidenceOptions& options = {});

inline std::vector<EvidenceSpan> extractEvidence(const std::vector<float>& attention,
                                                 const std::vector<Token>& tokens,
                                                 const EvidenceOptions& options = {}) {
    return extractEvidence(attention.data(), attention.size(), tokens.data(), tokens.size(), options);
}

} // namespace fc
