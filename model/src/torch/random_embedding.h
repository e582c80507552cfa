#pragma once
// The harness's random word embedding (internal to fc::model): every row a random unit vector, the PAD row
// (0) zero. Fusion's WordRep, the baselines and the issue-17 networks all start from it unless
// `train --embeddings` or CBOW vectors replace it.
#include <torch/types.h>

namespace fc::net {

// A tensor shaped like `like` with random unit rows and row 0 zero (drawn from LibTorch's generator).
torch::Tensor randomUnitRows(const torch::Tensor& like);

} // namespace fc::net
