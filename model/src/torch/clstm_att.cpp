#include "torch/clstm_att.h"
#include "torch/network_defaults.h"
#include "torch/random_embedding.h"

#include "fc/model/errors.h"

#include <stdexcept>

namespace fc::net {

namespace {

// Defaults where the paper's text was not available (docs/MODELS.md, C-LSTM-Att).
constexpr std::int64_t kDefaultHidden = 128;
constexpr std::int64_t kDefaultSegment = 10;

} // namespace

ClstmAttImpl::ClstmAttImpl(const ClstmAttOptions& o) : options(o) {
    if (o.labels() < 1 || o.hidden() < 1 || o.segment() < 1 || o.embedding_dim() < 1)
        throw std::invalid_argument("C-LSTM-Att: sizes must be >= 1");
    embed = register_module(
        "embed", torch::nn::Embedding(torch::nn::EmbeddingOptions(o.vocab_rows(), o.embedding_dim())));
    dropout = register_module("dropout", torch::nn::Dropout(o.dropout()));
    lstm = register_module(
        "lstm", torch::nn::LSTM(torch::nn::LSTMOptions(o.embedding_dim(), o.hidden()).batch_first(true)));
    code_attention = register_module(
        "code_attention", torch::nn::Linear(torch::nn::LinearOptions(o.hidden(), o.labels()).bias(false)));
    final = register_module("final", torch::nn::Linear(o.hidden(), o.labels()));
}

std::pair<torch::Tensor, torch::Tensor> ClstmAttImpl::forward(const torch::Tensor& ids) {
    const auto batch = ids.size(0);
    const auto k = options.segment();
    const auto segments = (ids.size(1) + k - 1) / k;
    // Right-pad with PAD to whole segments; a segment of padding is a description of PAD embeddings (zero
    // rows), which takes part in the softmax like the padding of every other network here.
    const auto padded = torch::constant_pad_nd(ids, {0, segments * k - ids.size(1)}, 0);
    const auto x = dropout(embed(padded.view({batch * segments, k})));  // [B*S, k, d]
    const auto finalState = std::get<0>(std::get<1>(lstm->forward(x))); // [1, B*S, u]
    const auto h = finalState.squeeze(0).view({batch, segments, options.hidden()});
    const auto a = torch::softmax(code_attention(h), 1).transpose(1, 2); // [B, Y, S]
    const auto v = torch::matmul(a, h);                                  // [B, Y, u]
    const auto logits = (final->weight.unsqueeze(0) * v).sum(2) + final->bias;
    return {logits, a};
}

namespace {

class ClstmAttNetwork final : public Network {
public:
    explicit ClstmAttNetwork(const ModelConfig& c)
        : Network(c), m_net(ClstmAttOptions(c.vocabularySize + 2, static_cast<std::int64_t>(c.labels.size()))
                                .embedding_dim(c.options.embeddingDim)
                                .hidden(orDefault(c.options.rnnHidden, kDefaultHidden))
                                .segment(orDefault(c.options.segmentTokens, kDefaultSegment))
                                .dropout(c.options.dropout)) {
        // The harness's random embedding (unit rows, PAD row zero), as for the other networks.
        torch::NoGradGuard noGrad;
        m_net->embed->weight.copy_(randomUnitRows(m_net->embed->weight));
    }
    NetworkOutput forward(const torch::Tensor& ids, bool) override {
        auto [logits, attention] = m_net->forward(ids);
        return {logits, attention, {}, {}, {}};
    }
    torch::nn::Module& module() override { return *m_net; }
    const torch::nn::Module& module() const override { return *m_net; }
    // Position s covers tokens [s*segment, (s+1)*segment - 1]; its state has read nothing outside them.
    PositionGeometry geometry() const override { return {m_net->options.segment(), 0}; }

private:
    ClstmAtt m_net;
};

} // namespace

std::unique_ptr<Network> makeClstmAttNetwork(const ModelConfig& config) {
    if (config.arch != "clstm-att")
        throw ModelError("makeClstmAttNetwork: not C-LSTM-Att '" + config.arch + "'");
    return std::make_unique<ClstmAttNetwork>(config);
}

} // namespace fc::net
