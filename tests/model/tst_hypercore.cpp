// HyperCore (model/src/torch/hypercore.*, poincare.*): the Poincaré-ball operations against their closed
// forms, the hierarchy embedding fit, the co-occurrence graph, state_dict names and shapes, output shapes and
// attention rows, the co-graph's reach before and after the fit, the preset and evidence options, and a
// tiny-overfit run.
#include "../support/tiny_network.h"
#include "fc/model/errors.h"
#include "fc/model/evidence.h"
#include "fc/model/training.h"
#include "torch/code_graph.h"
#include "torch/hypercore.h"
#include "torch/poincare.h"

#include <QtTest>

#include <cmath>

using fc::testing::idRows;
using fc::testing::networkConfig;
using fc::testing::Schema;
using fc::testing::schemaOf;
namespace poincare = fc::net::poincare;

namespace {

Schema expectedSchema(std::int64_t V, std::int64_t d, std::int64_t h, std::int64_t k, std::int64_t p,
                      std::int64_t nodes, std::int64_t Y, std::int64_t K) {
    return Schema{{"embed.weight", {V + 2, d}},
                  {"conv.weight", {h, d, k}},
                  {"conv.bias", {h}},
                  {"attention.weight", {Y, h}},
                  {"to_ball.weight", {p, h}},
                  {"gcn.0.weight", {h, h}},
                  {"gcn.1.weight", {h, h}},
                  {"final.weight", {Y, h + 1}},
                  {"final.bias", {Y}},
                  {"hierarchy_embedding", {nodes, p}},
                  {"cooccurrence_neighbours", {Y, K}},
                  {"cooccurrence_weights", {Y, K}}};
}

fc::ModelConfig small(std::vector<std::string> labels) {
    auto c = networkConfig("hypercore", std::move(labels), 12);
    c.options.embeddingDim = 8;
    c.options.convMaps = 6;
    c.options.ballDim = 4;
    return c;
}

// The distance through the closed form arcosh(1 + 2c|x - y|^2 / ((1 - c|x|^2)(1 - c|y|^2))) / sqrt(c).
double arcoshDistance(const torch::Tensor& x, const torch::Tensor& y, double c) {
    const double xx = (x * x).sum().item<double>(), yy = (y * y).sum().item<double>();
    const double diff = ((x - y) * (x - y)).sum().item<double>();
    return std::acosh(1.0 + 2.0 * c * diff / ((1.0 - c * xx) * (1.0 - c * yy))) / std::sqrt(c);
}

} // namespace

class TestHypercore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void poincareOperations() {
        const auto x = torch::tensor({0.3, -0.2, 0.1}, torch::kFloat64);
        const auto y = torch::tensor({-0.1, 0.4, 0.25}, torch::kFloat64);
        const auto zero = torch::zeros({3}, torch::kFloat64);
        for (const double c : {1.0, 2.0}) {
            QVERIFY(torch::allclose(poincare::mobiusAdd(zero, y, c), y));
            QVERIFY(torch::allclose(poincare::mobiusAdd(x, zero, c), x));
            QVERIFY(torch::allclose(poincare::mobiusAdd(-x, x, c), zero, 1e-9, 1e-9));
            QVERIFY(torch::allclose(poincare::logMap0(poincare::expMap0(x, c), c), x, 1e-7, 1e-7));
            QVERIFY(torch::allclose(poincare::expMap0(poincare::logMap0(y, c), c), y, 1e-7, 1e-7));
            const double d = poincare::distance(x, y, c).item<double>();
            QVERIFY2(std::abs(d - arcoshDistance(x, y, c)) < 1e-6, qPrintable(QString::number(d)));
            QVERIFY(std::abs(poincare::distance(y, x, c).item<double>() - d) < 1e-9);
            QVERIFY(poincare::distance(x, x, c).item<double>() < 1e-6);
            QVERIFY(
                torch::allclose(poincare::mobiusMatVec(torch::eye(3, torch::kFloat64), x, c), x, 1e-7, 1e-7));
        }
        // expMap0 of v has norm tanh(|v|) (c = 1); project keeps points inside the ball.
        const auto v = torch::tensor({3.0, 4.0}, torch::kFloat64);
        QVERIFY(std::abs(poincare::expMap0(v).norm().item<double>() - std::tanh(5.0)) < 1e-4);
        QVERIFY(poincare::project(torch::tensor({2.0, 0.0}, torch::kFloat64)).norm().item<double>() < 1.0);
        // Batched: [2, 1, 3] against [1, 2, 3] gives [2, 2].
        const auto pairs =
            poincare::distance(torch::stack({x, y}).unsqueeze(1), torch::stack({x, y}).unsqueeze(0));
        QCOMPARE(pairs.sizes().vec(), (std::vector<std::int64_t>{2, 2}));
    }

    void hierarchyFitPutsRelativesClose() {
        // A root with two children and two leaves under each: after the fit a leaf is closer to its parent
        // and its sibling than to a leaf of the other branch, and the root lies nearer the centre.
        torch::manual_seed(7);
        const std::vector<std::pair<std::int64_t, std::int64_t>> tree{{1, 0}, {2, 0}, {3, 1},
                                                                      {4, 1}, {5, 2}, {6, 2}};
        std::vector<std::int64_t> from, to;
        for (const auto& [a, b] : tree) {
            from.insert(from.end(), {a, b});
            to.insert(to.end(), {b, a});
        }
        auto points = torch::rand({7, 2}) * 2e-3 - 1e-3;
        const double first = poincare::fitEmbedding(points, from, to, 1);
        auto fitted = torch::rand({7, 2}) * 2e-3 - 1e-3;
        const double last = poincare::fitEmbedding(fitted, from, to, 300);
        QVERIFY2(last < first, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
        auto d = [&](int a, int b) { return poincare::distance(fitted[a], fitted[b]).item<double>(); };
        QVERIFY(d(3, 1) < d(3, 5));
        QVERIFY(d(3, 4) < d(3, 6));
        QVERIFY(fitted.norm(2, 1).max().item<double>() < 1.0);
        QVERIFY(fitted[0].norm().item<double>() < fitted[3].norm().item<double>());
    }

    void cooccurrenceGraphRows() {
        // Notes: {0, 1}, {0, 1}, {0, 2}, {3}. Row 0: self 1, P(1|0) = 2/3, P(2|0) = 1/3 -> / 2.
        const auto [n, w] = fc::net::cooccurrenceGraph({{0, 1}, {1, 0}, {0, 2, 2}, {3}}, 4, 3);
        QVERIFY(
            torch::equal(n, torch::tensor({0, 1, 2, 1, 0, 1, 2, 0, 2, 3, 3, 3}, torch::kInt64).view({4, 3})));
        const auto want = torch::tensor({1.0 / 2, (2.0 / 3) / 2, (1.0 / 3) / 2, 1.0 / 2, 1.0 / 2, 0.0,
                                         1.0 / 2, 1.0 / 2, 0.0, 1.0, 0.0, 0.0},
                                        torch::kFloat32)
                              .view({4, 3});
        QVERIFY(torch::allclose(w, want, 1e-6, 1e-6));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, fc::net::cooccurrenceGraph({{5}}, 4, 2));
    }

    void stateDictNamesAndShapes() {
        torch::manual_seed(1);
        // nodes: 3 labels + 401, 428, ICD-9-CM chapter 7, ICD-9-CM, 39, ICD-9-PCS
        const auto network =
            fc::net::makeNetwork(networkConfig("hypercore", {"401.9", "428.0", "39.61"}, 20));
        QCOMPARE(schemaOf(*network), expectedSchema(20, 100, 100, 9, 50, 9, 3, 3)); // K = min(32, Y)
        QCOMPARE(network->geometry().tokensPerPosition, std::int64_t{1});
        QCOMPARE(network->geometry().receptiveRadius, std::int64_t{4});
        const auto sized = fc::net::makeNetwork(small({"a", "b"}));
        QCOMPARE(schemaOf(*sized), expectedSchema(12, 8, 6, 9, 4, 3, 2, 2)); // a, b, "other"
    }

    void outputShapesAndAttentionRows() {
        torch::manual_seed(2);
        auto network = fc::net::makeNetwork(small({"n39.0", "r52", "0dtj0zz", "i10"}));
        network->fitLabelStatistics({{0, 1}, {2}, {0, 3}});
        network->module().eval();
        torch::InferenceMode guard;
        const auto out = network->forward(idRows({{1, 2, 3, 4, 5, 6, 7}, {8, 9, 10}}));
        QCOMPARE(out.logits.sizes().vec(), (std::vector<std::int64_t>{2, 4}));
        QCOMPARE(out.attention.sizes().vec(), (std::vector<std::int64_t>{2, 4, 7}));
        QVERIFY(torch::allclose(out.attention.sum(2), torch::ones({2, 4}), 1e-5, 1e-5));
        QVERIFY(torch::isfinite(out.logits).all().item<bool>());
    }

    void cographLinksCodesThatCooccur() {
        // Before the fit the graph is the identity: code 0's score does not depend on code 1's attention
        // vector. After it, codes 0 and 1 (coded together) share it, code 2 (never with 0) still does not.
        torch::manual_seed(5);
        auto network = fc::net::makeNetwork(small({"n39.0", "n39.9", "r52"}));
        auto& net = dynamic_cast<fc::net::HypercoreImpl&>(network->module());
        network->module().eval();
        auto gradientOfCodeZero = [&] {
            net.zero_grad();
            network->forward(idRows({{1, 2, 3, 4}})).logits.select(1, 0).sum().backward();
            return net.attention->weight.grad().abs().sum(1);
        };
        const auto before = gradientOfCodeZero();
        QVERIFY(before[0].item<double>() > 0.0);
        QCOMPARE(before[1].item<double>(), 0.0);
        const auto hierarchyBefore = net.hierarchy_embedding.clone();
        network->fitLabelStatistics({{0, 1}, {1}, {2}});
        QVERIFY(!torch::equal(hierarchyBefore, net.hierarchy_embedding));
        const auto after = gradientOfCodeZero();
        QVERIFY(after[1].item<double>() > 0.0);
        QCOMPARE(after[2].item<double>(), 0.0);
        // The hierarchy embedding puts the siblings n39.0 and n39.9 nearer each other than n39.0 and r52.
        const auto& l = net.hierarchy_embedding;
        QVERIFY(poincare::distance(l[0], l[1]).item<double>() <
                poincare::distance(l[0], l[2]).item<double>());
    }

    void tinyOverfit() {
        auto c = small({"a10.1", "a10.2", "b20.0"});
        c.options.dropout = 0.0;
        const auto [first, last, accuracy] = fc::testing::overfitSixNotes(c, [](fc::net::Network& n) {
            n.fitLabelStatistics({{0}, {1}, {2}, {0, 2}, {1, 2}, {0, 1}});
        });
        QVERIFY2(last < 0.2 * first, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
        QCOMPARE(accuracy, 1.0);
    }

    void presetAndEvidence() {
        const auto p = fc::presetOptions("hypercore");
        QCOMPARE(p.arch, std::string("hypercore"));
        QCOMPARE(p.maxEpochs, 200);
        const auto& archs = fc::knownArchitectures();
        QVERIFY(std::find(archs.begin(), archs.end(), "hypercore") != archs.end());
        const auto json =
            fc::applyTrainConfig(R"({"preset": "hypercore", "network": {"ball_dim": 10, "conv_maps": 20}})",
                                 fc::presetOptions("fusion"), "", "test.json");
        QCOMPARE(json.network.ballDim, std::int64_t{10});
        QCOMPARE(json.network.convMaps, std::int64_t{20});
        QCOMPARE(fc::evidenceOptionsFor("hypercore").tokensPerPosition, 1);
        QCOMPARE(fc::evidenceOptionsFor("hypercore", fc::EvidenceGeometry::FullReceptiveField).leftTokens, 4);
        auto bad = small({"a"});
        bad.options.embeddingDim = 0;
        QVERIFY_THROWS_EXCEPTION(fc::ModelError, fc::net::makeNetwork(bad));
    }
};

QTEST_APPLESS_MAIN(TestHypercore)
#include "tst_hypercore.moc"
