// fusioncoder-cli combiner: measures the learned combiner (fc/model/combiner.h) of a model with retrieval on
// a labelled dataset by k-fold cross-validation over its documents, against the model's own hand-set mix.
//
// Per document and label: the network's score (eval --network-only), the neighbour vote, the description
// match, log(1 + training frequency of the code in the neighbour index) and the parent category's network
// score. Each fold's combiner is fitted on the other folds' (document, label) rows and scores the fold's
// documents; the held-out scores of every fold together give the metrics (so every document is scored by a
// combiner that never saw it). Prints one JSON object.
#include "cli_common.h"
#include "commands.h"

#include "fc/model/combiner.h"
#include "fc/model/dataset.h"
#include "fc/model/description_match.h"
#include "fc/model/evaluation.h"
#include "fc/model/mention_lexicon.h"
#include "fc/model/metrics.h"
#include "fc/model/modelfiles.h"
#include "fc/model/neighbours.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <unordered_map>

namespace fc::cli {

namespace {

nlohmann::ordered_json summary(const EvalMetrics& m) {
    nlohmann::ordered_json j;
    j["map"] = m.map;
    j["p_at_5"] = m.p_at_5;
    j["p_at_8"] = m.p_at_8;
    j["micro_f1"] = m.micro_f1;
    j["threshold"] = m.threshold;
    return j;
}

} // namespace

int runCombiner(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("model"), QStringLiteral("Model directory with a retrieval part (neighbour vote)."),
         QStringLiteral("MODEL"), QStringLiteral("default")},
        {QStringLiteral("data"), QStringLiteral("Labelled dataset file (JSON Lines), e.g. CodiEsp dev."),
         QStringLiteral("FILE")},
        {QStringLiteral("folds"), QStringLiteral("Cross-validation folds over the documents (default 5)."),
         QStringLiteral("K")},
        {QStringLiteral("threads"), QStringLiteral("LibTorch threads (default: all cores)."),
         QStringLiteral("N")},
        {QStringLiteral("per-note"),
         QStringLiteral(
             "Also divide the network, vote and description features by their largest value in the note, "
             "so the combiner sees how a code compares with the note's other codes.")},
        {QStringLiteral("drop"),
         QStringLiteral("Comma-separated features to leave out (set to 0), for ablations: network, vote, "
                        "description, mention_lexicon, log_frequency, parent_score."),
         QStringLiteral("NAMES")},
    });
    parseOrThrow(
        parser, arguments,
        QStringLiteral("Cross-validates the learned (logistic-regression) combiner of network score, "
                       "neighbour vote, description match, mention lexicon, code frequency and parent "
                       "category score "
                       "against the model's hand-set mix, and prints JSON."));
    const QString model = modelDirectory(parser.value(QStringLiteral("model")));
    const QString data = requiredValue(parser, QStringLiteral("data"));
    const int folds = intValue(parser, QStringLiteral("folds"), 5, 2, 100);
    std::array<bool, kCombinerFeatures> dropped{};
    for (const QString& name :
         parser.value(QStringLiteral("drop")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const auto& names = combinerFeatureNames();
        const std::string wanted = name.trimmed().toStdString();
        const auto it = std::find_if(names.begin(), names.end(), [&](const char* n) { return wanted == n; });
        if (it == names.end())
            throw UsageError(QStringLiteral("--drop: unknown feature '%1'").arg(name));
        dropped[static_cast<std::size_t>(it - names.begin())] = true;
    }
    const std::string directory = model.toStdString();
    const ModelConfig config = readModelConfig(directory);
    if (!config.retrieval.enabled())
        throw UsageError(QStringLiteral("%1 has no retrieval part: nothing to combine").arg(model));

    EvaluationOptions options;
    options.threads = intValue(parser, QStringLiteral("threads"), 0, 0, 256);
    options.evidence = false;
    printProgress(QStringLiteral("combiner: scoring with the model's own mix"));
    const EvaluationResult mixed = evaluateModel(directory, data.toStdString(), options);
    printProgress(QStringLiteral("combiner: scoring with the network alone"));
    options.networkOnly = true;
    const EvaluationResult network = evaluateModel(directory, data.toStdString(), options);

    const auto index = NeighbourIndex::load(config.retrieval.indexPath);
    const bool described = !config.retrieval.descriptionsPath.empty();
    const DescriptionMatcher matcher =
        described ? DescriptionMatcher::build(
                        config.labels,
                        DescriptionMatcher::readDescriptions(config.retrieval.descriptionsPath), index)
                  : DescriptionMatcher();
    // The mention lexicon's score (its own weights, as the engine computes it); 0 for a model without one.
    const bool withLexicon = config.retrieval.lexiconWeight > 0.0f && !config.retrieval.lexiconPath.empty();
    MentionLexicon lexicon;
    if (withLexicon) {
        lexicon = MentionLexicon::load(config.retrieval.lexiconPath);
        lexicon.bind(config.labels);
    }
    const auto counts = index.codeCounts();
    std::vector<std::int64_t> frequency(config.labels.size(), 0);
    std::unordered_map<std::string, std::int32_t> labelIndex;
    for (std::size_t y = 0; y < config.labels.size(); ++y) {
        const auto it = counts.find(config.labels[y]);
        frequency[y] = it == counts.end() ? 0 : static_cast<std::int64_t>(it->second);
        labelIndex.emplace(config.labels[y], static_cast<std::int32_t>(y));
    }

    std::unordered_map<std::string, Document> byId;
    for (Document& d : loadDataset(data.toStdString()))
        byId.emplace(d.id, std::move(d));
    const std::size_t docs = network.documentIds.size();
    const std::size_t labels = config.labels.size();
    std::vector<std::vector<CombinerRow>> rows(docs);
    std::vector<std::vector<std::uint8_t>> targets(docs, std::vector<std::uint8_t>(labels, 0));
    std::vector<GoldCodes> gold(docs);
    for (std::size_t d = 0; d < docs; ++d) {
        const Document& document = byId.at(network.documentIds[d]);
        for (const auto& code : std::set<std::string>(document.codes.begin(), document.codes.end())) {
            const auto it = labelIndex.find(code);
            if (it == labelIndex.end()) {
                ++gold[d].outsideLabelSet;
                continue;
            }
            gold[d].labels.push_back(it->second);
            targets[d][static_cast<std::size_t>(it->second)] = 1;
        }
        const auto votes = index.vote(document.text, config.retrieval.neighbours);
        std::vector<float> vote(labels, 0.0f);
        for (std::size_t y = 0; y < labels; ++y) {
            const auto it = votes.find(config.labels[y]);
            if (it != votes.end())
                vote[y] = it->second;
        }
        const std::vector<float> description =
            described ? matcher.match(document.text) : std::vector<float>(labels, 0.0f);
        const std::vector<float> mentions =
            withLexicon ? lexicon.scores(lexicon.hits(document.text)) : std::vector<float>(labels, 0.0f);
        const float* net = network.scores.row(d);
        rows[d] = combinerFeatures(config.labels, std::vector<float>(net, net + labels), vote, description,
                                   mentions, frequency);
        if (parser.isSet(QStringLiteral("per-note")))
            for (std::size_t f = 0; f < 3; ++f) { // network, vote, description
                float largest = 0.0f;
                for (const auto& row : rows[d])
                    largest = std::max(largest, row[f]);
                if (largest > 0.0f)
                    for (auto& row : rows[d])
                        row[f] /= largest;
            }
        for (auto& row : rows[d])
            for (std::size_t f = 0; f < kCombinerFeatures; ++f)
                if (dropped[f])
                    row[f] = 0.0f;
    }

    printProgress(
        QStringLiteral("combiner: %1-fold cross-validation over %2 documents").arg(folds).arg(docs));
    ScoreMatrix combined(docs, labels);
    std::vector<double> heldOut;
    std::vector<std::uint8_t> heldOutLabels;
    nlohmann::ordered_json foldWeights = nlohmann::ordered_json::array();
    for (const auto& fold : kFoldSplits(docs, folds, 13)) {
        const std::set<std::size_t> test(fold.begin(), fold.end());
        std::vector<CombinerRow> fitRows;
        std::vector<std::uint8_t> fitLabels;
        for (std::size_t d = 0; d < docs; ++d) {
            if (test.count(d) != 0)
                continue;
            fitRows.insert(fitRows.end(), rows[d].begin(), rows[d].end());
            fitLabels.insert(fitLabels.end(), targets[d].begin(), targets[d].end());
        }
        const LogisticCombiner combiner = LogisticCombiner::fit(fitRows, fitLabels);
        foldWeights.push_back(nlohmann::ordered_json::parse(combiner.toJson()));
        for (const auto d : fold)
            for (std::size_t y = 0; y < labels; ++y) {
                const double p = combiner.probability(rows[d][y]);
                combined.at(d, y) = static_cast<float>(p);
                heldOut.push_back(p);
                heldOutLabels.push_back(targets[d][y]);
            }
    }
    // The combiner's probabilities are calibrated, so its threshold is 0.5 (not tuned).
    EvalMetrics learned = computeMetrics(combined, gold, 0.5f);
    nlohmann::ordered_json out;
    out["model"] = directory;
    out["documents"] = docs;
    out["folds"] = folds;
    out["dropped"] = parser.value(QStringLiteral("drop")).toStdString();
    out["per_note"] = parser.isSet(QStringLiteral("per-note"));
    out["hand_set_mix"] = summary(mixed.metrics);
    out["network_only"] = summary(network.metrics);
    out["learned_combiner"] = summary(learned);
    out["learned_combiner"]["expected_calibration_error"] = expectedCalibrationError(heldOut, heldOutLabels);
    out["fold_models"] = foldWeights;
    std::puts(out.dump(2).c_str());
    return Ok;
}

} // namespace fc::cli
