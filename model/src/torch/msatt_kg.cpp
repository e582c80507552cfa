#include "torch/msatt_kg.h"
#include "torch/network_defaults.h"
#include "torch/random_embedding.h"

#include "fc/model/errors.h"

#include <cmath>
#include <stdexcept>

namespace fc::net {

namespace {

// Defaults where the paper's text was not available (docs/MODELS.md, MSATT-KG).
constexpr std::int64_t kDefaultLayers = 4;
constexpr std::int64_t kDefaultGrowth = 100;
constexpr std::int64_t kKernel = 3;

} // namespace

MsattKgImpl::MsattKgImpl(const MsattKgOptions& o) : options(o) {
    const auto& graph = o.graph();
    if (o.labels() < 1 || o.layers() < 1 || o.growth() < 1 || o.embedding_dim() < 1)
        throw std::invalid_argument("MSATT-KG: sizes must be >= 1");
    if (o.kernel() < 1 || o.kernel() % 2 == 0)
        throw std::invalid_argument("MSATT-KG: the kernel must be odd");
    if (static_cast<std::int64_t>(graph.nodes.size()) < o.labels() || graph.from.size() != graph.to.size() ||
        graph.from.size() != graph.weight.size())
        throw std::invalid_argument("MSATT-KG: the code graph does not cover the labels");
    const auto g = o.growth();
    embed = register_module(
        "embed", torch::nn::Embedding(torch::nn::EmbeddingOptions(o.vocab_rows(), o.embedding_dim())));
    dropout = register_module("dropout", torch::nn::Dropout(o.dropout()));
    dense = register_module("dense", torch::nn::ModuleList());
    for (std::int64_t l = 0; l < o.layers(); ++l)
        dense->push_back(torch::nn::Conv1d(
            torch::nn::Conv1dOptions(o.embedding_dim() + l * g, g, o.kernel()).padding(o.kernel() / 2)));
    scale_fc1 = register_module("scale_fc1", torch::nn::Linear(o.layers(), o.layers()));
    scale_fc2 = register_module("scale_fc2", torch::nn::Linear(o.layers(), o.layers()));
    const auto nodes = static_cast<std::int64_t>(graph.nodes.size());
    // Node vectors start small and random (the paper initialises them from the codes' descriptions, which a
    // network here does not see; docs/MODELS.md).
    node_embedding =
        register_parameter("node_embedding", torch::randn({nodes, g}) / std::sqrt(static_cast<double>(g)));
    gcn = register_module("gcn", torch::nn::ModuleList());
    for (int layer = 0; layer < 2; ++layer)
        gcn->push_back(torch::nn::Linear(torch::nn::LinearOptions(g, g).bias(false)));
    final = register_module("final", torch::nn::Linear(g, o.labels()));
    m_from = torch::tensor(graph.from, torch::kInt64);
    m_to = torch::tensor(graph.to, torch::kInt64);
    m_weight = torch::tensor(graph.weight, torch::kFloat32).unsqueeze(1);
}

torch::Tensor MsattKgImpl::propagate(const torch::Tensor& x) const {
    return torch::zeros_like(x).index_add(0, m_to, x.index_select(0, m_from) * m_weight);
}

torch::Tensor MsattKgImpl::codeVectors() {
    auto first = gcn->ptr<torch::nn::LinearImpl>(0);
    auto second = gcn->ptr<torch::nn::LinearImpl>(1);
    const auto h = torch::relu(first->forward(propagate(node_embedding)));
    return second->forward(propagate(h)).slice(0, 0, options.labels()); // [Y, g]
}

std::pair<torch::Tensor, torch::Tensor> MsattKgImpl::forward(const torch::Tensor& ids) {
    auto features = dropout(embed(ids)).transpose(1, 2); // [B, d, n]
    std::vector<torch::Tensor> scales;
    for (std::size_t l = 0; l < dense->size(); ++l) {
        const auto x = torch::relu(dense->ptr<torch::nn::Conv1dImpl>(l)->forward(features)); // [B, g, n]
        scales.push_back(x);
        features = torch::cat({features, x}, 1);
    }
    const auto stacked = torch::stack(scales, 1).transpose(2, 3);                     // [B, L, n, g]
    const auto summary = stacked.mean(3).transpose(1, 2);                             // [B, n, L]
    const auto alpha = torch::softmax(scale_fc2(torch::relu(scale_fc1(summary))), 2); // [B, n, L]
    const auto z = (alpha.transpose(1, 2).unsqueeze(3) * stacked).sum(1);             // [B, n, g]
    const auto v = codeVectors();                                                     // [Y, g]
    const auto a = torch::softmax(torch::matmul(z, v.t()), 1).transpose(1, 2);        // [B, Y, n]
    const auto c = torch::matmul(a, z);                                               // [B, Y, g]
    const auto logits = (final->weight.unsqueeze(0) * c).sum(2) + final->bias;
    return {logits, a};
}

namespace {

class MsattKgNetwork final : public Network {
public:
    explicit MsattKgNetwork(const ModelConfig& c)
        : Network(c), m_net(MsattKgOptions(c.vocabularySize + 2, static_cast<std::int64_t>(c.labels.size()),
                                           codeHierarchyGraph(c.labels))
                                .embedding_dim(c.options.embeddingDim)
                                .layers(orDefault(c.options.denseLayers, kDefaultLayers))
                                .growth(orDefault(c.options.denseGrowth, kDefaultGrowth))
                                .kernel(kKernel)
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
    // One position per token; the widest scale (layer L) reads L (k-1)/2 tokens on each side.
    PositionGeometry geometry() const override {
        const auto& o = m_net->options;
        return {1, o.layers() * ((o.kernel() - 1) / 2)};
    }

private:
    MsattKg m_net;
};

} // namespace

std::unique_ptr<Network> makeMsattKgNetwork(const ModelConfig& config) {
    if (config.arch != "msatt-kg")
        throw ModelError("makeMsattKgNetwork: not MSATT-KG '" + config.arch + "'");
    return std::make_unique<MsattKgNetwork>(config);
}

} // namespace fc::net
