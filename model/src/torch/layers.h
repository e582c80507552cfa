#pragma once
// Building blocks shared by Fusion and the baselines. Registered submodule names are the authors'
// state_dict names (fusion-spec.md section 8; MultiResCNN repo) and must not change.
// Tensors are channels-first [B, C, L] unless stated otherwise.
#include <torch/nn.h>
#include <torch/types.h>

namespace fc::net {

// `word_rep`: embedding (registered as `embed`, padding_idx 0) followed by dropout.
struct WordRepOptions {
    WordRepOptions(std::int64_t rows, std::int64_t dim) : rows_(rows), dim_(dim) {}
    TORCH_ARG(std::int64_t, rows); // V + 2
    TORCH_ARG(std::int64_t, dim);
    TORCH_ARG(double, dropout) = 0.2;
};

class WordRepImpl : public torch::nn::Module {
public:
    explicit WordRepImpl(const WordRepOptions& options);
    // ids [B, n] int64 -> [B, n, dim]
    torch::Tensor forward(const torch::Tensor& ids);
    // Random unit-length rows, row 0 zeros (what the authors' loader does to word2vec rows and UNK).
    void resetToRandomUnitRows();

    torch::nn::Embedding embed{nullptr};
    torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(WordRep);

enum class Normalisation { Group, Batch };

// `resconv-i`: left = Conv(k, no bias) -> Norm -> Tanh -> Conv(k, no bias) -> Norm,
// shortcut = Conv(1, no bias) -> Norm; out = dropout(tanh(left + shortcut)). Length preserved (odd k).
// Group = GroupNorm(1, C) (Fusion's ResidualBlockHidden), Batch = BatchNorm1d (MultiResCNN's ResidualBlock).
struct ResidualBlockOptions {
    ResidualBlockOptions(std::int64_t in, std::int64_t out, std::int64_t kernel)
        : in_(in), out_(out), kernel_(kernel) {}
    TORCH_ARG(std::int64_t, in);
    TORCH_ARG(std::int64_t, out);
    TORCH_ARG(std::int64_t, kernel);
    TORCH_ARG(Normalisation, norm) = Normalisation::Group;
    TORCH_ARG(double, dropout) = 0.0;
};

class ResidualBlockImpl : public torch::nn::Module {
public:
    explicit ResidualBlockImpl(const ResidualBlockOptions& options);
    torch::Tensor forward(const torch::Tensor& x);

    torch::nn::Sequential left{nullptr};
    torch::nn::Sequential shortcut{nullptr};
    torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(ResidualBlock);

enum class Pooling { SoftAttention, Max };

// `basevonb-pool-i` (the authors' AttentionBolckV2): non-overlapping windows of `window` positions;
// SoftAttention weights each window's positions by softmax of a 1x1 conv score (`att_conv.0`, no bias),
// Max takes the element-wise max (the paper's MaxPool ablation; no parameters). An incomplete last window
// is right-padded with zero columns (scores 0 for SoftAttention; ignored by Max).
struct SoftPoolOptions {
    SoftPoolOptions(std::int64_t channels, std::int64_t window) : channels_(channels), window_(window) {}
    TORCH_ARG(std::int64_t, channels);
    TORCH_ARG(std::int64_t, window) = 2;
    TORCH_ARG(Pooling, pooling) = Pooling::SoftAttention;
};

class SoftPoolImpl : public torch::nn::Module {
public:
    explicit SoftPoolImpl(const SoftPoolOptions& options);
    // x [B, C, n] -> [B, C, ceil(n / window)]; *weights (if given) receives [B, n], each token's weight
    // inside its window.
    torch::Tensor forward(const torch::Tensor& x, torch::Tensor* weights = nullptr);

    SoftPoolOptions options;
    torch::nn::Sequential att_conv{nullptr};
};
TORCH_MODULE(SoftPool);

// `output_layer`: code-wise attention (U, Xavier; U.bias exists but is unused) and per-code linear `final`
// (Xavier weight). labels rows in U: Y for per-code attention, 1 for the DocLevel ablation (one shared
// attention vector; its attention is broadcast to every code).
struct OutputLayerOptions {
    OutputLayerOptions(std::int64_t features, std::int64_t labels) : features_(features), labels_(labels) {}
    TORCH_ARG(std::int64_t, features);
    TORCH_ARG(std::int64_t, labels);
    TORCH_ARG(bool, shared_attention) = false;
};

class OutputLayerImpl : public torch::nn::Module {
public:
    explicit OutputLayerImpl(const OutputLayerOptions& options);
    // g [B, P, features] -> {logits [B, Y], attention [B, Y, P]}
    std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& g);
    // Inference only (autograd off): the same per-label operations, labels taken `kLabelBlock` at a time so a
    // block's [rows, P] logits stay in cache and the [Y, P] matrix is written once (into `attention`, only if
    // wanted) instead of allocated and passed over three times. Equal to forward() within float rounding.
    // Falls back to forward() while autograd records.
    std::pair<torch::Tensor, torch::Tensor> infer(const torch::Tensor& g, bool wantAttention);
    static constexpr std::int64_t kLabelBlock = 256;

    OutputLayerOptions options;
    torch::nn::Linear U{nullptr};
    torch::nn::Linear final{nullptr};
};
TORCH_MODULE(OutputLayer);

// Runs `norm` (a normalisation module's forward) in the dtype of its `weight`: in fast mode the network is
// bfloat16 but its normalisations stay float32 (Engine::load), so x goes there and the result comes back.
template <class Norm>
torch::Tensor inWeightDtype(const torch::Tensor& weight, const torch::Tensor& x, Norm&& norm) {
    if (!weight.defined() || weight.scalar_type() == x.scalar_type())
        return norm(x);
    return norm(x.to(weight.scalar_type())).to(x.scalar_type());
}

// True while no autograd graph is recorded (InferenceMode or NoGradGuard): the layers then take inference
// shortcuts that give the same values within float rounding (issue #14).
bool inferenceOnly();

// A kernel-1 Conv1d (stride 1, no padding, no groups) on x [B, C, L]. At inference it is a matrix product
// W [O, C] x [C, L] (+ bias), without LibTorch's convolution dispatch (im2col at one thread, a oneDNN weight
// reorder per call at more); while training it is the module itself.
torch::Tensor pointwiseConv(torch::nn::Conv1dImpl& conv, const torch::Tensor& x);

} // namespace fc::net
