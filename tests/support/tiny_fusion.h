#pragma once
// The tiny Fusion that the app, CLI and UI tests train as their base model: 16-d embeddings, kernels 3 and 5,
// 8 maps, 64 tokens, 2 epochs on one thread. It trains in a second or two, which is all the synthetic notes
// of those tests need.
#include "fc/model/training.h"

namespace fc::testing {

inline TrainOptions tinyFusionOptions() {
    TrainOptions options = presetOptions("fusion");
    options.network.embeddingDim = 16;
    options.network.filterSizes = {3, 5};
    options.network.filterMaps = 8;
    options.network.ffnDim = 32;
    options.network.maxTokens = 64;
    options.learningRate = 3e-3;
    options.maxEpochs = 2;
    options.minDocumentFrequency = 1;
    options.threads = 1;
    options.criterion = "map";
    options.modelName = "tiny";
    options.modelVersion = "1";
    return options;
}

} // namespace fc::testing
