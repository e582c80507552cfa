// addRetrieval and evaluateBaseline (retrieval.h).
#include "fc/model/retrieval.h"

#include "fc/model/dataset.h"
#include "fc/model/description_match.h"
#include "fc/model/engine.h"
#include "fc/model/errors.h"
#include "fc/model/mention_lexicon.h"
#include "fc/model/modelfiles.h"
#include "fc/model/neighbours.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <set>
#include <unordered_map>

#include <unistd.h>

namespace fc {

namespace fs = std::filesystem;

namespace {

using LabelIndex = std::unordered_map<std::string, std::int32_t>;

LabelIndex indexOf(const std::vector<std::string>& labels) {
    LabelIndex index;
    for (std::size_t i = 0; i < labels.size(); ++i)
        index.emplace(labels[i], static_cast<std::int32_t>(i));
    return index;
}

// Gold codes of a document in the label set (+ the count outside); empty labels = the document is skipped,
// as the evaluator does.
GoldCodes goldOf(const Document& document, const LabelIndex& index) {
    GoldCodes gold;
    for (const auto& code : std::set<std::string>(document.codes.begin(), document.codes.end())) {
        const auto it = index.find(code);
        if (it == index.end())
            ++gold.outsideLabelSet;
        else
            gold.labels.push_back(it->second);
    }
    return gold;
}

// The model directory with the index, the descriptions and the chosen settings (modelfiles.h does the
// writing; the index goes through a temporary file because the writer copies files).
void writeRetrievalModel(const std::string& modelDirectory, const NeighbourIndex& index,
                         const RetrievalTuning& tuning, const std::string& descriptionsPath,
                         const std::string& lexiconPath, const std::string& outDirectory) {
    const fs::path indexFile =
        fs::temp_directory_path() / ("fusioncoder-neighbours-" + std::to_string(::getpid()) + "-" +
                                     std::to_string(std::random_device{}()) + ".tsv");
    RetrievalOptions retrieval;
    retrieval.mode = "mix";
    retrieval.weight = tuning.weight;
    retrieval.neighbours = tuning.neighbours;
    retrieval.indexPath = indexFile.string();
    retrieval.descriptionWeight = tuning.descriptionWeight;
    retrieval.descriptionsPath = descriptionsPath;
    retrieval.lexiconWeight = tuning.lexiconWeight;
    retrieval.lexiconPath = lexiconPath;
    try {
        index.save(retrieval.indexPath);
        writeWithRetrieval(modelDirectory, retrieval, tuning.threshold, outDirectory);
    } catch (const std::exception& e) {
        std::error_code ignored;
        fs::remove(indexFile, ignored);
        if (dynamic_cast<const ModelError*>(&e) != nullptr)
            throw;
        throw ModelError("cannot write " + outDirectory + ": " + e.what());
    }
    std::error_code ignored;
    fs::remove(indexFile, ignored);
}

// computeMetrics' MAP alone (same ranks, ties to the lower label, gold codes outside the label set missed),
// for the weight search: a few milliseconds per trial instead of the full metrics.
double meanAveragePrecision(const ScoreMatrix& scores, const std::vector<GoldCodes>& gold) {
    double sum = 0.0;
    std::size_t documents = 0;
    std::vector<std::int64_t> ranks;
    for (std::size_t doc = 0; doc < scores.docs; ++doc) {
        const float* row = scores.row(doc);
        ranks.clear();
        for (const auto label : gold[doc].labels) {
            const float s = row[label];
            std::int64_t above = 0;
            for (std::size_t j = 0; j < scores.labels; ++j)
                above += (row[j] > s || (row[j] == s && j < static_cast<std::size_t>(label))) ? 1 : 0;
            ranks.push_back(above + 1);
        }
        std::sort(ranks.begin(), ranks.end());
        double precisions = 0.0;
        for (std::size_t pos = 0; pos < ranks.size(); ++pos)
            precisions += static_cast<double>(pos + 1) / static_cast<double>(ranks[pos]);
        const auto relevant = static_cast<std::int64_t>(ranks.size()) + gold[doc].outsideLabelSet;
        if (relevant > 0) {
            sum += precisions / static_cast<double>(relevant);
            ++documents;
        }
    }
    return documents == 0 ? 0.0 : sum / static_cast<double>(documents);
}

} // namespace

RetrievalTuning addRetrieval(const std::string& modelDirectory, const std::string& trainPath,
                             const std::string& devPath, const std::string& outDirectory,
                             const RetrievalTuningOptions& options) {
    if (options.neighbours < 1 || options.neighbours > 10000)
        throw InputError("neighbours must be in 1..10000");
    if (options.weight && !(*options.weight >= 0.0f && *options.weight <= 1.0f))
        throw InputError("the retrieval weight must be in [0, 1]");
    if (readModelConfig(modelDirectory).retrieval.enabled() && !options.replace)
        throw InputError(modelDirectory + " already has a retrieval component");
    if (options.lexiconWeight && !(*options.lexiconWeight >= 0.0f && *options.lexiconWeight <= 100.0f))
        throw InputError("the lexicon weight must be in [0, 100]");
    const auto train = loadDataset(trainPath);
    const auto dev = loadDataset(devPath);
    RetrievalTuning result;
    result.neighbours = options.neighbours;
    const NeighbourIndex index = NeighbourIndex::build(train);
    result.indexedDocuments = index.documents();
    if (index.documents() == 0)
        throw InputError(trainPath + ": no document with codes and words to index");

    const auto engine = Engine::load(modelDirectory, options.threads);
    const auto& labels = engine->info().labels;
    const LabelIndex labelIndex = indexOf(labels);
    std::vector<GoldCodes> gold;
    std::vector<const Document*> kept;
    for (const auto& document : dev) {
        auto g = goldOf(document, labelIndex);
        if (g.labels.empty())
            continue;
        gold.push_back(std::move(g));
        kept.push_back(&document);
    }
    if (kept.empty())
        throw InputError(devPath + ": no document with a code in the model's label set");

    const bool withDescriptions = !options.descriptionsPath.empty();
    DescriptionMatcher matcher;
    if (withDescriptions)
        matcher = DescriptionMatcher::build(
            labels, DescriptionMatcher::readDescriptions(options.descriptionsPath), index);
    ScoreMatrix network(kept.size(), labels.size());
    ScoreMatrix votes(kept.size(), labels.size());
    ScoreMatrix matches(kept.size(), labels.size());
    const bool withLexicon = !options.lexiconPath.empty();
    MentionLexicon lexicon;
    if (withLexicon) {
        lexicon = MentionLexicon::load(options.lexiconPath);
        lexicon.bind(labels);
    }
    ScoreMatrix lexical(kept.size(), labels.size());
    PredictOptions predictOptions;
    predictOptions.evidence = false;
    predictOptions.networkOnly = true; // the network's own scores, also when a component is replaced
    for (std::size_t row = 0; row < kept.size(); ++row) {
        if (options.cancel && options.cancel->load())
            throw Cancelled();
        for (const auto& code : engine->predict(kept[row]->text, predictOptions, options.cancel).codes)
            network.at(row, static_cast<std::size_t>(labelIndex.at(code.code))) = code.score;
        for (const auto& [code, vote] : index.vote(kept[row]->text, options.neighbours)) {
            const auto it = labelIndex.find(code);
            if (it != labelIndex.end())
                votes.at(row, static_cast<std::size_t>(it->second)) = vote;
        }
        if (withDescriptions) {
            const auto m = matcher.match(kept[row]->text);
            std::copy(m.begin(), m.end(), matches.row(row));
        }
        if (withLexicon) {
            const auto x = lexicon.scores(lexicon.hits(kept[row]->text));
            std::copy(x.begin(), x.end(), lexical.row(row));
        }
        if (options.progress)
            options.progress(row + 1, kept.size());
    }
    // The engine's formula (modelfiles.h RetrievalOptions "mix").
    ScoreMatrix mixed(kept.size(), labels.size());
    const auto mix = [&](float weight, float d, float l) -> const ScoreMatrix& {
        for (std::size_t i = 0; i < mixed.values.size(); ++i)
            mixed.values[i] =
                (1.0f - weight) * network.values[i] +
                weight * (votes.values[i] + d * matches.values[i] + l * lexical.values[i]) / (1.0f + d + l);
        return mixed;
    };

    std::vector<float> weights, descriptionWeights;
    if (options.weight)
        weights.push_back(*options.weight);
    else
        for (int i = 0; i <= 20; ++i)
            weights.push_back(static_cast<float>(i) / 20.0f);
    if (!withDescriptions)
        descriptionWeights = {0.0f};
    else if (options.descriptionWeight)
        descriptionWeights = {*options.descriptionWeight};
    else
        descriptionWeights = {0.0f, 0.25f, 0.5f, 0.75f, 1.0f, 1.5f, 2.0f};
    std::vector<float> lexiconWeights{0.0f};
    if (withLexicon)
        lexiconWeights = options.lexiconWeight
                             ? std::vector<float>{*options.lexiconWeight}
                             : std::vector<float>{0.0f, 0.25f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f};
    double bestMap = -1.0;
    for (const float l : lexiconWeights) {
        for (const float d : descriptionWeights) {
            for (const float weight : weights) {
                const double map = meanAveragePrecision(mix(weight, d, l), gold);
                result.devMap.push_back({weight, d, l, map});
                if (map > bestMap + 1e-9) { // ties keep the lower weights: more of the network
                    bestMap = map;
                    result.weight = weight;
                    result.descriptionWeight = weight > 0.0f ? d : 0.0f;
                    result.lexiconWeight = weight > 0.0f ? l : 0.0f;
                }
            }
        }
    }
    result.networkOnly = computeMetrics(network, gold, engine->info().threshold);
    const ScoreMatrix chosen = mix(result.weight, result.descriptionWeight, result.lexiconWeight);
    // model.json needs a threshold strictly inside (0, 1).
    result.threshold = std::clamp(tuneThreshold(chosen, gold).threshold, 0.01f, 0.99f);
    result.combined = computeMetrics(chosen, gold, result.threshold);
    if (result.weight > 0.0f)
        writeRetrievalModel(modelDirectory, index, result, options.descriptionsPath, options.lexiconPath,
                            outDirectory);
    return result;
}

EvalMetrics evaluateBaseline(const std::string& method, const std::string& trainPath,
                             const std::string& dataPath, int neighbours) {
    if (method != "knn" && method != "frequency")
        throw InputError("unknown baseline '" + method + "' (knn, frequency)");
    if (neighbours < 1 || neighbours > 10000)
        throw InputError("neighbours must be in 1..10000");
    const auto train = loadDataset(trainPath);
    const auto data = loadDataset(dataPath);
    std::set<std::string> labelSet;
    for (const auto* set : {&train, &data})
        for (const auto& document : *set)
            labelSet.insert(document.codes.begin(), document.codes.end());
    const std::vector<std::string> labels(labelSet.begin(), labelSet.end());
    const LabelIndex labelIndex = indexOf(labels);

    const NeighbourIndex index = NeighbourIndex::build(train);
    if (index.documents() == 0)
        throw InputError(trainPath + ": no document with codes and words");
    // Frequency share of each label; for knn a tie-breaker far below any vote difference.
    std::vector<float> frequency(labels.size(), 0.0f);
    for (const auto& [code, count] : index.codeCounts())
        frequency[static_cast<std::size_t>(labelIndex.at(code))] =
            static_cast<float>(count) / static_cast<float>(index.documents());

    std::vector<GoldCodes> gold;
    std::vector<const Document*> kept;
    for (const auto& document : data) {
        auto g = goldOf(document, labelIndex);
        if (g.labels.empty())
            continue;
        gold.push_back(std::move(g));
        kept.push_back(&document);
    }
    if (kept.empty())
        throw InputError(dataPath + ": no document with a code");
    ScoreMatrix scores(kept.size(), labels.size());
    for (std::size_t row = 0; row < kept.size(); ++row) {
        float* out = scores.row(row);
        if (method == "frequency") {
            std::copy(frequency.begin(), frequency.end(), out);
            continue;
        }
        for (std::size_t y = 0; y < labels.size(); ++y)
            out[y] = 1e-4f * frequency[y];
        for (const auto& [code, vote] : index.vote(kept[row]->text, neighbours))
            out[static_cast<std::size_t>(labelIndex.at(code))] += vote;
    }
    EvalMetrics metrics = computeMetrics(scores, gold, 0.5f);
    metrics.n_skipped = static_cast<std::int64_t>(data.size() - kept.size());
    return metrics;
}

} // namespace fc
