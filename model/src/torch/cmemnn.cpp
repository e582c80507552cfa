#include "torch/cmemnn.h"
#include "torch/network_defaults.h"
#include "torch/random_embedding.h"

#include "fc/model/errors.h"

#include <algorithm>
#include <stdexcept>

namespace fc::net {

namespace {

// Defaults where the paper's text was not available (docs/MODELS.md, C-MemNN).
constexpr std::int64_t kDefaultHops = 3;
constexpr std::int64_t kDefaultMemoryTokens = 32;

// Mean of the embedded rows over the non-PAD ids (a row of PAD only gives zeros). ids [..., n].
torch::Tensor meanOfWords(const torch::Tensor& embedded, const torch::Tensor& ids) {
    const auto count = ids.ne(0).sum(-1, true).clamp_min(1).to(embedded.scalar_type());
    return embedded.sum(-2) / count;
}

} // namespace

CmemnnImpl::CmemnnImpl(const CmemnnOptions& o) : options(o) {
    const auto d = o.embedding_dim();
    if (o.labels() < 1 || d < 1 || o.hops() < 1 || o.memory_tokens() < 1)
        throw std::invalid_argument("C-MemNN: sizes must be >= 1");
    if ((d >> (o.hops() - 1)) < 1)
        throw std::invalid_argument("C-MemNN: the embedding is too narrow to halve at every hop");
    embed = register_module("embed", torch::nn::Embedding(torch::nn::EmbeddingOptions(o.vocab_rows(), d)));
    dropout = register_module("dropout", torch::nn::Dropout(o.dropout()));
    query = register_module("query", torch::nn::Linear(torch::nn::LinearOptions(d, d).bias(false)));
    memory_in = register_module("memory_in", torch::nn::Linear(torch::nn::LinearOptions(d, d).bias(false)));
    memory_out = register_module("memory_out", torch::nn::Linear(torch::nn::LinearOptions(d, d).bias(false)));
    gate = register_module("gate", torch::nn::ModuleList());
    for (std::int64_t h = 0; h < o.hops(); ++h)
        gate->push_back(torch::nn::Linear(d, d));
    condense = register_module("condense", torch::nn::ModuleList());
    for (std::int64_t j = 1; j < o.hops(); ++j)
        condense->push_back(torch::nn::Linear(d, d >> j));
    final = register_module("final", torch::nn::Linear(condensedWidth(), o.labels()));
    memory_ids = register_buffer("memory_ids", torch::zeros({o.labels(), o.memory_tokens()}, torch::kInt64));
}

std::int64_t CmemnnImpl::condensedWidth() const {
    std::int64_t width = 0;
    for (std::int64_t j = 0; j < options.hops(); ++j)
        width += options.embedding_dim() >> j;
    return width;
}

std::size_t CmemnnImpl::setMemories(const std::vector<torch::Tensor>& descriptions) {
    if (static_cast<std::int64_t>(descriptions.size()) != options.labels())
        throw std::invalid_argument("C-MemNN: one description per label");
    torch::NoGradGuard noGrad;
    memory_ids.zero_();
    std::size_t filled = 0;
    for (std::size_t y = 0; y < descriptions.size(); ++y) {
        const auto& ids = descriptions[y];
        if (!ids.defined() || ids.numel() == 0)
            continue;
        const auto kept = std::min<std::int64_t>(ids.numel(), options.memory_tokens());
        memory_ids[static_cast<std::int64_t>(y)].narrow(0, 0, kept).copy_(ids.reshape(-1).narrow(0, 0, kept));
        ++filled;
    }
    return filled;
}

std::pair<torch::Tensor, torch::Tensor> CmemnnImpl::forward(const torch::Tensor& ids) {
    const auto words = query(dropout(embed(ids)));                  // [B, n, d]: query(E_i)
    auto u = meanOfWords(words, ids);                               // u^1 [B, d]
    const auto memory = meanOfWords(embed(memory_ids), memory_ids); // [Y, d]
    const auto keys = memory_in(memory);                            // [Y, d]
    const auto values = memory_out(memory);                         // [Y, d]
    std::vector<torch::Tensor> condensed;
    for (std::size_t h = 0; h < gate->size(); ++h) {
        const auto p = torch::softmax(torch::matmul(u, keys.t()), 1); // [B, Y]
        const auto o = torch::matmul(p, values);                      // [B, d]
        const auto t = torch::sigmoid(gate->ptr<torch::nn::LinearImpl>(h)->forward(u));
        u = t * o + (1 - t) * u;
        condensed.push_back(h == 0 ? u
                                   : torch::tanh(condense->ptr<torch::nn::LinearImpl>(h - 1)->forward(u)));
    }
    const auto logits = final(torch::cat(condensed, 1));
    const auto attention = torch::softmax(torch::matmul(words, keys.t()), 1).transpose(1, 2); // [B, Y, n]
    return {logits, attention};
}

namespace {

class CmemnnNetwork final : public Network {
public:
    explicit CmemnnNetwork(const ModelConfig& c)
        : Network(c), m_net(CmemnnOptions(c.vocabularySize + 2, static_cast<std::int64_t>(c.labels.size()))
                                .embedding_dim(c.options.embeddingDim)
                                .hops(orDefault(c.options.memoryHops, kDefaultHops))
                                .memory_tokens(orDefault(c.options.memoryTokens, kDefaultMemoryTokens))
                                .dropout(c.options.dropout)) {
        // The harness's random embedding (unit rows, PAD row zero), as for the other networks.
        torch::NoGradGuard noGrad;
        m_net->embed->weight.copy_(randomUnitRows(m_net->embed->weight));
    }
    NetworkOutput forward(const torch::Tensor& ids, bool) override {
        auto [logits, attention] = m_net->forward(ids);
        return {logits, attention, {}, {}, {}};
    }
    std::size_t setLabelDescriptions(const std::vector<torch::Tensor>& descriptions) override {
        return m_net->setMemories(descriptions);
    }
    torch::nn::Module& module() override { return *m_net; }
    const torch::nn::Module& module() const override { return *m_net; }
    // Position i is token i; its attention term reads the token alone.
    PositionGeometry geometry() const override { return {1, 0}; }

private:
    Cmemnn m_net;
};

} // namespace

std::unique_ptr<Network> makeCmemnnNetwork(const ModelConfig& config) {
    if (config.arch != "cmemnn")
        throw ModelError("makeCmemnnNetwork: not C-MemNN '" + config.arch + "'");
    return std::make_unique<CmemnnNetwork>(config);
}

} // namespace fc::net
