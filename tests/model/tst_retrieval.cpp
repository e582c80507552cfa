// The neighbour index (neighbours.h), the reference baselines and the retrieval component of a model
// (retrieval.h): votes computed by hand on tiny corpora, file round trip and damaged files, the mixed score
// of a model with retrieval, and the dev choice of the weight.
#include "../support/labelled_document.h"
#include "fc/model/dataset.h"
#include "fc/model/description_match.h"
#include "fc/model/engine.h"
#include "fc/model/errors.h"
#include "fc/model/modelfiles.h"
#include "fc/model/neighbours.h"
#include "fc/model/retrieval.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

namespace {

using fc::testing::doc;

std::vector<fc::Document> corpus() {
    return {doc("1", "Chest pain radiating to the arm, angina on exertion.", {"I20.9"}),
            doc("2", "Fever and productive cough, pneumonia on the chest film.", {"J18.9", "R50.9"}),
            doc("3", "Dry cough and fever for two days, acute bronchitis.", {"J20.9", "R50.9"}),
            doc("4", "Type 2 diabetes with renal failure.", {"E11.22"})};
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

} // namespace

class TestRetrieval : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;

    QString loadError(const QString& path) {
        try {
            fc::NeighbourIndex::load(path.toStdString());
        } catch (const fc::ModelError& e) {
            return QString::fromUtf8(e.what());
        }
        return {};
    }

private Q_SLOTS:
    void votesAreSimilarityShares() {
        const auto index = fc::NeighbourIndex::build(corpus());
        QCOMPARE(index.documents(), std::size_t{4});
        // "fever cough": only notes 2 and 3 share words with it, equally (same tf, same idf).
        const auto votes = index.vote("fever, cough", 20);
        QCOMPARE(votes.count("I20.9"), std::size_t{0});
        QCOMPARE(votes.count("E11.22"), std::size_t{0});
        QVERIFY(std::abs(votes.at("R50.9") - 1.0f) < 1e-5f); // both voters carry it
        QVERIFY(votes.at("J18.9") > 0.0f && votes.at("J20.9") > 0.0f);
        QVERIFY(std::abs(votes.at("J18.9") + votes.at("J20.9") - 1.0f) < 1e-5f);
        // k = 1: the single nearest note takes the whole vote; "pneumonia" decides for note 2.
        const auto nearest = index.vote("fever cough pneumonia", 1);
        QCOMPARE(nearest.size(), std::size_t{2});
        QVERIFY(std::abs(nearest.at("J18.9") - 1.0f) < 1e-6f);
        // Nothing in common with any note: no vote at all.
        QVERIFY(index.vote("xylophone", 20).empty());
        QVERIFY(index.vote("", 20).empty());
    }

    // Share of the description's IDF mass the note mentions; boilerplate ("unspecified", "of") never counts.
    void descriptionMatchIsTheMentionedShare() {
        const auto index = fc::NeighbourIndex::build(corpus());
        const std::vector<std::string> labels{"I20.9", "J18.9", "R50.9", "Z99"};
        const std::unordered_map<std::string, std::string> descriptions{
            {"I20.9", "Angina pectoris, unspecified"},
            {"J18.9", "Pneumonia, unspecified organism"},
            {"R50.9", "Fever, unspecified"}};
        const auto matcher = fc::DescriptionMatcher::build(labels, descriptions, index);
        const auto m = matcher.match("Fever and angina; no sign of pneumonia organism? Unspecified.");
        QCOMPARE(m.size(), std::size_t{4});
        QVERIFY(std::abs(m[2] - 1.0f) < 1e-6f); // "fever" is the only content word of R50.9
        QVERIFY(std::abs(m[1] - 1.0f) < 1e-6f); // "pneumonia" and "organism"
        // I20.9: "angina" is mentioned, "pectoris" is not; "pectoris" never occurs in the notes, so it has
        // the largest IDF, log(4), against angina's log(4 / 1) as well: half of the mass.
        QVERIFY2(std::abs(m[0] - 0.5f) < 1e-6f, qPrintable(QString::number(m[0])));
        QCOMPARE(m[3], 0.0f); // no description
        QCOMPARE(matcher.match("unspecified, of, other")[0], 0.0f);

        const QString path = m_tmp.filePath("descriptions.tsv");
        writeAll(path, "I20.9\tAngina pectoris\nbroken line without a tab\n");
        QVERIFY_THROWS_EXCEPTION(fc::ModelError,
                                 fc::DescriptionMatcher::readDescriptions(path.toStdString()));
        writeAll(path, "I20.9\tAngina pectoris\r\n\nR50.9\tFever\n");
        QCOMPARE(fc::DescriptionMatcher::readDescriptions(path.toStdString()).size(), std::size_t{2});
    }

    // Mentions: runs of consecutive description words, weighted by the share of the description they cover;
    // a run below the minimum share is no mention; strongest first.
    void descriptionMentions() {
        const auto index = fc::NeighbourIndex::build(corpus());
        const std::vector<std::string> labels{"I20.9", "E11.22", "R50.9"};
        const std::unordered_map<std::string, std::string> descriptions{
            {"I20.9", "Angina pectoris"},
            {"E11.22", "Type 2 diabetes with renal failure"},
            {"R50.9", "Fever"}};
        const auto matcher = fc::DescriptionMatcher::build(labels, descriptions, index);
        const auto tokens = fc::tokenize("Renal failure; no angina. Diabetes with renal failure, fever.");
        const auto m = matcher.mentions(tokens, {1, 0, 2}, 0.25f);
        QCOMPARE(m.size(), std::size_t{3});
        // E11.22: "diabetes with renal failure" (26..53) covers every content word; "Renal failure" (0..13)
        // only part of them.
        QVERIFY(m[0].size() >= 2);
        QCOMPARE(std::make_pair(m[0][0].begin, m[0][0].end),
                 std::make_pair(std::int64_t{26}, std::int64_t{53}));
        QCOMPARE(std::make_pair(m[0][1].begin, m[0][1].end),
                 std::make_pair(std::int64_t{0}, std::int64_t{13}));
        QVERIFY(m[0][0].weight > m[0][1].weight && m[0][1].weight >= 0.25);
        // I20.9: "angina" alone; "pectoris" never occurs in the notes, so it holds half of the IDF mass.
        QCOMPARE(m[1].size(), std::size_t{1});
        QCOMPARE(std::make_pair(m[1][0].begin, m[1][0].end),
                 std::make_pair(std::int64_t{18}, std::int64_t{24}));
        QVERIFY(std::abs(m[1][0].weight - 0.5) < 1e-6);
        QCOMPARE(m[2].size(), std::size_t{1}); // "fever"
        // With a higher minimum, the half-mention of angina is none.
        QVERIFY(matcher.mentions(tokens, {0}, 0.6f)[0].empty());
    }

    void codeCountsCountNotes() {
        const auto counts = fc::NeighbourIndex::build(corpus()).codeCounts();
        QCOMPARE(counts.at("R50.9"), std::size_t{2});
        QCOMPARE(counts.at("I20.9"), std::size_t{1});
    }

    // A note added later votes like a built one; its unseen words join the index with the unseen IDF; the
    // same text again replaces the codes instead of adding a copy; a note without codes or words is skipped.
    void addedNotesVote() {
        auto index = fc::NeighbourIndex::build(corpus());
        const float unseen = index.idf("sarcoidosis");
        QCOMPARE(unseen, static_cast<float>(std::log(4.0)));
        using Outcome = fc::NeighbourIndex::AddOutcome;
        QCOMPARE(index.add(doc("5", "Pulmonary sarcoidosis with dry cough.", {"D86.0"})), Outcome::Added);
        QCOMPARE(index.documents(), std::size_t{5});
        QCOMPARE(index.idf("sarcoidosis"), unseen); // kept: the earlier vectors stay comparable
        QCOMPARE(index.idf("fever"), static_cast<float>(std::log(2.0))); // IDF of known words unchanged
        const auto votes = index.vote("sarcoidosis", 1);
        QCOMPARE(votes.size(), std::size_t{1});
        QVERIFY(std::abs(votes.at("D86.0") - 1.0f) < 1e-6f);
        // The coder codes the same note again, differently: one document, the new codes.
        QCOMPARE(index.add(doc("5b", "Pulmonary sarcoidosis with dry cough.", {"D86.9", "R05"})),
                 Outcome::Replaced);
        QCOMPARE(index.documents(), std::size_t{5});
        const auto again = index.vote("sarcoidosis", 1);
        QCOMPARE(again.count("D86.0"), std::size_t{0});
        QCOMPARE(again.count("D86.9"), std::size_t{1});
        QCOMPARE(index.add(doc("6", "Fever.", {})), Outcome::Skipped);
        QCOMPARE(index.add(doc("7", "  ...  ", {"R50.9"})), Outcome::Skipped);
        QCOMPARE(index.documents(), std::size_t{5});
        // Saved and loaded, the added note is still there.
        const QString path = m_tmp.filePath("added.tsv");
        index.save(path.toStdString());
        const auto loaded = fc::NeighbourIndex::load(path.toStdString());
        QCOMPARE(loaded.documents(), std::size_t{5});
        QVERIFY(std::abs(loaded.vote("sarcoidosis", 1).at("D86.9") - 1.0f) < 1e-6f);
    }

    void fileRoundTrip() {
        const auto index = fc::NeighbourIndex::build(corpus());
        const QString path = m_tmp.filePath("n.tsv");
        index.save(path.toStdString());
        const auto loaded = fc::NeighbourIndex::load(path.toStdString());
        QCOMPARE(loaded.documents(), index.documents());
        QCOMPARE(loaded.words(), index.words());
        for (const char* query : {"fever cough", "chest pain", "renal failure in diabetes"}) {
            const auto a = index.vote(query, 2);
            const auto b = loaded.vote(query, 2);
            QCOMPARE(a.size(), b.size());
            for (const auto& [code, vote] : a)
                QVERIFY2(std::abs(b.at(code) - vote) < 1e-4f, query);
        }
    }

    void damagedFilesNameTheLine() {
        const QString good = m_tmp.filePath("good.tsv");
        fc::NeighbourIndex::build(corpus()).save(good.toStdString());
        const QByteArray bytes = readAll(good);
        const QString bad = m_tmp.filePath("bad.tsv");

        QVERIFY(loadError(m_tmp.filePath("missing.tsv")).contains("missing"));
        writeAll(bad, bytes.left(bytes.size() / 2));
        QVERIFY2(loadError(bad).contains("truncated") || loadError(bad).contains("bad"),
                 qPrintable(loadError(bad)));
        writeAll(bad, "something else\n");
        QVERIFY(loadError(bad).contains(":1: not a fusioncoder neighbour index"));
        QByteArray wrongIndex = bytes;
        const int documents = wrongIndex.indexOf("documents\t");
        const int vectorStart = wrongIndex.indexOf('\t', wrongIndex.indexOf('\n', documents) + 1) + 1;
        wrongIndex.insert(vectorStart, "999999:0.5 ");
        writeAll(bad, wrongIndex);
        QVERIFY2(loadError(bad).contains("bad word index"), qPrintable(loadError(bad)));
        writeAll(bad, QByteArray("fusioncoder-neighbours\t1\nwords\t-3\n"));
        QVERIFY(loadError(bad).contains(":2: bad count"));
    }

    void baselinesOnTinyData() {
        const QString train = m_tmp.filePath("train.jsonl");
        const QString dev = m_tmp.filePath("dev.jsonl");
        fc::saveDataset(train.toStdString(), corpus());
        fc::saveDataset(dev.toStdString(), {doc("d1", "Cough, fever and pneumonia.", {"J18.9", "R50.9"}),
                                            doc("d2", "Angina and chest pain.", {"I20.9"})});
        // knn: d1's neighbours carry R50.9 (vote 1) first and J18.9 second; d2's only neighbour carries
        // I20.9.
        const auto knn = fc::evaluateBaseline("knn", train.toStdString(), dev.toStdString(), 20);
        QCOMPARE(knn.n_docs, std::int64_t{2});
        QVERIFY(std::abs(knn.map - 1.0) < 1e-9);
        // frequency: R50.9 (2 notes) ranks first for both; d2's I20.9 ties with three codes of 1 note.
        const auto frequency = fc::evaluateBaseline("frequency", train.toStdString(), dev.toStdString(), 20);
        QVERIFY(frequency.map < knn.map);
        QVERIFY_THROWS_EXCEPTION(fc::InputError,
                                 fc::evaluateBaseline("other", train.toStdString(), dev.toStdString(), 20));
    }

    void modelWithRetrievalMixesTheVote() {
        fc::ModelConfig c;
        c.name = "retrieval test";
        c.arch = "fusion";
        c.placeholder = true;
        c.labels = {"E11.22", "I20.9", "J18.9", "J20.9", "R50.9"};
        c.options.maxTokens = 32;
        c.options.filterSizes = {3, 5};
        const QString model = m_tmp.filePath("model");
        fc::createModel(c, {"angina", "chest", "cough", "diabetes", "fever", "pain", "pneumonia"}, 3,
                        model.toStdString());
        const QString train = m_tmp.filePath("rtrain.jsonl");
        const QString dev = m_tmp.filePath("rdev.jsonl");
        fc::saveDataset(train.toStdString(), corpus());
        fc::saveDataset(dev.toStdString(), {doc("d1", "Cough, fever and pneumonia.", {"J18.9", "R50.9"}),
                                            doc("d2", "Angina and chest pain.", {"I20.9"})});

        fc::RetrievalTuningOptions options;
        options.weight = 0.25f;
        options.threads = 1;
        const QString out = m_tmp.filePath("model-knn");
        const auto tuning = fc::addRetrieval(model.toStdString(), train.toStdString(), dev.toStdString(),
                                             out.toStdString(), options);
        QCOMPARE(tuning.weight, 0.25f);
        QCOMPARE(tuning.devMap.size(), std::size_t{1});
        QCOMPARE(tuning.indexedDocuments, std::size_t{4});
        QVERIFY(tuning.threshold > 0.0f && tuning.threshold < 1.0f);

        const auto plain = fc::Engine::load(model.toStdString(), 1);
        const auto mixed = fc::Engine::load(out.toStdString(), 1);
        QCOMPARE(mixed->info().retrievalWeight, 0.25f);
        QCOMPARE(mixed->info().retrievalNeighbours, 20);
        QCOMPARE(mixed->info().threshold, tuning.threshold);
        const auto index = fc::NeighbourIndex::build(corpus());
        const std::string note = "Fever with cough; chest film shows pneumonia.";
        const auto votes = index.vote(note, 20);
        std::map<std::string, float> network;
        for (const auto& code : plain->predict(note).codes)
            network[code.code] = code.score;
        const auto prediction = mixed->predict(note);
        for (const auto& code : prediction.codes) {
            const float vote = votes.count(code.code) ? votes.at(code.code) : 0.0f;
            QVERIFY2(std::abs(code.score - (0.75f * network.at(code.code) + 0.25f * vote)) < 1e-5f,
                     code.code.c_str());
        }
        QVERIFY(!prediction.codes.front().evidence.empty()); // the network still gives evidence

        // With descriptions: score = 0.5 network + 0.5 (vote + 0.5 match) / 1.5, as the retrieval tuning
        // computed.
        const QString descriptions = m_tmp.filePath("labels.tsv");
        writeAll(descriptions, "I20.9\tAngina pectoris\nJ18.9\tPneumonia\nR50.9\tFever\n");
        fc::RetrievalTuningOptions withText;
        withText.weight = 0.5f;
        withText.descriptionsPath = descriptions.toStdString();
        withText.descriptionWeight = 0.5f;
        withText.threads = 1;
        const QString described = m_tmp.filePath("model-described");
        const auto tuned = fc::addRetrieval(model.toStdString(), train.toStdString(), dev.toStdString(),
                                            described.toStdString(), withText);
        QCOMPARE(tuned.descriptionWeight, 0.5f);
        const auto textual = fc::Engine::load(described.toStdString(), 1);
        QCOMPARE(textual->info().retrievalDescriptionWeight, 0.5f);
        const auto matches = fc::DescriptionMatcher::build(
            plain->info().labels, fc::DescriptionMatcher::readDescriptions(descriptions.toStdString()),
            index);
        const auto m = matches.match(note);
        for (const auto& code : textual->predict(note).codes) {
            const auto y = static_cast<std::size_t>(
                std::find(plain->info().labels.begin(), plain->info().labels.end(), code.code) -
                plain->info().labels.begin());
            const float vote = votes.count(code.code) ? votes.at(code.code) : 0.0f;
            const float expected = 0.5f * network.at(code.code) + 0.5f * (vote + 0.5f * m[y]) / 1.5f;
            QVERIFY2(std::abs(code.score - expected) < 1e-5f, code.code.c_str());
            // The mention of the code's description ("Fever", "pneumonia") is in its evidence, and it comes
            // first exactly when the description match moved the score more than the network did.
            if (code.code == "R50.9" || code.code == "J18.9") {
                const auto where = code.code == "R50.9" ? std::make_pair(std::int64_t{0}, std::int64_t{5})
                                                        : std::make_pair(std::int64_t{35}, std::int64_t{44});
                const auto mention =
                    std::find_if(code.evidence.begin(), code.evidence.end(), [&](const fc::EvidenceSpan& e) {
                        return e.source == fc::EvidenceSource::Mention &&
                               std::make_pair(e.begin, e.end) == where;
                    });
                QVERIFY(mention != code.evidence.end());
                QCOMPARE(mention->weight, 1.0);
                const bool descriptionLeads = 0.5f * 0.5f * m[y] / 1.5f > 0.5f * network.at(code.code);
                QCOMPARE(mention == code.evidence.begin(), descriptionLeads);
            }
        }

        // Automatic choice: every weight of the grid is tried and the best dev MAP wins.
        fc::RetrievalTuningOptions automatic;
        automatic.threads = 1;
        const auto chosen = fc::addRetrieval(model.toStdString(), train.toStdString(), dev.toStdString(),
                                             m_tmp.filePath("model-auto").toStdString(), automatic);
        QCOMPARE(chosen.devMap.size(), std::size_t{21});
        for (const auto& trial : chosen.devMap)
            QVERIFY(trial.map <= chosen.combined.map + 1e-9);
        QVERIFY(chosen.combined.map >= chosen.devMap.front().map); // never worse than the network alone

        // A model that already has the component is refused; a damaged index is a load error.
        QVERIFY_THROWS_EXCEPTION(fc::InputError,
                                 fc::addRetrieval(out.toStdString(), train.toStdString(), dev.toStdString(),
                                                  out.toStdString(), options));
        writeAll(out + "/neighbours.tsv", "garbage");
        QVERIFY_THROWS_EXCEPTION(fc::ModelError, fc::Engine::load(out.toStdString(), 1));
    }
};

QTEST_GUILESS_MAIN(TestRetrieval)
#include "tst_retrieval.moc"
