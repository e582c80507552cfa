#pragma once
// Adding the retrieval component (neighbours.h) to a trained model, and the two reference baselines of
// codiesp-notes.md as project functions (fusioncoder-cli retrieval / baseline).
#include "fc/model/metrics.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fc {

struct RetrievalTuningOptions {
    int neighbours = 20; // k
    std::optional<float>
        weight; // fixed mixing weight; default: the one of 0, 0.05, ..., 1 with the best dev MAP
    int threads = 0;
    std::function<void(std::size_t done, std::size_t total)> progress; // dev documents scored
    const std::atomic<bool>* cancel = nullptr;
};

struct RetrievalTuning {
    float weight = 0.0f;
    int neighbours = 0;
    float threshold = 0.5f;                       // tuned on dev (micro-F1) for the mixed score
    std::vector<std::pair<float, double>> devMap; // weight -> dev MAP, every weight tried
    EvalMetrics networkOnly;                      // dev, weight 0, the model's own threshold
    EvalMetrics combined;                         // dev, chosen weight and threshold
    std::size_t indexedDocuments = 0;
};

// Builds the neighbour index from `trainPath`, scores `devPath` once with the network, chooses the weight
// (and the threshold) on dev, and writes a copy of `modelDirectory` with the index and the retrieval settings
// to `outDirectory` (atomically; it may be the model directory itself). The model must not already have a
// retrieval component. Throws InputError / ModelError / Cancelled.
RetrievalTuning addRetrieval(const std::string& modelDirectory, const std::string& trainPath,
                             const std::string& devPath, const std::string& outDirectory,
                             const RetrievalTuningOptions& options = {});

// The reference baselines on `dataPath`, over the label set = every code of train and data:
// "frequency" ranks every code by the number of training notes that carry it (the same list for every note);
// "knn" is the neighbour vote alone (ties and codes without a vote in frequency order). Threshold 0.5 for
// the thresholded metrics (a vote share; frequency scores are shares of training notes).
EvalMetrics evaluateBaseline(const std::string& method, const std::string& trainPath,
                             const std::string& dataPath, int neighbours = 20);

} // namespace fc
