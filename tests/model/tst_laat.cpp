// LAAT and JointLAAT (model/src/torch/laat.*, jointlaat.*): the authors' state_dict names and shapes, output
// shapes and attention rows, padding that does not reach a note's scores, the parent rule of the hierarchy,
// the joint loss, presets, the evidence geometry, and a tiny-overfit run of each.
#include "fc/model/evidence.h"
#include "fc/model/modelfiles.h"
#include "fc/model/training.h"
#include "torch/jointlaat.h"
#include "torch/label_init.h"
#include "torch/network.h"

#include <torch/optim/adam.h>

#include <QtTest>

#include <map>

namespace {

using Schema = std::map<std::string, std::vector<std::int64_t>>;

fc::ModelConfig config(const std::string& arch, std::vector<std::string> labels, std::int64_t vocab) {
    fc::ModelConfig c;
    c.arch = arch;
    c.labels = std::move(labels);
    c.vocabularySize = vocab;
    return c;
}

Schema schemaOf(const fc::net::Network& network) {
    Schema s;
    for (const auto& [name, tensor] : fc::net::stateDict(network))
        s[name] = tensor.sizes().vec();
    return s;
}

// aehrc/LAAT's state_dict for an RNN + label attention model (rnn.py, attention_layer.py), written out
// independently of the implementation, without the authors' unused attention.linear and linears.*.
Schema authorsSchema(std::int64_t V, std::int64_t d, std::int64_t u, std::int64_t da,
                     const std::vector<std::int64_t>& levels, std::int64_t P) {
    Schema s;
    s["embedding.embeddings.weight"] = {V + 2, d};
    for (const std::string suffix : {"", "_reverse"}) {
        s["rnn.weight_ih_l0" + suffix] = {4 * u, d};
        s["rnn.weight_hh_l0" + suffix] = {4 * u, u};
        s["rnn.bias_ih_l0" + suffix] = {4 * u};
        s["rnn.bias_hh_l0" + suffix] = {4 * u};
    }
    for (std::size_t l = 0; l < levels.size(); ++l) {
        const auto i = std::to_string(l);
        s["attention.first_linears." + i + ".weight"] = {da, 2 * u};
        s["attention.second_linears." + i + ".weight"] = {levels[l], da};
        s["attention.third_linears." + i + ".weight"] = {levels[l], 2 * u + (l > 0 ? P : 0)};
        s["attention.third_linears." + i + ".bias"] = {levels[l]};
        if (levels.size() > 1)
            s["projection_linears." + i + ".weight"] = {P, levels[l]};
    }
    return s;
}

torch::Tensor ids(std::vector<std::vector<std::int64_t>> rows) {
    std::size_t n = 0;
    for (const auto& r : rows)
        n = std::max(n, r.size());
    auto t =
        torch::zeros({static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(n)}, torch::kInt64);
    for (std::size_t b = 0; b < rows.size(); ++b)
        for (std::size_t i = 0; i < rows[b].size(); ++i)
            t[static_cast<std::int64_t>(b)][static_cast<std::int64_t>(i)] = rows[b][i];
    return t;
}

// A few gradient steps on 6 notes with 3 codes; returns {first loss, last loss, last-step accuracy}.
std::tuple<double, double, double> overfit(const std::string& arch) {
    torch::manual_seed(3);
    auto c = config(arch, {"a10.1", "a10.2", "b20.0"}, 12);
    c.options.rnnHidden = 16;
    c.options.attentionDim = 8;
    c.options.levelProjection = 4;
    c.options.embeddingDim = 8;
    c.options.dropout = 0.0;
    auto network = fc::net::makeNetwork(c);
    // word 3 -> code 0, word 5 -> code 1, word 7 -> code 2; the rest is filler.
    const auto x = ids({{1, 3, 2, 4}, {5, 1, 2}, {7, 4, 4, 1, 2}, {3, 7, 2}, {2, 5, 7, 1}, {4, 2, 3, 5}});
    const auto y =
        torch::tensor({1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0}, torch::kFloat32).view({6, 3});
    torch::optim::Adam adam(network->module().parameters(), torch::optim::AdamOptions(1e-2));
    network->module().train();
    double first = 0, last = 0, accuracy = 0;
    for (int step = 0; step < 60; ++step) {
        const auto out = network->forward(x);
        auto loss = torch::nn::functional::binary_cross_entropy_with_logits(out.logits, y);
        loss = loss + network->auxiliaryLoss(y);
        adam.zero_grad();
        loss.backward();
        adam.step();
        (step == 0 ? first : last) = loss.item<double>();
        accuracy = (out.logits.gt(0).to(torch::kFloat32) == y).to(torch::kFloat32).mean().item<double>();
    }
    return {first, last, accuracy};
}

} // namespace

class TestLaat : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void laatStateDictIsTheAuthors() {
        torch::manual_seed(1);
        const auto network = fc::net::makeNetwork(config("laat", {"401.9", "428.0", "39.61"}, 20));
        QCOMPARE(schemaOf(*network), authorsSchema(20, 100, 256, 256, {3}, 128));
    }

    void jointLaatStateDictHasBothLevels() {
        torch::manual_seed(1);
        // parents: 39, 401, 428 (sorted)
        const auto network =
            fc::net::makeNetwork(config("jointlaat", {"401.9", "428.0", "428.1", "39.61"}, 20));
        QCOMPARE(schemaOf(*network), authorsSchema(20, 100, 256, 256, {3, 4}, 128));
    }

    void optionsChangeTheSizes() {
        auto c = config("jointlaat", {"a", "b"}, 5);
        c.options.embeddingDim = 6;
        c.options.rnnHidden = 7;
        c.options.attentionDim = 3;
        c.options.levelProjection = 2;
        const auto network = fc::net::makeNetwork(c);
        QCOMPARE(schemaOf(*network), authorsSchema(5, 6, 7, 3, {2, 2}, 2));
    }

    // --frequency-bias starts the code level's output bias (attention.third_linears.<last>.bias) at the
    // codes' training log-odds, as it does `final.bias` for the other networks; JointLAAT's parent level
    // keeps its own. (It used to find no `final.bias` and silently leave LAAT's at zero.)
    void frequencyBiasReachesTheCodeLevel() {
        for (const char* arch : {"laat", "jointlaat"}) {
            auto network = fc::net::makeNetwork(config(arch, {"a10.1", "a10.2", "b20.0"}, 12));
            fc::trainer::initialiseBiasesFromFrequencies(*network, {1, 0, 4}, 4);
            const auto named = network->module().named_parameters();
            const std::string level = std::string(arch) == "laat" ? "0" : "1";
            const auto bias = named["attention.third_linears." + level + ".bias"];
            QCOMPARE(bias.size(0), std::int64_t(3));
            QVERIFY(std::abs(bias[0].item<double>() - std::log(0.25 / 0.75)) < 1e-6);
            QVERIFY(std::abs(bias[1].item<double>() - std::log(0.125 / 0.875)) < 1e-6);
            if (level == "1")
                QVERIFY(named["attention.third_linears.0.bias"].size(0) != 3); // the parents' level
        }
    }

    void outputShapesAndAttentionRows() {
        for (const std::string arch : {"laat", "jointlaat"}) {
            torch::manual_seed(2);
            auto c = config(arch, {"n39.0", "r52", "0dtj0zz", "i10"}, 30);
            c.options.rnnHidden = 8;
            c.options.attentionDim = 4;
            auto network = fc::net::makeNetwork(c);
            network->module().eval();
            torch::InferenceMode guard;
            const auto out = network->forward(ids({{1, 2, 3, 4, 5, 6, 7}, {8, 9, 10}}));
            QCOMPARE(out.logits.sizes().vec(), (std::vector<std::int64_t>{2, 4}));
            QCOMPARE(out.attention.sizes().vec(), (std::vector<std::int64_t>{2, 4, 7}));
            QVERIFY(torch::allclose(out.attention.sum(2), torch::ones({2, 4}), 1e-5, 1e-5));
            QCOMPARE(network->geometry().tokensPerPosition, std::int64_t{1});
        }
    }

    void padsNeverEnterTheRecurrence() {
        // The LSTM is packed as in the authors' code, so a short note's hidden states do not depend on how
        // far the batch pads it (without packing the backward direction would start in the padding). Its
        // scores still see the padding through the authors' softmax over every position, but the attention
        // over its real tokens, renormalised, is the same as alone.
        torch::manual_seed(4);
        auto c = config("laat", {"a", "b", "c"}, 20);
        c.options.rnnHidden = 8;
        c.options.attentionDim = 4;
        auto network = fc::net::makeNetwork(c);
        network->module().eval();
        torch::InferenceMode guard;
        const auto alone = network->forward(ids({{9, 3}}));
        const auto batched = network->forward(ids({{4, 5, 6, 7, 8}, {9, 3}}));
        const auto real = batched.attention[1].slice(1, 0, 2);
        QVERIFY(torch::allclose(real / real.sum(1, true), alone.attention[0], 1e-5, 1e-5));
        // The long note fills the batch and gets the same scores as alone.
        const auto longAlone = network->forward(ids({{4, 5, 6, 7, 8}}));
        QVERIFY(torch::allclose(longAlone.logits[0], batched.logits[0], 1e-5, 1e-5));
        // Zero states after the short row's length give every padded position the same score for a label.
        const auto padded = batched.attention[1].slice(1, 2);
        QVERIFY(torch::allclose(padded, padded.select(1, 0).unsqueeze(1).expand_as(padded)));
    }

    void parentRule() {
        using fc::net::jointLaatParent;
        QCOMPARE(jointLaatParent("428.0", false), std::string("428"));
        QCOMPARE(jointLaatParent("E849.3", false), std::string("E849"));
        QCOMPARE(jointLaatParent("39.61", false), std::string("39"));
        QCOMPARE(jointLaatParent("V45.81", false), std::string("V45"));
        QCOMPARE(jointLaatParent("n39.0", true), std::string("n39"));
        QCOMPARE(jointLaatParent("r52", true), std::string("r52"));
        QCOMPARE(jointLaatParent("0dtj0zz", true), std::string("0dt"));
        QCOMPARE(jointLaatParent("bw03zzz", true), std::string("bw0"));
        const auto h = fc::net::jointLaatHierarchy({"r52", "n39.0", "0dtj0zz", "n39.9"});
        QCOMPARE(h.parents, (std::vector<std::string>{"0dt", "n39", "r52"}));
        QCOMPARE(h.parentOf, (std::vector<std::int64_t>{2, 1, 0, 1}));
    }

    void jointLossAddsTheParentLevel() {
        torch::manual_seed(5);
        auto c = config("jointlaat", {"a10.1", "a10.2", "b20.0"}, 10);
        c.options.rnnHidden = 4;
        c.options.attentionDim = 4;
        auto network = fc::net::makeNetwork(c);
        const auto targets = torch::tensor({1.0f, 0.0f, 0.0f}).view({1, 3});
        // Nothing before a train-mode forward, nor in eval mode.
        QCOMPARE(network->auxiliaryLoss(targets).item<double>(), 0.0);
        network->module().eval();
        network->forward(ids({{1, 2, 3}}));
        QCOMPARE(network->auxiliaryLoss(targets).item<double>(), 0.0);
        network->module().train();
        network->forward(ids({{1, 2, 3}}));
        const double aux = network->auxiliaryLoss(targets).item<double>();
        QVERIFY(aux > 0.0);
        // LAAT has no auxiliary term.
        auto flat = fc::net::makeNetwork(config("laat", {"a10.1", "a10.2", "b20.0"}, 10));
        flat->module().train();
        flat->forward(ids({{1, 2, 3}}));
        QCOMPARE(flat->auxiliaryLoss(targets).item<double>(), 0.0);
    }

    void tinyOverfit_data() {
        QTest::addColumn<QString>("arch");
        QTest::newRow("laat") << QStringLiteral("laat");
        QTest::newRow("jointlaat") << QStringLiteral("jointlaat");
    }
    void tinyOverfit() {
        QFETCH(QString, arch);
        const auto [first, last, accuracy] = overfit(arch.toStdString());
        QVERIFY2(last < 0.2 * first, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
        QCOMPARE(accuracy, 1.0);
    }

    void presets() {
        const auto laat = fc::presetOptions("laat");
        QCOMPARE(laat.arch, std::string("laat"));
        QCOMPARE(laat.learningRate, 1e-3);
        QCOMPARE(laat.batchSize, 8);
        QCOMPARE(laat.maxEpochs, 50);
        QCOMPARE(laat.patience, 5);
        QCOMPARE(laat.criterion, std::string("micro_f1"));
        QCOMPARE(laat.network.dropout, 0.3);
        QCOMPARE(laat.network.maxTokens, std::int64_t{4000});
        QCOMPARE(fc::presetOptions("jointlaat").arch, std::string("jointlaat"));
        const auto plus = fc::presetOptions("fusion-plus");
        QCOMPARE(plus.arch, std::string("fusion"));
        QCOMPARE(plus.topLabels, 50);
        const fc::TrainOptions base = fc::presetOptions("fusion");
        const auto json = fc::applyTrainConfig(
            R"({"preset": "jointlaat", "network": {"rnn_hidden": 12, "attention_dim": 6, "level_projection": 3}})",
            base, "", "test.json");
        QCOMPARE(json.network.rnnHidden, std::int64_t{12});
        QCOMPARE(json.network.attentionDim, std::int64_t{6});
        QCOMPARE(json.network.levelProjection, std::int64_t{3});
        const auto& archs = fc::knownArchitectures();
        QVERIFY(std::find(archs.begin(), archs.end(), "laat") != archs.end());
        QVERIFY(std::find(archs.begin(), archs.end(), "jointlaat") != archs.end());
    }

    void evidenceIsPerToken() {
        for (const std::string arch : {"laat", "jointlaat"}) {
            const auto readable = fc::evidenceOptionsFor(arch, fc::EvidenceGeometry::Readable, 25);
            QCOMPARE(readable.tokensPerPosition, 1);
            QCOMPARE(readable.leftTokens, 0);
            QCOMPARE(readable.rightTokens, 0);
        }
    }
};

QTEST_APPLESS_MAIN(TestLaat)
#include "tst_laat.moc"
