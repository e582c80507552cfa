#include "torch/hypercore.h"
#include "torch/network_defaults.h"
#include "torch/poincare.h"
#include "torch/random_embedding.h"

#include "fc/model/errors.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace fc::net {

namespace {

// Defaults where the paper's text was not available (docs/MODELS.md, HyperCore).
constexpr std::int64_t kDefaultConvMaps = 100;
constexpr std::int64_t kDefaultBallDim = 50;
constexpr std::int64_t kKernel = 9;
constexpr std::int64_t kNeighbours = 32;
constexpr int kHierarchyEpochs = 300;

} // namespace

std::pair<torch::Tensor, torch::Tensor>
cooccurrenceGraph(const std::vector<std::vector<std::int32_t>>& noteLabels, std::int64_t labels,
                  std::int64_t k) {
    if (labels < 1 || k < 1 || k > labels)
        throw std::invalid_argument("cooccurrenceGraph: need 1 <= k <= labels");
    std::vector<double> notesWith(static_cast<std::size_t>(labels), 0.0);
    std::vector<std::map<std::int32_t, double>> together(static_cast<std::size_t>(labels));
    for (const auto& note : noteLabels) {
        std::vector<std::int32_t> codes(note);
        std::sort(codes.begin(), codes.end());
        codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
        for (const auto a : codes) {
            if (a < 0 || a >= labels)
                throw std::invalid_argument("cooccurrenceGraph: label index out of range");
            notesWith[static_cast<std::size_t>(a)] += 1.0;
            for (const auto b : codes)
                if (b != a)
                    together[static_cast<std::size_t>(a)][b] += 1.0;
        }
    }
    auto neighbours = torch::empty({labels, k}, torch::kInt64);
    auto weights = torch::zeros({labels, k}, torch::kFloat32);
    auto n = neighbours.accessor<std::int64_t, 2>();
    auto w = weights.accessor<float, 2>();
    for (std::int64_t y = 0; y < labels; ++y) {
        std::vector<std::pair<double, std::int32_t>> links; // (-count, code): strongest first, ties by index
        for (const auto& [z, count] : together[static_cast<std::size_t>(y)])
            links.emplace_back(-count, z);
        std::sort(links.begin(), links.end());
        double total = 1.0;
        n[y][0] = y;
        w[y][0] = 1.0f;
        for (std::int64_t slot = 1; slot < k; ++slot) {
            n[y][slot] = y;
            const auto i = static_cast<std::size_t>(slot - 1);
            if (i >= links.size())
                continue;
            const double p = -links[i].first / notesWith[static_cast<std::size_t>(y)];
            n[y][slot] = links[i].second;
            w[y][slot] = static_cast<float>(p);
            total += p;
        }
        for (std::int64_t slot = 0; slot < k; ++slot)
            w[y][slot] = static_cast<float>(w[y][slot] / total);
    }
    return {neighbours, weights};
}

HypercoreImpl::HypercoreImpl(const HypercoreOptions& o) : options(o) {
    const auto& graph = o.graph();
    if (o.labels() < 1 || o.embedding_dim() < 1 || o.conv_maps() < 1 || o.ball_dim() < 1 ||
        o.neighbours() < 1)
        throw std::invalid_argument("HyperCore: sizes must be >= 1");
    if (o.kernel() < 1 || o.kernel() % 2 == 0)
        throw std::invalid_argument("HyperCore: the kernel must be odd");
    if (static_cast<std::int64_t>(graph.nodes.size()) < o.labels() || graph.from.size() != graph.to.size())
        throw std::invalid_argument("HyperCore: the code graph does not cover the labels");
    const auto h = o.conv_maps();
    embed = register_module(
        "embed", torch::nn::Embedding(torch::nn::EmbeddingOptions(o.vocab_rows(), o.embedding_dim())));
    dropout = register_module("dropout", torch::nn::Dropout(o.dropout()));
    conv = register_module(
        "conv", torch::nn::Conv1d(
                    torch::nn::Conv1dOptions(o.embedding_dim(), h, o.kernel()).padding(o.kernel() / 2)));
    attention =
        register_module("attention", torch::nn::Linear(torch::nn::LinearOptions(h, o.labels()).bias(false)));
    to_ball =
        register_module("to_ball", torch::nn::Linear(torch::nn::LinearOptions(h, o.ball_dim()).bias(false)));
    gcn = register_module("gcn", torch::nn::ModuleList());
    for (int layer = 0; layer < 2; ++layer)
        gcn->push_back(torch::nn::Linear(torch::nn::LinearOptions(h, h).bias(false)));
    final = register_module("final", torch::nn::Linear(h + 1, o.labels()));
    const auto nodes = static_cast<std::int64_t>(graph.nodes.size());
    // Nickel & Kiela's initialisation: uniform in [-1e-3, 1e-3].
    hierarchy_embedding =
        register_buffer("hierarchy_embedding", torch::rand({nodes, o.ball_dim()}) * 2e-3 - 1e-3);
    const auto k = std::min(o.neighbours(), o.labels());
    const auto [neighbours, weights] = cooccurrenceGraph({}, o.labels(), k); // the identity until fit()
    cooccurrence_neighbours = register_buffer("cooccurrence_neighbours", neighbours);
    cooccurrence_weights = register_buffer("cooccurrence_weights", weights);
}

void HypercoreImpl::fit(const std::vector<std::vector<std::int32_t>>& noteLabels) {
    const auto [neighbours, weights] =
        cooccurrenceGraph(noteLabels, options.labels(), cooccurrence_neighbours.size(1));
    {
        torch::NoGradGuard noGrad;
        cooccurrence_neighbours.copy_(neighbours);
        cooccurrence_weights.copy_(weights);
    }
    std::vector<std::int64_t> from, to; // the hierarchy's links, both directions, without the self loops
    const auto& g = options.graph();
    for (std::size_t e = 0; e < g.from.size(); ++e)
        if (g.from[e] != g.to[e]) {
            from.push_back(g.from[e]);
            to.push_back(g.to[e]);
        }
    poincare::fitEmbedding(hierarchy_embedding, from, to, kHierarchyEpochs);
}

torch::Tensor HypercoreImpl::propagate(const torch::Tensor& x) const {
    const auto labels = options.labels();
    const auto k = cooccurrence_neighbours.size(1);
    const auto rows = torch::arange(labels, torch::kInt64).unsqueeze(1).expand({labels, k}).reshape(-1);
    const auto indices = torch::stack({rows, cooccurrence_neighbours.reshape(-1)});
    const auto a = torch::sparse_coo_tensor(indices, cooccurrence_weights.reshape(-1), {labels, labels});
    const auto flat = x.reshape({labels, -1});
    return torch::mm(a, flat).view(x.sizes());
}

std::pair<torch::Tensor, torch::Tensor> HypercoreImpl::forward(const torch::Tensor& ids) {
    const auto e = dropout(embed(ids)).transpose(1, 2);                    // [B, d, n]
    const auto h = torch::tanh(conv(e)).transpose(1, 2);                   // [B, n, h]
    const auto a = torch::softmax(attention(h), 1).transpose(1, 2);        // [B, Y, n]
    const auto v = torch::matmul(a, h);                                    // [B, Y, h]
    const auto m = poincare::expMap0(to_ball(v));                          // [B, Y, p]
    const auto codes = hierarchy_embedding.narrow(0, 0, options.labels()); // [Y, p]
    const auto delta = poincare::distance(m, codes.unsqueeze(0));          // [B, Y]
    // The GCN runs over the codes, each note's vectors side by side: [Y, B, h].
    auto x = v.transpose(0, 1).contiguous();
    x = torch::relu(gcn->ptr<torch::nn::LinearImpl>(0)->forward(propagate(x)));
    x = gcn->ptr<torch::nn::LinearImpl>(1)->forward(propagate(x.contiguous()));
    // Residual: each code keeps its own document vector beside what the co-graph brings (without it the
    // row-normalised graph averages a frequent code's vector away among its neighbours').
    const auto g = v + x.transpose(0, 1); // [B, Y, h]
    const auto hidden = final->weight.size(1) - 1;
    const auto w = final->weight.narrow(1, 0, hidden).unsqueeze(0);
    const auto logits = (w * g).sum(2) - final->weight.select(1, hidden) * delta + final->bias;
    return {logits, a};
}

namespace {

class HypercoreNetwork final : public Network {
public:
    explicit HypercoreNetwork(const ModelConfig& c)
        : Network(c), m_net(HypercoreOptions(c.vocabularySize + 2, static_cast<std::int64_t>(c.labels.size()),
                                             codeHierarchyGraph(c.labels))
                                .embedding_dim(c.options.embeddingDim)
                                .conv_maps(orDefault(c.options.convMaps, kDefaultConvMaps))
                                .kernel(kKernel)
                                .ball_dim(orDefault(c.options.ballDim, kDefaultBallDim))
                                .neighbours(kNeighbours)
                                .dropout(c.options.dropout)) {
        // The harness's random embedding (unit rows, PAD row zero), as for the other networks.
        torch::NoGradGuard noGrad;
        m_net->embed->weight.copy_(randomUnitRows(m_net->embed->weight));
    }
    NetworkOutput forward(const torch::Tensor& ids, bool) override {
        auto [logits, attention] = m_net->forward(ids);
        return {logits, attention, {}, {}, {}};
    }
    void fitLabelStatistics(const std::vector<std::vector<std::int32_t>>& trainLabels) override {
        m_net->fit(trainLabels);
    }
    torch::nn::Module& module() override { return *m_net; }
    const torch::nn::Module& module() const override { return *m_net; }
    // One position per token; the convolution reads k / 2 tokens on each side.
    PositionGeometry geometry() const override { return {1, m_net->options.kernel() / 2}; }

private:
    Hypercore m_net;
};

} // namespace

std::unique_ptr<Network> makeHypercoreNetwork(const ModelConfig& config) {
    if (config.arch != "hypercore")
        throw ModelError("makeHypercoreNetwork: not HyperCore '" + config.arch + "'");
    return std::make_unique<HypercoreNetwork>(config);
}

} // namespace fc::net
