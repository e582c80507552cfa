#include "torch/laat.h"

#include <torch/nn/utils/rnn.h>

#include <stdexcept>

namespace fc::net {

namespace {

// The authors' _init_weights: N(0, 0.03) weights, zero biases where a layer has one; the output layer keeps
// PyTorch's default bias initialisation.
void normalInit(torch::nn::Linear& layer) {
    torch::NoGradGuard noGrad;
    layer->weight.normal_(0.0, 0.03);
}

} // namespace

LaatAttentionImpl::LaatAttentionImpl(const LaatOptions& o) {
    using torch::nn::Linear;
    using torch::nn::LinearOptions;
    const auto size = 2 * o.hidden();
    first_linears = register_module("first_linears", torch::nn::ModuleList());
    second_linears = register_module("second_linears", torch::nn::ModuleList());
    third_linears = register_module("third_linears", torch::nn::ModuleList());
    for (std::size_t level = 0; level < o.level_labels().size(); ++level) {
        const auto labels = o.level_labels()[level];
        Linear first(LinearOptions(size, o.attention_dim()).bias(false));
        Linear second(LinearOptions(o.attention_dim(), labels).bias(false));
        Linear third(LinearOptions(size + (level > 0 ? o.level_projection() : 0), labels));
        normalInit(first);
        normalInit(second);
        normalInit(third);
        first_linears->push_back(first);
        second_linears->push_back(second);
        third_linears->push_back(third);
    }
}

std::pair<torch::Tensor, torch::Tensor>
LaatAttentionImpl::forward(const torch::Tensor& h, const torch::Tensor& previous, std::size_t level) {
    auto first = first_linears->ptr<torch::nn::LinearImpl>(level);
    auto second = second_linears->ptr<torch::nn::LinearImpl>(level);
    auto third = third_linears->ptr<torch::nn::LinearImpl>(level);
    const auto z = torch::tanh(first->forward(h));                        // [B, n, d_a]
    const auto a = torch::softmax(second->forward(z), 1).transpose(1, 2); // [B, Y, n]
    auto v = torch::matmul(a, h);                                         // [B, Y, 2u]
    if (previous.defined())
        v = torch::cat({v, previous.unsqueeze(1).expand({v.size(0), v.size(1), previous.size(1)})}, 2);
    const auto logits = (third->weight.unsqueeze(0) * v).sum(2) + third->bias;
    return {logits, a};
}

LaatEmbeddingImpl::LaatEmbeddingImpl(std::int64_t rows, std::int64_t dim) {
    embeddings = register_module("embeddings", torch::nn::Embedding(torch::nn::EmbeddingOptions(rows, dim)));
}

LaatImpl::LaatImpl(const LaatOptions& o) : options(o) {
    if (o.level_labels().empty())
        throw std::invalid_argument("LAAT needs at least one label level");
    for (const auto y : o.level_labels())
        if (y < 1)
            throw std::invalid_argument("LAAT: every label level needs at least one label");
    if (o.hidden() < 1 || o.attention_dim() < 1 || o.embedding_dim() < 1 || o.level_projection() < 1)
        throw std::invalid_argument("LAAT: sizes must be >= 1");
    embedding = register_module("embedding", LaatEmbedding(o.vocab_rows(), o.embedding_dim()));
    dropout = register_module("dropout", torch::nn::Dropout(o.dropout()));
    rnn = register_module(
        "rnn", torch::nn::LSTM(torch::nn::LSTMOptions(o.embedding_dim(), o.hidden()).bidirectional(true)));
    attention = register_module("attention", LaatAttention(o));
    if (o.level_labels().size() > 1) {
        projection_linears = register_module("projection_linears", torch::nn::ModuleList());
        for (const auto y : o.level_labels())
            projection_linears->push_back(
                torch::nn::Linear(torch::nn::LinearOptions(y, o.level_projection()).bias(false)));
    }
}

LaatOutput LaatImpl::forward(const torch::Tensor& ids) {
    namespace rnnutil = torch::nn::utils::rnn;
    const auto n = ids.size(1);
    // Length of each right-padded row: one past its last non-PAD token (at least 1, so that an all-PAD row
    // still packs).
    const auto positions = torch::arange(1, n + 1, ids.options());
    const auto lengths = (ids.ne(0).to(ids.scalar_type()) * positions).amax(1).clamp_min(1).to(torch::kCPU);

    auto x = dropout(embedding(ids)).transpose(0, 1); // [n, B, d]: the authors' sequence-first LSTM
    const auto packed = rnnutil::pack_padded_sequence(x, lengths, /*batch_first=*/false,
                                                      /*enforce_sorted=*/false);
    const auto encoded = std::get<0>(rnn->forward_with_packed_input(packed));
    const auto h = std::get<0>(rnnutil::pad_packed_sequence(encoded, /*batch_first=*/false, 0.0, n))
                       .transpose(0, 1); // [B, n, 2u], zeros after each row's length

    LaatOutput out;
    torch::Tensor previous;
    const auto levels = options.level_labels().size();
    for (std::size_t level = 0; level < levels; ++level) {
        auto [logits, weights] = attention->forward(h, previous, level);
        if (level + 1 < levels)
            previous = torch::sigmoid(
                projection_linears->ptr<torch::nn::LinearImpl>(level)->forward(torch::sigmoid(logits)));
        out.logits.push_back(logits);
        out.attention.push_back(weights);
    }
    return out;
}

} // namespace fc::net
