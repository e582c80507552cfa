// The mention lexicon (mention_lexicon.h): normalisation, abbreviations, negation scopes, code-point offsets
// on accented text, weights counted by hand on tiny corpora, the file round trip, and the lexicon as the
// third retrieval part of a model (mixed score and Mention evidence).
#include "../support/labelled_document.h"
#include "fc/model/dataset.h"
#include "fc/model/engine.h"
#include "fc/model/errors.h"
#include "fc/model/mention_lexicon.h"
#include "fc/model/modelfiles.h"
#include "fc/model/neighbours.h"
#include "fc/model/retrieval.h"
#include "fc/model/unicode.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>

namespace {

using fc::testing::doc;

std::string keysOf(const std::string& text, const fc::LexiconOptions& options = {}) {
    std::string joined;
    for (const auto& key : fc::lexiconKeys(fc::decodeUtf8(text), options))
        joined += (joined.empty() ? "" : " ") + key.key;
    return joined;
}

// A lexicon of the given (code, term) pairs whose weights come from `train`.
fc::MentionLexicon lexiconOf(const std::vector<std::pair<std::string, std::string>>& terms,
                             const std::vector<fc::Document>& train, const fc::LexiconOptions& options = {}) {
    std::vector<fc::LexiconEntry> entries;
    for (const auto& [code, term] : terms)
        entries.push_back({code, term, "evidence", 0, 0});
    auto lexicon = fc::MentionLexicon::build(entries, train, options);
    std::vector<std::string> labels;
    for (const auto& [code, term] : terms)
        labels.push_back(code);
    std::sort(labels.begin(), labels.end());
    labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
    lexicon.bind(labels);
    return lexicon;
}

// The note text of a hit (code points -> UTF-8).
std::string spanText(const std::string& text, const fc::LexiconHit& hit) {
    return fc::encodeUtf8(fc::decodeUtf8(text).substr(static_cast<std::size_t>(hit.begin),
                                                      static_cast<std::size_t>(hit.end - hit.begin)));
}

} // namespace

class TestMentionLexicon : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;

private Q_SLOTS:
    void normalisationFoldsAccentsSuffixesAndFunctionWords() {
        QCOMPARE(keysOf("Lesiones crónicas del hígado"), keysOf("lesión crónica hígado"));
        QCOMPARE(keysOf("Lesiones crónicas del hígado"), std::string("lesion cronic higad"));
        QCOMPARE(keysOf("tumores malignos"), keysOf("tumor maligno"));
        QCOMPARE(keysOf("año"), std::string("año")); // ñ is not folded: "año" is not "ano"
        fc::LexiconOptions en;
        en.language = "en";
        QCOMPARE(keysOf("Kidneys and the arteries", en), std::string("kidney artery"));
        QCOMPARE(keysOf("abscesses of the sinus", en), keysOf("abscess sinus", en));
        fc::LexiconOptions off;
        off.normalise = false;
        QCOMPARE(keysOf("Lesiones crónicas del hígado", off), std::string("lesiones crónicas del hígado"));
    }

    void abbreviationsExpandWhenUpperCase() {
        QCOMPARE(keysOf("HTA"), keysOf("hipertensión arterial"));
        QCOMPARE(keysOf("EPOC"), keysOf("enfermedad pulmonar obstructiva crónica"));
        QCOMPARE(keysOf("fa"), std::string("fa")); // lower case: not an abbreviation
        fc::LexiconOptions en;
        en.language = "en";
        QCOMPARE(keysOf("COPD", en), keysOf("chronic obstructive pulmonary disease", en));
        fc::LexiconOptions off;
        off.abbreviations = false;
        QCOMPARE(keysOf("HTA", off), std::string("hta"));
        // A note's "HTA" matches an entry written in full, with the abbreviation's offsets.
        const auto lexicon = lexiconOf({{"I10", "hipertensión arterial"}}, {});
        const std::string note = "Antecedentes de HTA y dislipemia.";
        const auto hits = lexicon.hits(note);
        QCOMPARE(hits.size(), std::size_t{1});
        QCOMPARE(spanText(note, hits[0]), std::string("HTA"));
        // The expansion is matched whole: an entry of its second word alone does not match the abbreviation.
        QVERIFY(lexiconOf({{"X", "arterial"}}, {}).hits(note).empty());
    }

    void negatedMentionsDoNotMatch() {
        const auto lexicon = lexiconOf({{"J18.9", "neumonía"}, {"R50.9", "fiebre"}}, {});
        const std::string note = "Sin fiebre ni neumonía. Ingresa con neumonía basal derecha.";
        const auto hits = lexicon.hits(note);
        QCOMPARE(hits.size(), std::size_t{1}); // the scope ends at the full stop
        QCOMPARE(hits[0].begin, std::int64_t{36});
        QCOMPARE(spanText(note, hits[0]), std::string("neumonía"));
        // The scope is N tokens: a mention after the sixth token from the cue matches.
        QCOMPARE(lexicon.hits("No refiere dolor torácico opresivo irradiado fiebre").size(), std::size_t{0});
        QCOMPARE(lexicon.hits("No refiere dolor torácico opresivo irradiado ayer fiebre").size(),
                 std::size_t{1});
        // A trailing cue negates what comes before it; a clause word ends the scope.
        QVERIFY(lexicon.hits("Neumonía descartada en la radiografía.").empty());
        QCOMPARE(lexicon.hits("No tose, pero tiene fiebre").size(), std::size_t{1});
        QVERIFY(lexicon.hits("Negativo para neumonía").empty());
        // A cue inside an entry is part of the mention, not a negation of it.
        const auto diabetes = lexiconOf({{"E11.9", "diabetes sin complicaciones"}}, {});
        QCOMPARE(diabetes.hits("Diabetes sin complicaciones conocidas.").size(), std::size_t{1});
        // English cues.
        fc::LexiconOptions en;
        en.language = "en";
        const auto english = lexiconOf({{"J18.9", "pneumonia"}}, {}, en);
        QVERIFY(english.hits("The patient denies fever or pneumonia.").empty());
        QVERIFY(english.hits("Pneumonia was ruled out.").empty());
        QCOMPARE(english.hits("Negative for fever; pneumonia in the left base.").size(), std::size_t{1});
        // Negation off: both mentions count; a negated weight share keeps that share of the weight.
        fc::LexiconOptions off;
        off.negation = false;
        QCOMPARE(lexiconOf({{"J18.9", "neumonía"}}, {}, off).hits(note).size(), std::size_t{2});
        fc::LexiconOptions soft;
        soft.negatedFactor = 0.25f;
        const auto softHits = lexiconOf({{"J18.9", "neumonía"}}, {}, soft).hits(note);
        QCOMPARE(softHits.size(), std::size_t{2});
        QCOMPARE(softHits[0].weight, 0.25f * softHits[1].weight);
    }

    void offsetsAreCodePointsOnAccentedText() {
        const auto lexicon = lexiconOf({{"N18.9", "insuficiencia renal crónica"}}, {});
        const std::string note = "Varón de 70 años, diagnóstico: insuficiencias renales crónicas 😷 estable.";
        const auto hits = lexicon.hits(note);
        QCOMPARE(hits.size(), std::size_t{1});
        const std::u32string text = fc::decodeUtf8(note);
        const auto where = text.find(U"insuficiencias");
        QCOMPARE(hits[0].begin, static_cast<std::int64_t>(where));
        QCOMPARE(hits[0].end, static_cast<std::int64_t>(text.find(U" 😷")));
        QCOMPARE(spanText(note, hits[0]), std::string("insuficiencias renales crónicas"));
    }

    void weightsComeFromTheTrainingNotes() {
        // "neumonía" occurs in two notes, both coded J18.9: (2 + 0.5) / (2 + 1); "dolor" in three notes, one
        // coded R52: (1 + 0.5) / (3 + 1); "fiebre" in no note: 0.5; a negated occurrence is not counted.
        const std::vector<fc::Document> train{doc("1", "Neumonía y dolor.", {"J18.9", "R52"}),
                                              doc("2", "Neumonía bilateral, dolor.", {"J18.9"}),
                                              doc("3", "Dolor abdominal. Sin neumonía.", {"K59.0"})};
        const auto lexicon =
            lexiconOf({{"J18.9", "neumonías"}, {"R52", "dolor"}, {"R50.9", "fiebre"}}, train);
        for (const auto& entry : lexicon.entries()) {
            if (entry.code == "J18.9")
                QCOMPARE(std::make_pair(entry.matched, entry.coded), std::make_pair(2u, 2u));
            if (entry.code == "R52")
                QCOMPARE(std::make_pair(entry.matched, entry.coded), std::make_pair(3u, 1u));
        }
        const std::string note = "Dolor torácico, fiebre y neumonía.";
        const auto scores = lexicon.scores(lexicon.hits(note)); // labels J18.9, R50.9, R52
        QCOMPARE(scores.size(), std::size_t{3});
        QCOMPARE(scores[0], 2.5f / 3.0f);
        QCOMPARE(scores[1], 0.5f);
        QCOMPARE(scores[2], 1.5f / 4.0f);
        QVERIFY(scores[0] > scores[1] && scores[1] > scores[2]);
        // An entry for two codes splits by how often each was coded with it.
        const auto shared =
            lexiconOf({{"I10", "HTA"}, {"I12.9", "HTA"}},
                      {doc("1", "HTA.", {"I10"}), doc("2", "HTA.", {"I10"}), doc("3", "HTA.", {"I12.9"})});
        const auto split = shared.scores(shared.hits("Hipertensión arterial."));
        QCOMPARE(split[0], 2.5f / 4.0f);
        QCOMPARE(split[1], 1.5f / 4.0f);
    }

    void noisyOrCombinesDistinctEntries() {
        fc::LexiconOptions options;
        options.combine = "noisy-or";
        const std::vector<fc::Document> train{doc("1", "Neumonía.", {"J18.9"}),
                                              doc("2", "Infiltrado pulmonar.", {})};
        const auto lexicon =
            lexiconOf({{"J18.9", "neumonía"}, {"J18.9", "infiltrado pulmonar"}}, train, options);
        // neumonía: (1 + 0.5) / (1 + 1); infiltrado pulmonar: (0 + 0.5) / (1 + 1); a repeated entry counts
        // once.
        const auto hits = lexicon.hits("Neumonía con infiltrado pulmonar; neumonía basal.");
        QCOMPARE(hits.size(), std::size_t{3});
        QCOMPARE(lexicon.scores(hits)[0], 1.0f - (1.0f - 0.75f) * (1.0f - 0.25f));
        const auto strongest = lexiconOf({{"J18.9", "neumonía"}, {"J18.9", "infiltrado pulmonar"}}, train);
        QCOMPARE(strongest.scores(strongest.hits("Neumonía con infiltrado pulmonar."))[0], 0.75f);
        const QString path = m_tmp.filePath("noisy.tsv");
        lexicon.save(path.toStdString());
        QCOMPARE(fc::MentionLexicon::load(path.toStdString()).options().combine, std::string("noisy-or"));
    }

    void fileRoundTrip() {
        fc::LexiconOptions options;
        options.negatedFactor = 0.5f;
        options.negationScope = 4;
        const std::vector<fc::Document> train{doc("1", "HTA y diabetes.", {"I10", "E11.9"})};
        const auto lexicon = lexiconOf(
            {{"I10", "HTA"}, {"E11.9", "diabetes mellitus tipo 2"}, {"E11.9", "diabetes"}}, train, options);
        const QString path = m_tmp.filePath("lexicon.tsv");
        lexicon.save(path.toStdString());
        auto loaded = fc::MentionLexicon::load(path.toStdString());
        QCOMPARE(loaded.options().negatedFactor, 0.5f);
        QCOMPARE(loaded.options().negationScope, 4);
        QCOMPARE(loaded.entries().size(), lexicon.entries().size());
        for (std::size_t i = 0; i < loaded.entries().size(); ++i) {
            QCOMPARE(loaded.entries()[i].term, lexicon.entries()[i].term);
            QCOMPARE(loaded.entries()[i].matched, lexicon.entries()[i].matched);
            QCOMPARE(loaded.entries()[i].coded, lexicon.entries()[i].coded);
        }
        loaded.bind({"E11.9", "I10"});
        const std::string note = "Paciente con HTA, sin diabetes.";
        const auto a = lexicon.hits(note), b = loaded.hits(note);
        QCOMPARE(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i)
            QVERIFY(a[i].begin == b[i].begin && a[i].end == b[i].end && a[i].weight == b[i].weight);

        const auto failure = [&](const QByteArray& bytes) {
            QFile file(m_tmp.filePath("bad.tsv"));
            if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
                return QStringLiteral("cannot write the test file");
            file.write(bytes);
            file.close();
            try {
                fc::MentionLexicon::load(file.fileName().toStdString());
            } catch (const fc::ModelError& e) {
                return QString::fromUtf8(e.what());
            }
            return QString();
        };
        QVERIFY(failure("code\tterm\n").contains(":1:"));
        const QByteArray header =
            "# fusioncoder-lexicon 1\n# language=es normalise=1 abbreviations=1 negation=1 "
            "negated_factor=0 scope=6\n";
        QVERIFY(failure(header + "I10\tHTA\tevidence\t1\t2\n").contains(":3:")); // coded > matched
        QVERIFY(failure(header + "I10\tHTA\n").contains(":3:"));
        QVERIFY(failure("# fusioncoder-lexicon 1\n# language=fr normalise=1 abbreviations=1 negation=1 "
                        "negated_factor=0 scope=6\n")
                    .contains(":2:"));
        QVERIFY(failure(header + "I10\tHTA\tevidence\t2\t1\n").isEmpty());
    }

    void modelMixesTheLexiconAndShowsItsMentions() {
        fc::ModelConfig c;
        c.name = "lexicon test";
        c.arch = "fusion";
        c.placeholder = true;
        c.labels = {"E11.9", "I10", "J18.9"};
        c.options.maxTokens = 32;
        c.options.filterSizes = {3, 5};
        const QString model = m_tmp.filePath("model");
        fc::createModel(c, {"diabetes", "fiebre", "hipertension", "neumonia"}, 3, model.toStdString());
        const std::vector<fc::Document> train{doc("1", "Neumonía con fiebre.", {"J18.9"}),
                                              doc("2", "HTA y diabetes.", {"I10", "E11.9"})};
        const QString trainPath = m_tmp.filePath("train.jsonl"), devPath = m_tmp.filePath("dev.jsonl");
        fc::saveDataset(trainPath.toStdString(), train);
        fc::saveDataset(devPath.toStdString(), {doc("d1", "Neumonía.", {"J18.9"})});
        auto lexicon = lexiconOf({{"J18.9", "neumonía"}, {"I10", "hipertensión arterial"}}, train);
        const QString lexiconPath = m_tmp.filePath("model-lexicon.tsv");
        lexicon.save(lexiconPath.toStdString());
        lexicon.bind(c.labels);

        fc::RetrievalTuningOptions options;
        options.weight = 0.5f;
        options.lexiconPath = lexiconPath.toStdString();
        options.lexiconWeight = 2.0f;
        options.threads = 1;
        const QString out = m_tmp.filePath("model-with-lexicon");
        const auto tuning = fc::addRetrieval(model.toStdString(), trainPath.toStdString(),
                                             devPath.toStdString(), out.toStdString(), options);
        QCOMPARE(tuning.lexiconWeight, 2.0f);
        QVERIFY(QFile::exists(out + "/lexicon.tsv"));
        const auto plain = fc::Engine::load(model.toStdString(), 1);
        const auto mixed = fc::Engine::load(out.toStdString(), 1);
        QCOMPARE(mixed->info().retrievalLexiconWeight, 2.0f);

        const std::string note = "Mujer con HTA, sin neumonía.";
        const auto index = fc::NeighbourIndex::build(train);
        const auto votes = index.vote(note, 20);
        const auto x = lexicon.scores(lexicon.hits(note)); // labels E11.9, I10, J18.9
        QCOMPARE(x[1], 1.5f / 2.0f);                       // HTA: one training note, coded
        QCOMPARE(x[2], 0.0f);                              // negated
        std::map<std::string, float> network;
        for (const auto& code : plain->predict(note).codes)
            network[code.code] = code.score;
        const auto prediction = mixed->predict(note);
        for (const auto& code : prediction.codes) {
            const std::size_t y = code.code == "E11.9" ? 0 : code.code == "I10" ? 1 : 2;
            const float vote = votes.count(code.code) ? votes.at(code.code) : 0.0f;
            const float expected = 0.5f * network.at(code.code) + 0.5f * (vote + 2.0f * x[y]) / 3.0f;
            QVERIFY2(std::abs(code.score - expected) < 1e-5f, code.code.c_str());
            if (code.code == "I10") {
                QVERIFY(!code.evidence.empty());
                QVERIFY(code.evidence[0].source == fc::EvidenceSource::Mention);
                QCOMPARE(code.evidence[0].begin, std::int64_t{10});
                QCOMPARE(code.evidence[0].end, std::int64_t{13});
            }
        }
        // A model with retrieval is refused unless its component is replaced.
        QVERIFY_THROWS_EXCEPTION(fc::InputError,
                                 fc::addRetrieval(out.toStdString(), trainPath.toStdString(),
                                                  devPath.toStdString(), out.toStdString(), options));
        options.replace = true;
        options.lexiconPath.clear();
        options.lexiconWeight.reset();
        const QString rebuilt = m_tmp.filePath("model-rebuilt");
        fc::addRetrieval(out.toStdString(), trainPath.toStdString(), devPath.toStdString(),
                         rebuilt.toStdString(), options);
        QVERIFY(!QFile::exists(rebuilt + "/lexicon.tsv"));
        QCOMPARE(fc::readModelConfig(rebuilt.toStdString()).retrieval.lexiconWeight, 0.0f);
    }
};

QTEST_GUILESS_MAIN(TestMentionLexicon)
#include "tst_mention_lexicon.moc"
