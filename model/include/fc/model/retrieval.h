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
    // Fixed mixing weight w; default: the one of 0, 0.05, ..., 1 with the best dev MAP.
    std::optional<float> weight;
    // code<TAB>description lines: also mix in the description match (description_match.h) with weight d;
    // default d: the best dev MAP of 0, 0.25, 0.5, 0.75, 1, 1.5, 2.
    std::string descriptionsPath;
    std::optional<float> descriptionWeight;
    // A mention lexicon file (mention_lexicon.h, fusioncoder-cli lexicon): also mix in its score with weight
    // l; default l: the best dev MAP of 0, 0.25, 0.5, 1, 1.5, 2, 3, 4.
    std::string lexiconPath;
    std::optional<float> lexiconWeight;
    // A model that already has a retrieval component is refused unless this is set; then its network is
    // scored alone (as `eval --network-only`) and the component is rebuilt from these options, as if the
    // model had none.
    bool replace = false;
    int threads = 0;
    std::function<void(std::size_t done, std::size_t total)> progress; // dev documents scored
    const std::atomic<bool>* cancel = nullptr;
};

struct RetrievalTuning {
    float weight = 0.0f;
    float descriptionWeight = 0.0f;
    float lexiconWeight = 0.0f;
    int neighbours = 0;
    float threshold = 0.5f; // tuned on dev (micro-F1) for the mixed score
    struct Trial {
        float weight;
        float descriptionWeight;
        float lexiconWeight;
        double map;
    };
    std::vector<Trial> devMap; // dev MAP of every (weight, description weight, lexicon weight) tried
    EvalMetrics networkOnly;   // dev, weight 0, the model's own threshold
    EvalMetrics combined;      // dev, chosen weights and threshold
    std::size_t indexedDocuments = 0;
};

// Builds the neighbour index from `trainPath` (and the description matcher when descriptionsPath is set),
// scores `devPath` once with the network, chooses the weights (and the threshold) on dev, and writes a copy
// of `modelDirectory` with the index and the retrieval settings to `outDirectory` (atomically; it may be the
// model directory itself). The model must not already have a retrieval component (unless options.replace).
// Throws InputError /
// ModelError / Cancelled.
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
