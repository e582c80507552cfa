#pragma once
// The masked loss of fine-tuning (internal to fc::model; finetune.h describes it).
#include <torch/types.h>

namespace fc::finetune {

// logits, targets, mask: [B, Y] float. Mean over entries with mask != 0 of BCE-with-logits; entries with
// mask == 0 contribute nothing to the value and get an exactly zero gradient. 0 when nothing is unmasked.
torch::Tensor maskedBce(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& mask);

} // namespace fc::finetune
