// C-MemNN (model/src/torch/cmemnn.*): state_dict names and shapes, output shapes and attention rows, the
// memory (filled from descriptions, truncated, used by the scores), padding invariance, the attention
// readout, the preset and evidence options, and a tiny-overfit run.
#include "../support/tiny_network.h"
#include "fc/model/errors.h"
#include "fc/model/evidence.h"
#include "fc/model/training.h"
#include "torch/cmemnn.h"

#include <QtTest>

using fc::testing::idRows;
using fc::testing::networkConfig;
using fc::testing::Schema;
using fc::testing::schemaOf;

namespace {

// The checkpoint cmemnn.h documents, written out independently of the implementation.
Schema expectedSchema(std::int64_t V, std::int64_t d, std::int64_t hops, std::int64_t T, std::int64_t Y) {
    Schema s{{"embed.weight", {V + 2, d}},  {"query.weight", {d, d}}, {"memory_in.weight", {d, d}},
             {"memory_out.weight", {d, d}}, {"final.bias", {Y}},      {"memory_ids", {Y, T}}};
    std::int64_t width = d;
    for (std::int64_t h = 0; h < hops; ++h) {
        s["gate." + std::to_string(h) + ".weight"] = {d, d};
        s["gate." + std::to_string(h) + ".bias"] = {d};
    }
    for (std::int64_t j = 0; j + 1 < hops; ++j) {
        const std::int64_t narrow = d / (std::int64_t{2} << j);
        s["condense." + std::to_string(j) + ".weight"] = {narrow, d};
        s["condense." + std::to_string(j) + ".bias"] = {narrow};
        width += narrow;
    }
    s["final.weight"] = {Y, width};
    return s;
}

fc::ModelConfig small(std::vector<std::string> labels) {
    auto c = networkConfig("cmemnn", std::move(labels), 12);
    c.options.embeddingDim = 8;
    c.options.memoryHops = 2;
    c.options.memoryTokens = 4;
    return c;
}

std::vector<torch::Tensor> memories(const std::vector<std::vector<std::int64_t>>& rows) {
    std::vector<torch::Tensor> out;
    for (const auto& r : rows)
        out.push_back(torch::tensor(r, torch::kInt64));
    return out;
}

} // namespace

class TestCmemnn : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void stateDictNamesAndShapes() {
        torch::manual_seed(1);
        const auto network = fc::net::makeNetwork(networkConfig("cmemnn", {"a", "b", "c"}, 20));
        QCOMPARE(schemaOf(*network), expectedSchema(20, 100, 3, 32, 3)); // defaults: 3 hops, 32 tokens
        QCOMPARE(network->geometry().tokensPerPosition, std::int64_t{1});
        QCOMPARE(network->geometry().receptiveRadius, std::int64_t{0});
        const auto sized = fc::net::makeNetwork(small({"a", "b"}));
        QCOMPARE(schemaOf(*sized), expectedSchema(12, 8, 2, 4, 2)); // final.weight [2, 8 + 4]
    }

    void outputShapesAndAttentionRows() {
        torch::manual_seed(2);
        auto network = fc::net::makeNetwork(small({"a", "b", "c"}));
        network->setLabelDescriptions(memories({{3, 4}, {5}, {}}));
        network->module().eval();
        torch::InferenceMode guard;
        const auto out = network->forward(idRows({{1, 2, 3, 4, 5, 6, 7}, {8, 9, 10}}));
        QCOMPARE(out.logits.sizes().vec(), (std::vector<std::int64_t>{2, 3}));
        QCOMPARE(out.attention.sizes().vec(), (std::vector<std::int64_t>{2, 3, 7}));
        QVERIFY(torch::allclose(out.attention.sum(2), torch::ones({2, 3}), 1e-5, 1e-5));
        QVERIFY(torch::isfinite(out.logits).all().item<bool>());
    }

    void memoryComesFromDescriptions() {
        torch::manual_seed(3);
        auto network = fc::net::makeNetwork(small({"a", "b", "c"}));
        auto& net = dynamic_cast<fc::net::CmemnnImpl&>(network->module());
        QVERIFY(torch::equal(net.memory_ids, torch::zeros({3, 4}, torch::kInt64))); // empty until filled
        network->module().eval();
        torch::NoGradGuard noGrad;
        const auto x = idRows({{1, 3, 5, 2}});
        const auto before = network->forward(x).logits.clone();
        // Three labels, one without a description; the first is cut to memory_tokens (4) ids.
        QCOMPARE(network->setLabelDescriptions(memories({{3, 4, 5, 6, 7, 8}, {}, {9}})), std::size_t{2});
        QVERIFY(torch::equal(
            net.memory_ids, torch::tensor({3, 4, 5, 6, 0, 0, 0, 0, 9, 0, 0, 0}, torch::kInt64).view({3, 4})));
        const auto after = network->forward(x).logits;
        QVERIFY2(!torch::allclose(before, after, 1e-6, 1e-6), "the memory must take part in the scores");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, network->setLabelDescriptions(memories({{1}})));
    }

    void paddingDoesNotChangeTheScores() {
        // The note and the memories are means over their non-PAD words, so a note's scores do not depend on
        // how far its batch pads it.
        torch::manual_seed(4);
        auto network = fc::net::makeNetwork(small({"a", "b"}));
        network->setLabelDescriptions(memories({{3}, {5, 6}}));
        network->module().eval();
        torch::NoGradGuard noGrad;
        const auto alone = network->forward(idRows({{4, 3, 7}})).logits;
        const auto padded = network->forward(idRows({{4, 3, 7}, {1, 2, 3, 4, 5, 6, 7, 8, 9}})).logits[0];
        QVERIFY(torch::allclose(alone[0], padded, 1e-5, 1e-5));
    }

    void attentionFindsTheMemorysWords() {
        // With identity query and key maps, the token of label 0's one-word memory is the note's most
        // similar token to that memory (the embedding rows are random unit vectors), so it gets the highest
        // attention of label 0; likewise word 8 for label 1.
        torch::manual_seed(5);
        auto c = small({"a", "b"});
        c.options.embeddingDim = 32;
        auto network = fc::net::makeNetwork(c);
        auto& net = dynamic_cast<fc::net::CmemnnImpl&>(network->module());
        network->setLabelDescriptions(memories({{3}, {8}}));
        network->module().eval();
        torch::NoGradGuard noGrad;
        net.query->weight.copy_(torch::eye(32));
        net.memory_in->weight.copy_(torch::eye(32));
        const auto a = network->forward(idRows({{1, 2, 3, 4, 8, 9}})).attention[0];
        QCOMPARE(a[0].argmax().item<std::int64_t>(), std::int64_t{2});
        QCOMPARE(a[1].argmax().item<std::int64_t>(), std::int64_t{4});
    }

    void tinyOverfit() {
        auto c = small({"a10.1", "a10.2", "b20.0"});
        c.options.dropout = 0.0;
        const auto [first, last, accuracy] = fc::testing::overfitSixNotes(c, [](fc::net::Network& n) {
            n.setLabelDescriptions(memories({{3}, {5}, {7}}));
        });
        QVERIFY2(last < 0.2 * first, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
        QCOMPARE(accuracy, 1.0);
    }

    void presetAndEvidence() {
        const auto p = fc::presetOptions("cmemnn");
        QCOMPARE(p.arch, std::string("cmemnn"));
        QCOMPARE(p.learningRate, 1e-3);
        const auto& archs = fc::knownArchitectures();
        QVERIFY(std::find(archs.begin(), archs.end(), "cmemnn") != archs.end());
        const auto json = fc::applyTrainConfig(
            R"({"preset": "cmemnn", "network": {"memory_hops": 4, "memory_tokens": 16}})",
            fc::presetOptions("fusion"), "", "test.json");
        QCOMPARE(json.network.memoryHops, std::int64_t{4});
        QCOMPARE(json.network.memoryTokens, std::int64_t{16});
        QCOMPARE(fc::evidenceOptionsFor("cmemnn").tokensPerPosition, 1);
        QCOMPARE(fc::evidenceOptionsFor("cmemnn", fc::EvidenceGeometry::FullReceptiveField).leftTokens, 0);
        auto bad = small({"a"});
        bad.options.memoryHops = 5; // 8 >> 4 = 0: nothing left to condense into
        QVERIFY_THROWS_EXCEPTION(fc::ModelError, fc::net::makeNetwork(bad));
    }
};

QTEST_APPLESS_MAIN(TestCmemnn)
#include "tst_cmemnn.moc"
