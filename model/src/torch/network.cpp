#include "torch/network.h"
#include "torch/random_embedding.h"

#include "fc/model/errors.h"
#include "torch/baselines.h"
#include "torch/clstm_att.h"
#include "torch/cmemnn.h"
#include "torch/fusion.h"
#include "torch/hypercore.h"
#include "torch/jointlaat.h"
#include "torch/msatt_kg.h"

#include <algorithm>

namespace fc::net {

torch::Tensor Network::descriptionLoss(const torch::Tensor&, const std::vector<torch::Tensor>&) {
    return torch::zeros({});
}

NetworkOutput Network::infer(const torch::Tensor& ids, bool) {
    return forward(ids, false);
}

torch::Tensor contributionRows(const NetworkOutput& out, std::int64_t b, const torch::Tensor& labels) {
    if (!out.features.defined() || !out.labelWeights.defined() || !out.attention.defined())
        return {};
    // [k, D] x [D, P]: only the rows asked, a few hundred codes instead of all of them.
    const auto raised = out.labelWeights.index_select(0, labels).mm(out.features[b].t());
    return raised.mul_(out.attention[b].index_select(0, labels));
}

torch::Tensor Network::auxiliaryLoss(const torch::Tensor&) {
    return torch::zeros({});
}

void Network::fitLabelStatistics(const std::vector<std::vector<std::int32_t>>&) {}

std::size_t Network::setLabelDescriptions(const std::vector<torch::Tensor>&) {
    return 0;
}

namespace {

// Receptive half-width in tokens of one attention position (fusion-spec.md 5.1): base conv (k-1)/2 at the
// token rate, plus two residual convs of (k-1)/2 positions each at the pooled rate.
std::int64_t receptiveRadius(const std::vector<std::int64_t>& kernels, std::int64_t pool) {
    std::int64_t widest = 1;
    for (const auto k : kernels)
        widest = std::max(widest, k);
    return (widest - 1) / 2 + 2 * ((widest - 1) / 2) * pool;
}

class FusionNetwork final : public Network {
public:
    explicit FusionNetwork(const ModelConfig& c) : Network(c), m_fusion(options(c)) {
        m_fusion->word_rep->resetToRandomUnitRows();
    }
    NetworkOutput forward(const torch::Tensor& ids, bool wantPoolWeights) override {
        auto out = m_fusion->forward(ids, wantPoolWeights);
        return {out.logits, out.attention, out.poolWeights, {}, {}};
    }
    NetworkOutput infer(const torch::Tensor& ids, bool wantAttention) override {
        auto out = m_fusion->forward(ids, false, wantAttention);
        return {out.logits, out.attention, {}, out.features, out.labelWeights};
    }
    torch::nn::Module& module() override { return *m_fusion; }
    const torch::nn::Module& module() const override { return *m_fusion; }
    PositionGeometry geometry() const override {
        const auto& o = m_fusion->options;
        return {o.pool_size(), receptiveRadius(o.filter_sizes(), o.pool_size())};
    }

private:
    static FusionOptions options(const ModelConfig& c) {
        const auto& n = c.options;
        return FusionOptions(c.vocabularySize + 2, static_cast<std::int64_t>(c.labels.size()))
            .embedding_dim(n.embeddingDim)
            .filter_sizes(n.filterSizes)
            .filter_maps(n.filterMaps)
            .dropout(n.dropout)
            .pool_size(n.poolSize)
            .pooling(c.arch == "fusion-maxpool" ? Pooling::Max : Pooling::SoftAttention)
            .doc_level_attention(c.arch == "fusion-doclevel")
            .heads(n.heads)
            .ffn_dim(n.ffnDim)
            .head_split(n.authorsHeads ? HeadSplit::Authors : HeadSplit::Standard)
            .max_length(n.maxTokens);
    }
    Fusion m_fusion;
};

class MultiResCnnNetwork final : public Network {
public:
    explicit MultiResCnnNetwork(const ModelConfig& c)
        : Network(c),
          m_net(MultiResCnnOptions(c.vocabularySize + 2, static_cast<std::int64_t>(c.labels.size()))
                    .embedding_dim(c.options.embeddingDim)
                    .filter_sizes(c.options.filterSizes)
                    .filter_maps(c.options.filterMaps)
                    .dropout(c.options.dropout)) {
        m_net->word_rep->resetToRandomUnitRows();
    }
    NetworkOutput forward(const torch::Tensor& ids, bool) override {
        auto [logits, attention] = m_net->forward(ids);
        return {logits, attention, {}, {}, {}};
    }
    torch::nn::Module& module() override { return *m_net; }
    const torch::nn::Module& module() const override { return *m_net; }
    PositionGeometry geometry() const override {
        std::int64_t widest = 1;
        for (const auto k : m_net->options.filter_sizes())
            widest = std::max(widest, k);
        return {1, 3 * ((widest - 1) / 2)};
    }

private:
    MultiResCnn m_net;
};

class CamlNetwork final : public Network {
public:
    explicit CamlNetwork(const ModelConfig& c)
        : Network(c), m_net(CamlOptions(c.vocabularySize + 2, static_cast<std::int64_t>(c.labels.size()))
                                .embedding_dim(c.options.embeddingDim)
                                .kernel(c.options.camlKernel)
                                .filter_maps(c.options.camlFilterMaps)
                                .dropout(c.options.dropout)
                                .description_regulariser(c.arch == "drcaml")
                                .lambda(c.options.drcamlLambda)) {
        torch::NoGradGuard noGrad;
        const auto w = randomUnitRows(m_net->embed->weight);
        m_net->embed->weight.copy_(w);
        if (m_net->desc_embedding)
            m_net->desc_embedding->weight.copy_(w);
    }
    NetworkOutput forward(const torch::Tensor& ids, bool) override {
        auto [logits, attention] = m_net->forward(ids);
        return {logits, attention, {}, {}, {}};
    }
    torch::Tensor descriptionLoss(const torch::Tensor& targets,
                                  const std::vector<torch::Tensor>& descriptions) override {
        return m_net->descriptionLoss(targets, descriptions);
    }
    torch::nn::Module& module() override { return *m_net; }
    const torch::nn::Module& module() const override { return *m_net; }
    // Position t of CAML's conv output starts at token t - kernel/2 and spans `kernel` tokens.
    PositionGeometry geometry() const override { return {1, m_net->options.kernel() / 2}; }

private:
    Caml m_net;
};

} // namespace

std::unique_ptr<Network> makeNetwork(const ModelConfig& config) {
    if (config.labels.empty())
        throw ModelError("model has no labels");
    if (config.vocabularySize < 0)
        throw ModelError("negative vocabulary size");
    try {
        if (config.arch == "fusion" || config.arch == "fusion-maxpool" || config.arch == "fusion-doclevel")
            return std::make_unique<FusionNetwork>(config);
        if (config.arch == "multirescnn")
            return std::make_unique<MultiResCnnNetwork>(config);
        if (config.arch == "caml" || config.arch == "drcaml")
            return std::make_unique<CamlNetwork>(config);
        if (config.arch == "laat" || config.arch == "jointlaat")
            return makeLaatNetwork(config);
        if (config.arch == "clstm-att")
            return makeClstmAttNetwork(config);
        if (config.arch == "msatt-kg")
            return makeMsattKgNetwork(config);
        if (config.arch == "cmemnn")
            return makeCmemnnNetwork(config);
        if (config.arch == "hypercore")
            return makeHypercoreNetwork(config);
    } catch (const c10::Error& e) {
        throw ModelError("invalid options for architecture '" + config.arch +
                         "': " + e.what_without_backtrace());
    } catch (const std::invalid_argument& e) {
        throw ModelError("invalid options for architecture '" + config.arch + "': " + e.what());
    }
    throw ModelError("unknown architecture '" + config.arch + "'");
}

std::vector<std::pair<std::string, torch::Tensor>> stateDict(const Network& network) {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : network.module().named_parameters(true))
        out.emplace_back(p.key(), p.value());
    for (const auto& b : network.module().named_buffers(true))
        out.emplace_back(b.key(), b.value());
    return out;
}

} // namespace fc::net
