// compareModels and comparisonToJson (finetune.h): the gate between a current and a fine-tuned model.
#include "fc/model/dataset.h"
#include "fc/model/engine.h"
#include "fc/model/errors.h"
#include "fc/model/finetune.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

namespace fc {

namespace {

using Json = nlohmann::json;

struct ScoredSet {
    std::vector<GoldCodes> gold;            // in the union label space
    std::vector<std::size_t> documentIndex; // kept document -> input index
    std::int64_t skipped = 0;               // documents without a gold code in the union
};

ScoredSet goldInLabelSpace(const std::vector<Document>& documents,
                           const std::unordered_map<std::string, std::int32_t>& unionIndex) {
    ScoredSet set;
    for (std::size_t d = 0; d < documents.size(); ++d) {
        GoldCodes gold;
        for (const auto& code : std::set<std::string>(documents[d].codes.begin(), documents[d].codes.end())) {
            const auto it = unionIndex.find(code);
            if (it == unionIndex.end())
                ++gold.outsideLabelSet;
            else
                gold.labels.push_back(it->second);
        }
        if (gold.labels.empty()) {
            ++set.skipped;
            continue;
        }
        set.gold.push_back(std::move(gold));
        set.documentIndex.push_back(d);
    }
    return set;
}

// Scores of `engine` for the kept documents in the union label space (0 for labels the model lacks).
ScoreMatrix scoreInUnion(const Engine& engine, const std::vector<Document>& documents, const ScoredSet& set,
                         const std::unordered_map<std::string, std::int32_t>& unionIndex,
                         const std::atomic<bool>* cancel) {
    ScoreMatrix scores(set.documentIndex.size(), unionIndex.size());
    PredictOptions options;
    options.evidence = false;
    for (std::size_t row = 0; row < set.documentIndex.size(); ++row) {
        const Prediction prediction = engine.predict(documents[set.documentIndex[row]].text, options, cancel);
        for (const auto& code : prediction.codes)
            if (const auto it = unionIndex.find(code.code); it != unionIndex.end())
                scores.at(row, static_cast<std::size_t>(it->second)) = code.score;
    }
    return scores;
}

double pAtK(const EvalMetrics& m, int k) {
    return k == 5 ? m.p_at_5 : m.p_at_8;
}

std::string format(double value) {
    std::ostringstream out;
    out.precision(4);
    out << std::fixed << value;
    return out.str();
}

// Empty when `after` is within tolerance of `before`; otherwise what got worse.
std::string worse(const EvalMetrics& before, const EvalMetrics& after, int k, double tolerance,
                  const std::string& where) {
    std::string problems;
    if (after.micro_f1 < before.micro_f1 - tolerance)
        problems += where + " micro-F1 " + format(before.micro_f1) + " -> " + format(after.micro_f1) + "; ";
    if (pAtK(after, k) < pAtK(before, k) - tolerance)
        problems += where + " P@" + std::to_string(k) + " " + format(pAtK(before, k)) + " -> " +
                    format(pAtK(after, k)) + "; ";
    return problems;
}

Json metricsJson(const EvalMetrics& m) {
    return Json::parse(metricsToJson(m));
}

} // namespace

ModelComparison compareModels(const std::string& currentModelDir, const std::string& newModelDir,
                              const std::vector<Document>& heldOut, const std::vector<Document>& dev,
                              const GateOptions& options, const std::atomic<bool>* cancel) {
    if (heldOut.empty() && dev.empty())
        throw InputError("the gate needs held-out reviewed notes or a dev set");
    const auto current = Engine::load(currentModelDir, options.threads);
    const auto candidate = Engine::load(newModelDir, options.threads);

    std::set<std::string> labels(current->info().labels.begin(), current->info().labels.end());
    labels.insert(candidate->info().labels.begin(), candidate->info().labels.end());
    const std::set<std::string> currentLabels(current->info().labels.begin(), current->info().labels.end());
    std::unordered_map<std::string, std::int32_t> unionIndex;
    std::vector<std::string> unionLabels(labels.begin(), labels.end());
    for (std::size_t i = 0; i < unionLabels.size(); ++i)
        unionIndex.emplace(unionLabels[i], static_cast<std::int32_t>(i));

    ModelComparison c;
    c.tolerance = options.tolerance;
    c.k = unionLabels.size() <= 50 ? 5 : 8;
    const float thresholdBefore = current->info().threshold;
    const float thresholdAfter = candidate->info().threshold;

    std::string problems;
    bool heldOutUsable = false;
    if (!heldOut.empty()) {
        const ScoredSet set = goldInLabelSpace(heldOut, unionIndex);
        if (!set.gold.empty()) {
            heldOutUsable = true;
            const ScoreMatrix before = scoreInUnion(*current, heldOut, set, unionIndex, cancel);
            const ScoreMatrix after = scoreInUnion(*candidate, heldOut, set, unionIndex, cancel);
            c.heldOutBefore = computeMetrics(before, set.gold, thresholdBefore);
            c.heldOutAfter = computeMetrics(after, set.gold, thresholdAfter);
            c.heldOutBefore.n_skipped = c.heldOutAfter.n_skipped = set.skipped;
            problems += worse(c.heldOutBefore, c.heldOutAfter, c.k, options.tolerance, "held-out");

            std::map<std::int32_t, std::array<int, 7>> counts; // support, tp/fp/fn before, tp/fp/fn after
            for (std::size_t d = 0; d < set.gold.size(); ++d)
                for (const auto label : set.gold[d].labels)
                    ++counts[label][0];
            for (auto& [label, n] : counts)
                for (std::size_t d = 0; d < set.gold.size(); ++d) {
                    const bool gold =
                        std::count(set.gold[d].labels.begin(), set.gold[d].labels.end(), label) > 0;
                    const bool predictedBefore =
                        before.at(d, static_cast<std::size_t>(label)) > thresholdBefore;
                    const bool predictedAfter = after.at(d, static_cast<std::size_t>(label)) > thresholdAfter;
                    n[1] += gold && predictedBefore;
                    n[2] += !gold && predictedBefore;
                    n[3] += gold && !predictedBefore;
                    n[4] += gold && predictedAfter;
                    n[5] += !gold && predictedAfter;
                    n[6] += gold && !predictedAfter;
                }
            const auto f1 = [](int tp, int fp, int fn) {
                return tp == 0 ? 0.0 : 2.0 * tp / (2.0 * tp + fp + fn);
            };
            for (const auto& [label, n] : counts) {
                CodeChange change;
                change.code = unionLabels[static_cast<std::size_t>(label)];
                change.support = n[0];
                change.f1Before = f1(n[1], n[2], n[3]);
                change.f1After = f1(n[4], n[5], n[6]);
                change.newLabel = currentLabels.count(change.code) == 0;
                c.codeChanges.push_back(change);
            }
            std::stable_sort(c.codeChanges.begin(), c.codeChanges.end(),
                             [](const CodeChange& a, const CodeChange& b) {
                                 return std::abs(a.f1After - a.f1Before) > std::abs(b.f1After - b.f1Before);
                             });
        }
    }
    if (!dev.empty()) {
        // The original dev set was coded against the current label set only: labels the new model added are
        // left out (their predictions there are neither right nor wrong).
        std::unordered_map<std::string, std::int32_t> currentIndex;
        for (std::size_t i = 0; i < current->info().labels.size(); ++i)
            currentIndex.emplace(current->info().labels[i], static_cast<std::int32_t>(i));
        const ScoredSet set = goldInLabelSpace(dev, currentIndex);
        if (!set.gold.empty()) {
            c.hasDev = true;
            c.devBefore = computeMetrics(scoreInUnion(*current, dev, set, currentIndex, cancel), set.gold,
                                         thresholdBefore);
            c.devAfter = computeMetrics(scoreInUnion(*candidate, dev, set, currentIndex, cancel), set.gold,
                                        thresholdAfter);
            c.devBefore.n_skipped = c.devAfter.n_skipped = set.skipped;
            problems += worse(c.devBefore, c.devAfter, c.k, options.tolerance, "dev");
        }
    }
    if (!heldOutUsable && !c.hasDev)
        throw InputError("no held-out or dev document has a code of either model's label set");

    c.acceptable = problems.empty();
    const std::string basis = std::string(heldOutUsable ? "held-out reviewed notes" : "") +
                              (heldOutUsable && c.hasDev ? " and " : "") +
                              (c.hasDev ? "the original dev set" : "");
    if (c.acceptable)
        c.verdict = "not worse than the current model beyond " + format(options.tolerance) + " on " + basis +
                    (c.hasDev ? "" : " (no dev set given: forgetting of the original data was not checked)");
    else
        c.verdict = "worse than the current model: " + problems.substr(0, problems.size() - 2);
    return c;
}

std::string comparisonToJson(const ModelComparison& c) {
    Json j;
    j["k"] = c.k;
    j["tolerance"] = c.tolerance;
    j["acceptable"] = c.acceptable;
    j["verdict"] = c.verdict;
    j["held_out"] = {{"before", metricsJson(c.heldOutBefore)}, {"after", metricsJson(c.heldOutAfter)}};
    if (c.hasDev)
        j["dev"] = {{"before", metricsJson(c.devBefore)}, {"after", metricsJson(c.devAfter)}};
    j["code_changes"] = Json::array();
    for (const auto& change : c.codeChanges)
        j["code_changes"].push_back({{"code", change.code},
                                     {"support", change.support},
                                     {"f1_before", change.f1Before},
                                     {"f1_after", change.f1After},
                                     {"new_label", change.newLabel}});
    return j.dump();
}

} // namespace fc
