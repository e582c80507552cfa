// The inference shortcuts of the networks (issue #14): with autograd off, Fusion takes its label attention
// block by block (OutputLayerImpl::infer), its kernel-1 convolutions as matrix products (pointwiseConv), the
// self-attention scale as the GEMM's alpha with the softmax in place, and the feed-forward as row-wise linear
// maps. Each must give what the graph the trainer records gives (same weights, eval mode, autograd on).
#include "fc/model/modelfiles.h"
#include "torch/layers.h"
#include "torch/network.h"

#include <QtTest>

namespace {

fc::ModelConfig config(const std::string& arch, std::int64_t labels, std::int64_t vocab) {
    fc::ModelConfig c;
    c.arch = arch;
    for (std::int64_t i = 0; i < labels; ++i)
        c.labels.push_back("C" + std::to_string(i));
    c.vocabularySize = vocab;
    return c;
}

double maxDifference(const torch::Tensor& a, const torch::Tensor& b) {
    return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

// The trainer's path: eval mode, autograd recording, so no layer takes an inference shortcut.
fc::net::NetworkOutput recorded(fc::net::Network& net, const torch::Tensor& ids) {
    torch::AutoGradMode grad(true);
    auto out = net.forward(ids);
    return {out.logits.detach(), out.attention.detach(), {}, {}, {}};
}

} // namespace

class TestInferencePath : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { torch::manual_seed(3); }

    void fusionEqualsTheRecordedGraph_data() {
        QTest::addColumn<int>("labels");
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("tokens");
        // More labels than one block (256), with a partial last block; batch 1 (mm) and 2 (matmul); odd
        // lengths (a padded pooling window).
        QTest::newRow("600 labels, 1 x 301") << 600 << 1 << 301;
        QTest::newRow("600 labels, 2 x 257") << 600 << 2 << 257;
        QTest::newRow("7 labels, 1 x 40") << 7 << 1 << 40;
        QTest::newRow("256 labels, 1 x 2") << 256 << 1 << 2;
    }

    void fusionEqualsTheRecordedGraph() {
        QFETCH(int, labels);
        QFETCH(int, batch);
        QFETCH(int, tokens);
        auto net = fc::net::makeNetwork(config("fusion", labels, 500));
        net->module().eval();
        const auto ids = torch::randint(0, 502, {batch, tokens}, torch::kInt64);
        const auto reference = recorded(*net, ids);

        torch::InferenceMode inference;
        {
            // Freed NaN blocks that the next allocations may reuse: an inference buffer read before it is
            // written (LibTorch 1.13's small baddbmm computes 0 * C) would turn the scores into NaN.
            const auto garbage = torch::full({1 << 20}, NAN);
        }
        const auto withAttention = net->infer(ids, true);
        const auto scoresOnly = net->infer(ids, false);
        const auto plainForward = net->forward(ids);
        QCOMPARE(withAttention.logits.sizes().vec(), reference.logits.sizes().vec());
        QCOMPARE(withAttention.attention.sizes().vec(), reference.attention.sizes().vec());
        QVERIFY(!scoresOnly.attention.defined());
        const double logits = maxDifference(withAttention.logits, reference.logits);
        const double attention = maxDifference(withAttention.attention, reference.attention);
        const double sigmoid =
            maxDifference(torch::sigmoid(withAttention.logits), torch::sigmoid(reference.logits));
        qInfo("max |difference|: logits %g, sigmoid %g, attention %g", logits, sigmoid, attention);
        QVERIFY2(logits <= 1e-5, qPrintable(QString::number(logits)));
        QVERIFY2(sigmoid <= 1e-6, qPrintable(QString::number(sigmoid)));
        QVERIFY2(attention <= 1e-6, qPrintable(QString::number(attention)));
        // With or without the attention matrix, the scores are computed the same way.
        QVERIFY(torch::equal(scoresOnly.logits, withAttention.logits));
        QVERIFY(torch::equal(plainForward.logits, withAttention.logits));
        QVERIFY(torch::allclose(withAttention.attention.sum(2), torch::ones({batch, labels}), 1e-5, 1e-5));

        // Evidence by contribution (issue #13): alpha_yt (w_y . h_t) per position, summing with the bias to
        // the logit; only with the attention.
        // The Engine asks for a few codes' rows: check all of them, and a subset in a shuffled order.
        QVERIFY(!fc::net::contributionRows(scoresOnly, 0, torch::arange(labels)).defined());
        const auto bias = net->module().named_parameters()["output_layer.final.bias"];
        for (std::int64_t b = 0; b < batch; ++b) {
            const auto contributions = fc::net::contributionRows(withAttention, b, torch::arange(labels));
            QCOMPARE(contributions.sizes().vec(), reference.attention[b].sizes().vec());
            const double sum = maxDifference(contributions.sum(1) + bias, withAttention.logits[b]);
            QVERIFY2(sum <= 1e-5, qPrintable(QString::number(sum)));
            const std::int64_t y = labels;
            const auto some = torch::tensor({y - 1, std::int64_t{0}, y / 2});
            QVERIFY(maxDifference(fc::net::contributionRows(withAttention, b, some),
                                  contributions.index_select(0, some)) <= 1e-6);
        }
    }

    void multiResCnnResidualBlocksEqualTheRecordedGraph() {
        // BatchNorm residual blocks (the shortcut's norm is found at shortcut[1] either way).
        auto c = config("multirescnn", 30, 200);
        c.options.filterSizes = {3, 5};
        auto net = fc::net::makeNetwork(c);
        net->module().eval();
        const auto ids = torch::randint(0, 202, {2, 90}, torch::kInt64);
        const auto reference = recorded(*net, ids);
        torch::InferenceMode inference;
        const auto out = net->infer(ids, true);
        QVERIFY(maxDifference(out.logits, reference.logits) <= 1e-5);
        QVERIFY(maxDifference(out.attention, reference.attention) <= 1e-6);
    }

    void pointwiseConvolutionIsTheConvolution() {
        for (const bool bias : {true, false}) {
            torch::nn::Conv1d conv(torch::nn::Conv1dOptions(12, 7, 1).bias(bias));
            // A transposed view (the feed-forward's input) and a contiguous batch of 3.
            const auto viewed = torch::randn({1, 40, 12}).transpose(1, 2);
            const auto batch = torch::randn({3, 12, 40});
            for (const auto& x : {viewed, batch}) {
                const auto expected = conv->forward(x).detach();
                torch::InferenceMode inference;
                const auto y = fc::net::pointwiseConv(*conv, x);
                QCOMPARE(y.sizes().vec(), expected.sizes().vec());
                QVERIFY(maxDifference(y, expected) <= 1e-5);
            }
        }
        // Anything but a plain kernel-1 convolution is the module itself.
        torch::nn::Conv1d wide(torch::nn::Conv1dOptions(4, 4, 3).padding(1));
        const auto x = torch::randn({1, 4, 9});
        torch::InferenceMode inference;
        QVERIFY(torch::equal(fc::net::pointwiseConv(*wide, x), wide->forward(x)));
    }
};

QTEST_GUILESS_MAIN(TestInferencePath)
#include "tst_inference_path.moc"
