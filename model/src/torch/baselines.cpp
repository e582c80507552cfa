#include "torch/baselines.h"

#include <string>

namespace fc::net {

MultiResCnnBranchImpl::MultiResCnnBranchImpl(const MultiResCnnOptions& o, std::int64_t kernel) {
    const auto d = o.embedding_dim();
    baseconv = register_module("baseconv",
                               torch::nn::Conv1d(torch::nn::Conv1dOptions(d, d, kernel).padding(kernel / 2)));
    torch::nn::init::xavier_uniform_(baseconv->weight);
    resconv = register_module("resconv-0", ResidualBlock(ResidualBlockOptions(d, o.filter_maps(), kernel)
                                                             .norm(Normalisation::Batch)
                                                             .dropout(o.dropout())));
}

torch::Tensor MultiResCnnBranchImpl::forward(const torch::Tensor& x) {
    return resconv(torch::tanh(baseconv(x)));
}

MultiResCnnImpl::MultiResCnnImpl(const MultiResCnnOptions& o) : options(o) {
    word_rep = register_module(
        "word_rep", WordRep(WordRepOptions(o.vocab_rows(), o.embedding_dim()).dropout(o.dropout())));
    conv = register_module("conv", torch::nn::ModuleDict());
    for (const auto k : o.filter_sizes())
        conv->update({{"channel-" + std::to_string(k), MultiResCnnBranch(o, k).ptr()}});
    output_layer = register_module(
        "output_layer",
        OutputLayer(OutputLayerOptions(o.filter_maps() * static_cast<std::int64_t>(o.filter_sizes().size()),
                                       o.labels())));
}

std::pair<torch::Tensor, torch::Tensor> MultiResCnnImpl::forward(const torch::Tensor& ids) {
    const auto x = word_rep(ids).transpose(1, 2);
    std::vector<torch::Tensor> branches;
    for (const auto& item : *conv)
        branches.push_back(item.value()->as<MultiResCnnBranch>()->forward(x).transpose(1, 2));
    return output_layer(torch::cat(branches, 2));
}

CamlImpl::CamlImpl(const CamlOptions& o) : options(o) {
    using torch::nn::Conv1dOptions;
    embed = register_module(
        "embed",
        torch::nn::Embedding(torch::nn::EmbeddingOptions(o.vocab_rows(), o.embedding_dim()).padding_idx(0)));
    embed_drop = register_module("embed_drop", torch::nn::Dropout(o.dropout()));
    conv = register_module(
        "conv", torch::nn::Conv1d(
                    Conv1dOptions(o.embedding_dim(), o.filter_maps(), o.kernel()).padding(o.kernel() / 2)));
    torch::nn::init::xavier_uniform_(conv->weight);
    U = register_module("U", torch::nn::Linear(o.filter_maps(), o.labels()));
    torch::nn::init::xavier_uniform_(U->weight);
    final = register_module("final", torch::nn::Linear(o.filter_maps(), o.labels()));
    torch::nn::init::xavier_uniform_(final->weight);
    if (o.description_regulariser()) {
        desc_embedding = register_module(
            "desc_embedding",
            torch::nn::Embedding(
                torch::nn::EmbeddingOptions(o.vocab_rows(), o.embedding_dim()).padding_idx(0)));
        label_conv = register_module(
            "label_conv",
            torch::nn::Conv1d(
                Conv1dOptions(o.embedding_dim(), o.filter_maps(), o.kernel()).padding(o.kernel() / 2)));
        torch::nn::init::xavier_uniform_(label_conv->weight);
        label_fc1 = register_module("label_fc1", torch::nn::Linear(o.filter_maps(), o.filter_maps()));
        torch::nn::init::xavier_uniform_(label_fc1->weight);
    }
}

std::pair<torch::Tensor, torch::Tensor> CamlImpl::forward(const torch::Tensor& ids) {
    const auto x = torch::tanh(conv(embed_drop(embed(ids)).transpose(1, 2)).transpose(1, 2)); // [B, L, F]
    const auto alpha = torch::softmax(U->weight.matmul(x.transpose(1, 2)), 2);
    const auto logits = final->weight.mul(alpha.matmul(x)).sum(2).add(final->bias);
    return {logits, alpha};
}

torch::Tensor CamlImpl::descriptionLoss(const torch::Tensor& targets,
                                        const std::vector<torch::Tensor>& descriptions) {
    auto total = torch::zeros({}, final->weight.options());
    if (!options.description_regulariser() || targets.size(0) == 0)
        return total;
    for (std::int64_t b = 0; b < targets.size(0); ++b) {
        const auto gold = torch::nonzero(targets[b] > 0.5).flatten();
        for (std::int64_t i = 0; i < gold.size(0); ++i) {
            const auto y = gold[i].item<std::int64_t>();
            if (y >= static_cast<std::int64_t>(descriptions.size()) || descriptions[y].numel() == 0)
                continue;
            auto d = label_conv(desc_embedding(descriptions[y].view({1, -1})).transpose(1, 2));
            d = std::get<0>(torch::tanh(d).max(2)); // [1, F]
            const auto by = label_fc1(d).squeeze(0);
            total = total + (final->weight[y] - by).pow(2).mean();
        }
    }
    return total * options.lambda() / static_cast<double>(targets.size(0));
}

} // namespace fc::net
