// PredictOptions::networkOnly / EvaluationOptions::networkOnly (issue #13): a model with retrieval (neighbour
// vote + description match) gives exactly its network's scores and attention when asked for the network
// alone, its evidence sources are labelled (description mentions vs attention passages), and eval reports the
// per-source evidence metrics and the official CodiEsp metrics.
#include "../support/labelled_document.h"
#include "fc/model/dataset.h"
#include "fc/model/engine.h"
#include "fc/model/evaluation.h"
#include "fc/model/modelfiles.h"
#include "fc/model/retrieval.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <map>
#include <stdexcept>

namespace {

using fc::testing::doc;

std::vector<fc::Document> corpus() {
    return {doc("1", "Chest pain radiating to the arm, angina on exertion.", {"I20.9"}),
            doc("2", "Fever and productive cough, pneumonia on the chest film.", {"J18.9", "R50.9"}),
            doc("3", "Dry cough and fever for two days, acute bronchitis.", {"J20.9", "R50.9"}),
            doc("4", "Type 2 diabetes with renal failure.", {"E11.22", "BW03ZZZ"})};
}

} // namespace

class TestNetworkOnly : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_plain, m_mixed;

private Q_SLOTS:
    void initTestCase() {
        fc::ModelConfig c;
        c.name = "network-only test";
        c.arch = "fusion";
        c.placeholder = true;
        c.labels = {"BW03ZZZ", "E11.22", "I20.9", "J18.9", "J20.9", "R50.9"};
        c.options.maxTokens = 32;
        c.options.filterSizes = {3, 5};
        m_plain = m_tmp.filePath("model");
        fc::createModel(c, {"angina", "chest", "cough", "diabetes", "fever", "pain", "pneumonia"}, 3,
                        m_plain.toStdString());
        const QString train = m_tmp.filePath("train.jsonl");
        const QString dev = m_tmp.filePath("dev.jsonl");
        fc::saveDataset(train.toStdString(), corpus());
        fc::saveDataset(dev.toStdString(), {doc("d1", "Cough, fever and pneumonia.", {"J18.9", "R50.9"}),
                                            doc("d2", "Angina and chest pain.", {"I20.9"})});
        const QString descriptions = m_tmp.filePath("labels.tsv");
        QFile f(descriptions);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("I20.9\tAngina pectoris\nJ18.9\tPneumonia\nR50.9\tFever\n");
        f.close();
        fc::RetrievalTuningOptions options;
        options.weight = 0.5f;
        options.descriptionsPath = descriptions.toStdString();
        options.descriptionWeight = 0.5f;
        options.threads = 1;
        m_mixed = m_tmp.filePath("model-mixed");
        fc::addRetrieval(m_plain.toStdString(), train.toStdString(), dev.toStdString(), m_mixed.toStdString(),
                         options);
    }

    void predictGivesTheNetworkAlone() {
        const auto plain = fc::Engine::load(m_plain.toStdString(), 1);
        const auto mixed = fc::Engine::load(m_mixed.toStdString(), 1);
        const std::string note = "Fever with cough; chest film shows pneumonia.";
        fc::PredictOptions networkOnly;
        networkOnly.networkOnly = true;
        const auto alone = mixed->predict(note, networkOnly);
        const auto reference = plain->predict(note);
        QCOMPARE(alone.codes.size(), reference.codes.size());
        bool anyDifferent = false;
        const auto full = mixed->predict(note);
        std::map<std::string, float> fullScore;
        for (const auto& code : full.codes)
            fullScore[code.code] = code.score;
        for (std::size_t i = 0; i < alone.codes.size(); ++i) {
            QCOMPARE(alone.codes[i].code, reference.codes[i].code);
            QCOMPARE(alone.codes[i].score, reference.codes[i].score);
            QCOMPARE(alone.codes[i].evidence.size(), reference.codes[i].evidence.size());
            for (const auto& span : alone.codes[i].evidence)
                QVERIFY(span.source == fc::EvidenceSource::Attention);
            anyDifferent =
                anyDifferent || std::fabs(fullScore[alone.codes[i].code] - alone.codes[i].score) > 1e-6f;
        }
        QVERIFY(anyDifferent); // the full model does mix something in
    }

    // The strongest evidence of a code comes from the part that moved its score most: the description
    // mention when the mix leans on the description match, the attention passage when it leans on the
    // network.
    void strongestEvidenceComesFromTheLeadingPart() {
        const std::string note = "Fever with cough; chest film shows pneumonia.";
        const auto firstSourceOfFever = [&](float weight, float descriptionWeight, const char* name) {
            fc::RetrievalTuningOptions options;
            options.weight = weight;
            options.descriptionsPath = m_tmp.filePath("labels.tsv").toStdString();
            options.descriptionWeight = descriptionWeight;
            options.threads = 1;
            const QString out = m_tmp.filePath(QString::fromLatin1(name));
            fc::addRetrieval(m_plain.toStdString(), m_tmp.filePath("train.jsonl").toStdString(),
                             m_tmp.filePath("dev.jsonl").toStdString(), out.toStdString(), options);
            const auto prediction = fc::Engine::load(out.toStdString(), 1)->predict(note);
            for (const auto& code : prediction.codes)
                if (code.code == "R50.9" && !code.evidence.empty())
                    return code.evidence.front().source;
            throw std::runtime_error("R50.9 has no evidence");
        };
        // Network share 0.05 x p <= 0.05; description share 0.95 x 2 x match(1) / 3 = 0.63.
        QVERIFY(firstSourceOfFever(0.95f, 2.0f, "leans-on-description") == fc::EvidenceSource::Mention);
        // Network share 0.95 x p (p about 0.5 for this untrained network); description 0.05 x 0.25 / 1.25 =
        // 0.01.
        QVERIFY(firstSourceOfFever(0.05f, 0.25f, "leans-on-network") == fc::EvidenceSource::Attention);
    }

    void evalReportsBothSourcesAndTheOfficialMetrics() {
        std::vector<fc::Document> data = {
            doc("e1", "Fever and cough, pneumonia.", {"J18.9", "R50.9", "Z99.9"}),
            doc("e2", "Diabetes; chest film.", {"E11.22", "BW03ZZZ"})};
        data[0].evidence = {{"R50.9", 0, 5}, {"J18.9", 17, 26}};
        fc::EvaluationOptions options;
        options.threads = 1;
        const auto full = fc::evaluateModel(m_mixed.toStdString(), data, options);
        QVERIFY(full.metrics.evidence_hit_at_1_mention.has_value());
        QVERIFY(full.metrics.evidence_hit_at_1_attention.has_value() ||
                !full.metrics.evidence_token_f1_attention.has_value());
        // "Fever" [0,5) and "pneumonia" [17,26) are exactly the description mentions: both strongest
        // mentions hit.
        QCOMPARE(*full.metrics.evidence_hit_at_1_mention, 1.0);
        QVERIFY(full.metrics.codiesp_d_map.has_value());
        QVERIFY(full.metrics.codiesp_p_map.has_value());
        QVERIFY(full.metrics.codiesp_x_f1.has_value());

        options.networkOnly = true;
        const auto alone = fc::evaluateModel(m_mixed.toStdString(), data, options);
        fc::EvaluationOptions plainOptions;
        plainOptions.threads = 1;
        const auto plain = fc::evaluateModel(m_plain.toStdString(), data, plainOptions);
        QCOMPARE(alone.metrics.map, plain.metrics.map);
        QCOMPARE(*alone.metrics.codiesp_d_map, *plain.metrics.codiesp_d_map);
        QVERIFY(!alone.metrics.evidence_hit_at_1_mention.has_value());
        QCOMPARE(alone.metrics.evidence_hit_at_1, plain.metrics.evidence_hit_at_1);
    }
};

QTEST_GUILESS_MAIN(TestNetworkOnly)
#include "tst_network_only.moc"
