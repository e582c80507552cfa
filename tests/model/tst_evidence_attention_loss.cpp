// The evidence attention loss (model/src/torch/evidence_attention_loss.h): its value on a hand-computed case,
// the direction of its gradient (towards the gold positions, away from the others, nothing for codes without
// evidence), one descent step moving attention mass onto the evidence, and the token -> position mapping.
#include "fc/model/dataset.h"
#include "torch/evidence_attention_loss.h"

#include <QtTest>

#include <cmath>

using namespace fc;
using namespace fc::trainer;

class TestEvidenceAttentionLoss : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void valueOnAUniformAttention() {
        // One note, 2 labels, 4 positions, uniform attention 0.25 everywhere. Label 0's gold positions {1, 2}
        // hold 0.25 + 0.25 = 0.5 of its mass -> loss = -log(0.5) = 0.693147...; label 1 has no evidence.
        const auto attention = torch::full({1, 2, 4}, 0.25f);
        NoteEvidence evidence;
        evidence.codes.push_back({0, {1, 2}});
        const auto loss = evidenceAttentionLoss(attention, {&evidence});
        QVERIFY(std::fabs(loss.item<double>() - std::log(2.0)) < 1e-6);
        // Two pairs: label 0 as above (0.5) and label 1 on position 3 only (0.25): mean of log 2 and log 4
        // = 1.5 log 2.
        evidence.codes.push_back({1, {3}});
        QVERIFY(std::fabs(evidenceAttentionLoss(attention, {&evidence}).item<double>() -
                          1.5 * std::log(2.0)) < 1e-6);
    }

    void noEvidenceIsZero() {
        const auto attention = torch::full({2, 2, 4}, 0.25f);
        NoteEvidence empty;
        QCOMPARE(evidenceAttentionLoss(attention, {&empty, nullptr}).item<double>(), 0.0);
        // A gold position beyond the batch's positions (padding cut) is ignored.
        NoteEvidence far;
        far.codes.push_back({0, {9}});
        QCOMPARE(evidenceAttentionLoss(attention, {&far, nullptr}).item<double>(), 0.0);
    }

    void gradientPointsAtTheEvidence() {
        // Attention = softmax of position logits, as in the network. Gold: label 0 at position 1 of note 0.
        torch::manual_seed(3);
        auto logits = torch::randn({2, 3, 5}).set_requires_grad(true);
        NoteEvidence evidence;
        evidence.codes.push_back({0, {1}});
        const auto loss = evidenceAttentionLoss(torch::softmax(logits, 2), {&evidence, nullptr});
        loss.backward();
        const auto grad = logits.grad();
        // d(-log a_1)/d z_p = a_p - [p == 1]: negative at the gold position, positive elsewhere.
        QVERIFY(grad[0][0][1].item<float>() < 0.0f);
        for (int p : {0, 2, 3, 4})
            QVERIFY(grad[0][0][p].item<float>() > 0.0f);
        // Codes and notes without evidence get no gradient.
        QCOMPARE(grad[0][1].abs().sum().item<float>(), 0.0f);
        QCOMPARE(grad[0][2].abs().sum().item<float>(), 0.0f);
        QCOMPARE(grad[1].abs().sum().item<float>(), 0.0f);
    }

    void descentMovesMassOntoTheEvidence() {
        torch::manual_seed(5);
        auto logits = torch::randn({1, 1, 6}).set_requires_grad(true);
        NoteEvidence evidence;
        evidence.codes.push_back({0, {2, 3}});
        const auto before = torch::softmax(logits, 2).detach().clone();
        const auto loss = evidenceAttentionLoss(torch::softmax(logits, 2), {&evidence});
        loss.backward();
        torch::NoGradGuard guard;
        const auto stepped = logits - 0.5 * logits.grad();
        const auto after = torch::softmax(stepped, 2);
        const auto lossAfter = evidenceAttentionLoss(after, {&evidence});
        QVERIFY(lossAfter.item<double>() < loss.item<double>());
        QVERIFY(after[0][0][2].item<float>() + after[0][0][3].item<float>() >
                before[0][0][2].item<float>() + before[0][0][3].item<float>());
        // The mass elsewhere falls by as much (one softmax row); a single small position may rise a little
        // with the renormalisation, so the test is on the sum.
        const auto elsewhere = [](const torch::Tensor& a) {
            return a[0][0][0].item<float>() + a[0][0][1].item<float>() + a[0][0][4].item<float>() +
                   a[0][0][5].item<float>();
        };
        QVERIFY(elsewhere(after) < elsewhere(before));
    }

    void positionsFromEvidenceSpans() {
        // Tokens: Dolor(0) abdominal(1) y(2) fiebre(3) alta(4) desde(5) ayer(6). "fiebre alta" = code points
        // [18, 29) -> tokens 3 and 4 -> with 2 tokens per position: positions 1 and 2.
        Document d;
        d.id = "n1";
        d.text = "Dolor abdominal y fiebre alta desde ayer";
        d.codes = {"R50.9", "R10.9"};
        d.evidence = {{"R50.9", 18, 29}, {"Z99.9", 0, 5}}; // Z99.9 is not a label
        EncodedNote note;
        note.source = 0;
        const std::vector<std::string> labels = {"R10.9", "R50.9"};
        auto out = evidencePositions({d}, {note}, labels, 2, 2500);
        QCOMPARE(out.size(), std::size_t{1});
        QCOMPARE(out[0].codes.size(), std::size_t{1});
        QCOMPARE(out[0].codes[0].first, 1);
        QCOMPARE(out[0].codes[0].second, (std::vector<std::int64_t>{1, 2}));
        // Only the first 4 tokens seen: token 3 -> position 1.
        out = evidencePositions({d}, {note}, labels, 2, 4);
        QCOMPARE(out[0].codes[0].second, (std::vector<std::int64_t>{1}));
        QCOMPARE(evidencePairCount(out), std::size_t{1});
    }
};

QTEST_APPLESS_MAIN(TestEvidenceAttentionLoss)
#include "tst_evidence_attention_loss.moc"
