#pragma once
// The one interface through which the trainer, the checkpoint code and the Engine use a network
// (Fusion, its ablations and the baselines). Internal to fc::model (torch types).
//
// Contracts:
// - ids: [B, n] int64 word ids (0 = PAD, 1..V words, V + 1 = UNK), n >= 1, batch right-padded with 0.
//   No masks: padding takes part everywhere, as in the authors' code.
// - Training: module().train(); loss = torch::binary_cross_entropy_with_logits(out.logits, targets) (mean).
//   Optimise only parameters with requires_grad() (Fusion's positional table is a fixed parameter).
// - Inference: module().eval() under torch::InferenceMode.
// - Not thread-safe for concurrent forward() in train mode; in eval/InferenceMode concurrent forward()
//   calls on one network are safe (no state is mutated).
#include "fc/model/modelfiles.h"

#include <torch/nn.h>
#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fc::net {

struct NetworkOutput {
    torch::Tensor logits;    // [B, Y] pre-sigmoid scores
    torch::Tensor attention; // [B, Y, P] code-wise attention over positions (rows sum to 1)
    // [B, m, n]: per branch, the weight each token got inside its pooling window (soft-pool softmax, or
    // one-hot of the max for fusion-maxpool); defined only when requested and the arch pools.
    torch::Tensor poolWeights;
    // Inference only, with the attention, for networks that can tell what each position added to each logit
    // (Fusion): the label attention's input h [B, P, D] and the output weights w [Y, D]. Position t added
    // alpha_yt (w_y . h_t) to code y's logit (summed over t, plus the bias, it is the logit). The Engine
    // ranks evidence by it, so the highlighted passage is the one that raised the code's score most (issue
    // #13), and asks contributionRows() for the few codes that can still get evidence: computing it for every
    // code cost a fifth of the inference time (issue #14).
    torch::Tensor features;
    torch::Tensor labelWeights;
};

// [k, P]: what each position of batch item b added to the logits of `labels` (int64 [k]), in the output's
// dtype; undefined when the network cannot tell (no features).
torch::Tensor contributionRows(const NetworkOutput& out, std::int64_t b, const torch::Tensor& labels);

// How attention positions map back to tokens: position p covers tokens
// [p*tokensPerPosition - receptiveRadius, (p+1)*tokensPerPosition - 1 + receptiveRadius] (clamped);
// receptiveRadius is the widest branch's (fusion-spec.md 5.1).
struct PositionGeometry {
    std::int64_t tokensPerPosition = 1;
    std::int64_t receptiveRadius = 0;
    std::int64_t positionsFor(std::int64_t tokens) const {
        return (tokens + tokensPerPosition - 1) / tokensPerPosition;
    }
};

class Network {
public:
    virtual ~Network() = default;
    virtual NetworkOutput forward(const torch::Tensor& ids, bool wantPoolWeights = false) = 0;
    // Inference (eval, autograd off): forward()'s logits; the attention only if wantAttention (Fusion then
    // skips the [B, Y, P] matrix, 45 MB per window at 8,921 labels). Default: forward().
    virtual NetworkOutput infer(const torch::Tensor& ids, bool wantAttention);
    // parameters(), named_parameters(), named_buffers(), train(), eval(), to(), zero_grad().
    virtual torch::nn::Module& module() = 0;
    virtual const torch::nn::Module& module() const = 0;
    virtual PositionGeometry geometry() const = 0;
    // DR-CAML only: the description regulariser (fusion-spec.md 6 / CAML paper) for one batch.
    // descriptions[y]: token ids of label y's description (may be empty); targets [B, Y] in {0,1}.
    // Returns a scalar to add to the loss; zero for every other architecture.
    virtual torch::Tensor descriptionLoss(const torch::Tensor& targets,
                                          const std::vector<torch::Tensor>& descriptions);
    // A training term of the architecture itself, for the batch of the last forward() in train mode, to add
    // to the loss: JointLAAT's parent-level BCE (jointlaat.h). targets [B, Y] in {0,1}. Zero for every other
    // architecture, and when no train-mode forward() came before.
    virtual torch::Tensor auxiliaryLoss(const torch::Tensor& targets);
    // One-time fits of a fresh network from its training data, before the first epoch (a resumed run and a
    // loaded model take the results from the checkpoint, where they are buffers). No-ops by default.
    // trainLabels[i]: the label indices of training note i. HyperCore: the co-occurrence graph and the
    // hierarchy's Poincaré embedding (hypercore.h).
    virtual void fitLabelStatistics(const std::vector<std::vector<std::int32_t>>& trainLabels);
    // descriptions[y]: token ids of label y's description (may be empty). C-MemNN: its memory (cmemnn.h).
    // Returns how many labels took a description.
    virtual std::size_t setLabelDescriptions(const std::vector<torch::Tensor>& descriptions);
    const ModelConfig& config() const { return m_config; }

protected:
    explicit Network(ModelConfig config) : m_config(std::move(config)) {}

private:
    ModelConfig m_config;
};

// Builds config.arch with config.labels.size() outputs and config.vocabularySize + 2 embedding rows,
// initialised as fusion-spec.md 1.2 / 2 say, from the current torch RNG state (seed with torch::manual_seed).
// Throws ModelError on an unknown arch or inconsistent options.
std::unique_ptr<Network> makeNetwork(const ModelConfig& config);

// name -> tensor of every checkpoint entry (parameters, then buffers), i.e. the authors' state_dict.
std::vector<std::pair<std::string, torch::Tensor>> stateDict(const Network& network);

} // namespace fc::net
