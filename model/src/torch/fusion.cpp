#include "torch/fusion.h"

#include <string>

namespace fc::net {

FusionBranchImpl::FusionBranchImpl(const FusionOptions& o, std::int64_t kernel) {
    TORCH_CHECK(kernel % 2 == 1, "Fusion filter sizes must be odd, got ", kernel);
    const auto d = o.embedding_dim();
    baseconv = register_module("baseconv",
                               torch::nn::Conv1d(torch::nn::Conv1dOptions(d, d, kernel).padding(kernel / 2)));
    torch::nn::init::xavier_uniform_(baseconv->weight);
    pool =
        register_module("basevonb-pool-0", SoftPool(SoftPoolOptions(d, o.pool_size()).pooling(o.pooling())));
    // Residual dropout is 0 when the transformer is used (the authors' -use_transformer).
    resconv = register_module(
        "resconv-0",
        ResidualBlock(ResidualBlockOptions(d, o.filter_maps(), kernel).norm(Normalisation::Group)));
}

torch::Tensor FusionBranchImpl::forward(const torch::Tensor& x, torch::Tensor* poolWeights) {
    return resconv(pool->forward(torch::tanh(baseconv(x)), poolWeights));
}

FusionImpl::FusionImpl(const FusionOptions& o) : options(o) {
    TORCH_CHECK(!o.filter_sizes().empty(), "Fusion needs at least one filter size");
    word_rep = register_module(
        "word_rep", WordRep(WordRepOptions(o.vocab_rows(), o.embedding_dim()).dropout(o.dropout())));
    conv = register_module("conv", torch::nn::ModuleDict());
    for (const auto k : o.filter_sizes())
        conv->update({{"channel-" + std::to_string(k), FusionBranch(o, k).ptr()}});
    const auto features = o.filter_maps() * static_cast<std::int64_t>(o.filter_sizes().size());
    transfer = register_module("transfer", Transfer(TransferOptions()
                                                        .model_dim(features)
                                                        .heads(o.heads())
                                                        .ffn_dim(o.ffn_dim())
                                                        .layers(o.transformer_layers())
                                                        .max_positions(o.max_length())
                                                        .head_split(o.head_split())));
    transfer_dropout = register_module("transfer_dropout", torch::nn::Dropout(o.dropout()));
    output_layer = register_module(
        "output_layer",
        OutputLayer(OutputLayerOptions(features, o.labels()).shared_attention(o.doc_level_attention())));
}

FusionOutput FusionImpl::forward(const torch::Tensor& ids, bool wantPoolWeights, bool wantAttention) {
    TORCH_CHECK(ids.dim() == 2 && ids.size(1) >= 1, "Fusion expects ids [B, n] with n >= 1");
    // [B, d, n] as a transposed view of the embedding, as the authors' code has it. At inference it is made
    // contiguous once (d x n floats): with the view, LibTorch 1.13 ran the six base convolutions as slowly as
    // with channels-last input, 1.3-1.5x slower than from a contiguous copy (AVX2 EPYC, docs/PERFORMANCE.md).
    auto x = word_rep(ids).transpose(1, 2);
    if (inferenceOnly())
        x = x.contiguous();
    std::vector<torch::Tensor> local, weights;
    for (const auto& item : *conv) {
        torch::Tensor w;
        local.push_back(
            item.value()->as<FusionBranch>()->forward(x, wantPoolWeights ? &w : nullptr).transpose(1, 2));
        if (wantPoolWeights)
            weights.push_back(w);
    }
    const auto g = transfer_dropout(torch::tanh(transfer(torch::cat(local, 2))));
    auto [logits, attention] = output_layer->infer(g, wantAttention); // forward() while training
    FusionOutput out{logits, attention, {}, {}, {}};
    // What each position added to each logit, for the Engine's evidence: only without autograd.
    if (wantAttention && !torch::GradMode::is_enabled()) {
        out.features = g;
        out.labelWeights = output_layer->final->weight;
    }
    if (wantPoolWeights)
        out.poolWeights = torch::stack(weights, 1);
    return out;
}

} // namespace fc::net
