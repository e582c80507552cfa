// MSATT-KG (model/src/torch/msatt_kg.*, code_graph.*): the code hierarchy rules and the normalised graph,
// state_dict names and shapes, output shapes and attention rows, the two-hop reach of the graph convolution,
// the multi-scale attention, the geometry the evidence uses, the preset, and a tiny-overfit run.
#include "../support/tiny_network.h"
#include "fc/model/errors.h"
#include "fc/model/evidence.h"
#include "fc/model/training.h"
#include "torch/code_graph.h"
#include "torch/msatt_kg.h"

#include <QtTest>

#include <cmath>
#include <set>

using fc::testing::idRows;
using fc::testing::networkConfig;
using fc::testing::Schema;
using fc::testing::schemaOf;
using Strings = std::vector<std::string>;

namespace {

// The checkpoint msatt_kg.h documents, written out independently of the implementation.
Schema expectedSchema(std::int64_t V, std::int64_t d, std::int64_t L, std::int64_t g, std::int64_t k,
                      std::int64_t nodes, std::int64_t Y) {
    Schema s{{"embed.weight", {V + 2, d}}, {"scale_fc1.weight", {L, L}}, {"scale_fc1.bias", {L}},
             {"scale_fc2.weight", {L, L}}, {"scale_fc2.bias", {L}},      {"node_embedding", {nodes, g}},
             {"gcn.0.weight", {g, g}},     {"gcn.1.weight", {g, g}},     {"final.weight", {Y, g}},
             {"final.bias", {Y}}};
    for (std::int64_t l = 0; l < L; ++l) {
        s["dense." + std::to_string(l) + ".weight"] = {g, d + l * g, k};
        s["dense." + std::to_string(l) + ".bias"] = {g};
    }
    return s;
}

fc::ModelConfig small(Strings labels) {
    auto c = networkConfig("msatt-kg", std::move(labels), 20);
    c.options.embeddingDim = 6;
    c.options.denseLayers = 3;
    c.options.denseGrowth = 5;
    return c;
}

std::int64_t node(const fc::net::CodeGraph& g, const std::string& name) {
    const auto it = std::find(g.nodes.begin(), g.nodes.end(), name);
    return it == g.nodes.end() ? -1 : static_cast<std::int64_t>(it - g.nodes.begin());
}

} // namespace

class TestMsattKg : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ancestorRules() {
        using fc::net::codeAncestors;
        QCOMPARE(codeAncestors("n39.0", true), (Strings{"N39", "ICD-10-CM chapter 14", "ICD-10-CM"}));
        QCOMPARE(codeAncestors("r52", true), (Strings{"ICD-10-CM chapter 18", "ICD-10-CM"}));
        QCOMPARE(codeAncestors("0dtj0zz", true), (Strings{"PCS:0DT", "PCS:0D", "PCS:0", "ICD-10-PCS"}));
        // Chapter boundaries inside one letter, and categories with a letter in the third place.
        QCOMPARE(codeAncestors("d49.2", true)[1], std::string("ICD-10-CM chapter 2"));
        QCOMPARE(codeAncestors("d50.0", true)[1], std::string("ICD-10-CM chapter 3"));
        QCOMPARE(codeAncestors("c7a.00", true)[1], std::string("ICD-10-CM chapter 2"));
        QCOMPARE(codeAncestors("h60.1", true)[1], std::string("ICD-10-CM chapter 8"));
        QCOMPARE(codeAncestors("o9a.1", true)[1], std::string("ICD-10-CM chapter 15"));
        QCOMPARE(codeAncestors("v45.81", true)[1], std::string("ICD-10-CM chapter 20"));
        // ICD-9.
        QCOMPARE(codeAncestors("428.0", false), (Strings{"428", "ICD-9-CM chapter 7", "ICD-9-CM"}));
        QCOMPARE(codeAncestors("E849.3", false), (Strings{"E849", "ICD-9-CM chapter E", "ICD-9-CM"}));
        QCOMPARE(codeAncestors("V45.81", false), (Strings{"V45", "ICD-9-CM chapter V", "ICD-9-CM"}));
        QCOMPARE(codeAncestors("39.61", false), (Strings{"39", "ICD-9-PCS"}));
        QCOMPARE(codeAncestors("not a code", false), (Strings{"other"}));
    }

    void graphIsTheNormalisedHierarchy() {
        const Strings labels{"n39.0", "n39.9", "r52", "0dtj0zz"};
        const auto g = fc::net::codeHierarchyGraph(labels);
        QCOMPARE(Strings(g.nodes.begin(), g.nodes.begin() + 4), labels);
        QCOMPARE(Strings(g.nodes.begin() + 4, g.nodes.end()),
                 (Strings{"ICD-10-CM", "ICD-10-CM chapter 14", "ICD-10-CM chapter 18", "ICD-10-PCS", "N39",
                          "PCS:0", "PCS:0D", "PCS:0DT"}));
        // Tree links, written out by hand.
        const std::vector<std::pair<std::string, std::string>> tree{{"n39.0", "N39"},
                                                                    {"n39.9", "N39"},
                                                                    {"N39", "ICD-10-CM chapter 14"},
                                                                    {"ICD-10-CM chapter 14", "ICD-10-CM"},
                                                                    {"r52", "ICD-10-CM chapter 18"},
                                                                    {"ICD-10-CM chapter 18", "ICD-10-CM"},
                                                                    {"0dtj0zz", "PCS:0DT"},
                                                                    {"PCS:0DT", "PCS:0D"},
                                                                    {"PCS:0D", "PCS:0"},
                                                                    {"PCS:0", "ICD-10-PCS"}};
        std::vector<double> degree(g.nodes.size(), 1.0);
        std::set<std::pair<std::int64_t, std::int64_t>> expected;
        for (std::size_t i = 0; i < g.nodes.size(); ++i)
            expected.emplace(static_cast<std::int64_t>(i), static_cast<std::int64_t>(i));
        for (const auto& [a, b] : tree) {
            const auto i = node(g, a), j = node(g, b);
            QVERIFY(i >= 0 && j >= 0);
            expected.emplace(i, j);
            expected.emplace(j, i);
            degree[static_cast<std::size_t>(i)] += 1;
            degree[static_cast<std::size_t>(j)] += 1;
        }
        std::set<std::pair<std::int64_t, std::int64_t>> actual;
        for (std::size_t e = 0; e < g.from.size(); ++e) {
            actual.emplace(g.from[e], g.to[e]);
            const double want = 1.0 / std::sqrt(degree[static_cast<std::size_t>(g.from[e])] *
                                                degree[static_cast<std::size_t>(g.to[e])]);
            QVERIFY(std::abs(g.weight[e] - want) < 1e-6);
        }
        QCOMPARE(actual, expected);
        QCOMPARE(g.from.size(), expected.size()); // no duplicate edge
        // A label that is another label's category is that category's node (up to case).
        const auto merged = fc::net::codeHierarchyGraph({"n39", "n39.0"});
        QCOMPARE(merged.nodes, (Strings{"n39", "n39.0", "ICD-10-CM", "ICD-10-CM chapter 14"}));
    }

    void stateDictNamesAndShapes() {
        torch::manual_seed(1);
        // nodes: 3 labels + 401, 428, ICD-9-CM chapter 7, ICD-9-CM, 39, ICD-9-PCS
        const auto network = fc::net::makeNetwork(networkConfig("msatt-kg", {"401.9", "428.0", "39.61"}, 20));
        QCOMPARE(schemaOf(*network), expectedSchema(20, 100, 4, 100, 3, 9, 3)); // defaults: L 4, g 100
        QCOMPARE(network->geometry().tokensPerPosition, std::int64_t{1});
        QCOMPARE(network->geometry().receptiveRadius, std::int64_t{4});
        const auto sized = fc::net::makeNetwork(small({"a", "b"}));
        QCOMPARE(schemaOf(*sized), expectedSchema(20, 6, 3, 5, 3, 3, 2)); // a, b, "other"
        QCOMPARE(sized->geometry().receptiveRadius, std::int64_t{3});
    }

    void outputShapesAndAttentionRows() {
        torch::manual_seed(2);
        auto network = fc::net::makeNetwork(small({"n39.0", "r52", "0dtj0zz", "i10"}));
        network->module().eval();
        torch::InferenceMode guard;
        const auto out = network->forward(idRows({{1, 2, 3, 4, 5, 6, 7}, {8, 9, 10}}));
        QCOMPARE(out.logits.sizes().vec(), (std::vector<std::int64_t>{2, 4}));
        QCOMPARE(out.attention.sizes().vec(), (std::vector<std::int64_t>{2, 4, 7}));
        QVERIFY(torch::allclose(out.attention.sum(2), torch::ones({2, 4}), 1e-5, 1e-5));
        QVERIFY(torch::isfinite(out.logits).all().item<bool>());
    }

    void graphConvolutionReachesTwoHops() {
        // Code 0's score depends on the node vectors within two hops of it (itself, its sibling, its
        // category and chapter), not on the root three hops away nor on an unrelated branch.
        torch::manual_seed(5);
        const Strings labels{"n39.0", "n39.9", "r52"};
        auto c = small(labels);
        c.options.denseGrowth = 16; // enough units that no node's path is cut by the ReLU
        auto network = fc::net::makeNetwork(c);
        auto& net = dynamic_cast<fc::net::MsattKgImpl&>(network->module());
        const auto g = fc::net::codeHierarchyGraph(labels);
        network->forward(idRows({{1, 2, 3}})).logits.select(1, 0).sum().backward();
        const auto grad = net.node_embedding.grad().abs().sum(1);
        for (const std::string near : {"n39.0", "n39.9", "N39", "ICD-10-CM chapter 14"})
            QVERIFY2(grad[node(g, near)].item<double>() > 0.0, near.c_str());
        for (const std::string far : {"ICD-10-CM", "r52", "ICD-10-CM chapter 18"})
            QVERIFY2(grad[node(g, far)].item<double>() == 0.0, far.c_str());
    }

    void scaleAttentionWeighsTheLayers() {
        // Forcing the scale attention onto one layer makes z that layer's features: with scale_fc2's bias
        // strongly favouring layer 0 and its weights zero, the output equals a network whose layers 1 and 2
        // are switched off (zero conv weights and biases).
        torch::manual_seed(6);
        auto network = fc::net::makeNetwork(small({"a", "b"}));
        auto& net = dynamic_cast<fc::net::MsattKgImpl&>(network->module());
        network->module().eval();
        torch::NoGradGuard noGrad;
        net.scale_fc2->weight.zero_();
        net.scale_fc2->bias.copy_(torch::tensor({60.0f, 0.0f, 0.0f}));
        const auto x = idRows({{1, 2, 3, 4, 5}});
        const auto onlyFirst = network->forward(x).logits;
        for (std::size_t l = 1; l < net.dense->size(); ++l)
            for (auto& p : net.dense[l]->parameters())
                p.zero_();
        QVERIFY(torch::allclose(network->forward(x).logits, onlyFirst, 1e-5, 1e-5));
        net.scale_fc2->bias.copy_(torch::tensor({0.0f, 0.0f, 60.0f})); // now layer 2 (zeroed) alone
        const auto last = network->forward(x);
        QVERIFY(torch::allclose(last.attention, torch::full_like(last.attention, 0.2), 1e-5, 1e-5));
    }

    void tinyOverfit() {
        auto c = small({"a10.1", "a10.2", "b20.0"});
        c.options.embeddingDim = 8;
        c.options.denseGrowth = 8;
        c.options.dropout = 0.0;
        const auto [first, last, accuracy] = fc::testing::overfitSixNotes(c);
        QVERIFY2(last < 0.2 * first, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
        QCOMPARE(accuracy, 1.0);
    }

    void presetAndEvidence() {
        const auto p = fc::presetOptions("msatt-kg");
        QCOMPARE(p.arch, std::string("msatt-kg"));
        QCOMPARE(p.maxEpochs, 200);
        const auto& archs = fc::knownArchitectures();
        QVERIFY(std::find(archs.begin(), archs.end(), "msatt-kg") != archs.end());
        const auto json = fc::applyTrainConfig(
            R"({"preset": "msatt-kg", "network": {"dense_layers": 2, "dense_growth": 9}})",
            fc::presetOptions("fusion"), "", "test.json");
        QCOMPARE(json.network.denseLayers, std::int64_t{2});
        QCOMPARE(json.network.denseGrowth, std::int64_t{9});
        QCOMPARE(fc::evidenceOptionsFor("msatt-kg").tokensPerPosition, 1);
        QCOMPARE(fc::evidenceOptionsFor("msatt-kg", fc::EvidenceGeometry::FullReceptiveField).leftTokens, 4);
        auto bad = small({"a"});
        bad.options.embeddingDim = 0;
        QVERIFY_THROWS_EXCEPTION(fc::ModelError, fc::net::makeNetwork(bad));
    }
};

QTEST_APPLESS_MAIN(TestMsattKg)
#include "tst_msatt_kg.moc"
