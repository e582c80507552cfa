// C-LSTM-Att (model/src/torch/clstm_att.*): state_dict names and shapes, output shapes and attention rows,
// segments that never see each other or the batch's padding, the geometry the evidence uses, the preset, and
// a tiny-overfit run.
#include "../support/tiny_network.h"
#include "fc/model/errors.h"
#include "fc/model/evidence.h"
#include "fc/model/training.h"

#include <QtTest>

using fc::testing::idRows;
using fc::testing::networkConfig;
using fc::testing::Schema;
using fc::testing::schemaOf;

namespace {

// The checkpoint clstm_att.h documents, written out independently of the implementation.
Schema expectedSchema(std::int64_t V, std::int64_t d, std::int64_t u, std::int64_t Y) {
    return {{"embed.weight", {V + 2, d}},      {"lstm.weight_ih_l0", {4 * u, d}},
            {"lstm.weight_hh_l0", {4 * u, u}}, {"lstm.bias_ih_l0", {4 * u}},
            {"lstm.bias_hh_l0", {4 * u}},      {"code_attention.weight", {Y, u}},
            {"final.weight", {Y, u}},          {"final.bias", {Y}}};
}

fc::ModelConfig small(std::vector<std::string> labels, std::int64_t segment) {
    auto c = networkConfig("clstm-att", std::move(labels), 20);
    c.options.embeddingDim = 6;
    c.options.rnnHidden = 5;
    c.options.segmentTokens = segment;
    return c;
}

} // namespace

class TestClstmAtt : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void stateDictNamesAndShapes() {
        torch::manual_seed(1);
        const auto network =
            fc::net::makeNetwork(networkConfig("clstm-att", {"401.9", "428.0", "39.61"}, 20));
        QCOMPARE(schemaOf(*network), expectedSchema(20, 100, 128, 3)); // defaults: u 128
        QCOMPARE(network->geometry().tokensPerPosition, std::int64_t{10});
        QCOMPARE(network->geometry().receptiveRadius, std::int64_t{0});
        const auto sized = fc::net::makeNetwork(small({"a", "b"}, 4));
        QCOMPARE(schemaOf(*sized), expectedSchema(20, 6, 5, 2));
        QCOMPARE(sized->geometry().tokensPerPosition, std::int64_t{4});
    }

    void outputShapesAndAttentionRows() {
        torch::manual_seed(2);
        auto network = fc::net::makeNetwork(small({"n39.0", "r52", "0dtj0zz"}, 4));
        network->module().eval();
        torch::InferenceMode guard;
        // 9 tokens -> 3 segments of 4 (the last holds one token and three PADs).
        const auto out = network->forward(idRows({{1, 2, 3, 4, 5, 6, 7, 8, 9}, {10, 11}}));
        QCOMPARE(out.logits.sizes().vec(), (std::vector<std::int64_t>{2, 3}));
        QCOMPARE(out.attention.sizes().vec(), (std::vector<std::int64_t>{2, 3, 3}));
        QCOMPARE(network->geometry().positionsFor(9), std::int64_t{3});
        QVERIFY(torch::allclose(out.attention.sum(2), torch::ones({2, 3}), 1e-5, 1e-5));
        QVERIFY(torch::isfinite(out.logits).all().item<bool>());
    }

    void segmentsAreIndependent() {
        // A segment's state reads only its own tokens: changing a token of segment 2 leaves the scores of
        // segments 0 and 1 (their pre-softmax attention) unchanged, so their attention ratio is unchanged.
        torch::manual_seed(4);
        auto network = fc::net::makeNetwork(small({"a", "b"}, 3));
        network->module().eval();
        torch::InferenceMode guard;
        const auto before = network->forward(idRows({{1, 2, 3, 4, 5, 6, 7, 8, 9}})).attention;
        const auto after = network->forward(idRows({{1, 2, 3, 4, 5, 6, 7, 8, 12}})).attention;
        const auto ratio = [](const torch::Tensor& a) { return a.select(2, 0) / a.select(2, 1); };
        QVERIFY(torch::allclose(ratio(before), ratio(after), 1e-5, 1e-5));
        QVERIFY(!torch::allclose(before.select(2, 2), after.select(2, 2), 1e-5, 1e-5));
        // A short note batched with a long one: its real segments get the same states as alone (the padding
        // segments only join the softmax), and the long note's scores are the same as alone.
        const auto alone = network->forward(idRows({{9, 3, 4, 5}}));
        const auto longAlone = network->forward(idRows({{4, 5, 6, 7, 8, 1, 2}}));
        const auto batched = network->forward(idRows({{4, 5, 6, 7, 8, 1, 2}, {9, 3, 4, 5}}));
        QVERIFY(torch::allclose(longAlone.logits[0], batched.logits[0], 1e-5, 1e-5));
        const auto real = batched.attention[1].slice(1, 0, 2);
        QVERIFY(torch::allclose(real / real.sum(1, true), alone.attention[0], 1e-5, 1e-5));
    }

    void refusesBadSizes() {
        auto c = small({"a"}, 4);
        c.options.embeddingDim = 0;
        QVERIFY_THROWS_EXCEPTION(fc::ModelError, fc::net::makeNetwork(c));
    }

    void tinyOverfit() {
        auto c = small({"a10.1", "a10.2", "b20.0"}, 2);
        c.options.rnnHidden = 16;
        c.options.embeddingDim = 8;
        c.options.dropout = 0.0;
        const auto [first, last, accuracy] = fc::testing::overfitSixNotes(c);
        QVERIFY2(last < 0.2 * first, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
        QCOMPARE(accuracy, 1.0);
    }

    void preset() {
        const auto p = fc::presetOptions("clstm-att");
        QCOMPARE(p.arch, std::string("clstm-att"));
        QCOMPARE(p.learningRate, 1e-3);
        QCOMPARE(p.criterion, std::string("micro_f1"));
        const auto& presets = fc::trainingPresets();
        QVERIFY(std::find(presets.begin(), presets.end(), "clstm-att") != presets.end());
        const auto& archs = fc::knownArchitectures();
        QVERIFY(std::find(archs.begin(), archs.end(), "clstm-att") != archs.end());
        const auto json = fc::applyTrainConfig(R"({"preset": "clstm-att", "network": {"segment_tokens": 7}})",
                                               fc::presetOptions("fusion"), "", "test.json");
        QCOMPARE(json.arch, std::string("clstm-att"));
        QCOMPARE(json.network.segmentTokens, std::int64_t{7});
        QCOMPARE(fc::evidenceOptionsFor("clstm-att").tokensPerPosition, 10);
    }
};

QTEST_APPLESS_MAIN(TestClstmAtt)
#include "tst_clstm_att.moc"
