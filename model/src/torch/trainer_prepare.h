#pragma once
// Step 1 of training (internal to fc::model): the model's configuration, label space, vocabulary and
// embeddings, from the training documents in memory, from a streamed file's counts, or from a saved state.
#include "fc/model/dataset.h"
#include "fc/model/embeddings.h"
#include "fc/model/training.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace fc::trainer {

struct PreparedModel {
    ModelConfig config;
    std::vector<std::string> vocabulary;
    std::optional<EmbeddingMatrix> embeddings; // absent: keep the network's random unit rows
};

// From the training documents in memory (+ corpus files; CBOW trained here when asked).
PreparedModel prepareModel(const TrainOptions& options, const std::vector<Document>& trainSet,
                           const std::vector<Document>& devSet,
                           const std::vector<std::vector<std::string>>& trainTokens,
                           const TrainCallbacks& callbacks);

// Document frequencies of a training file, read as a stream (memory: the distinct codes and words).
struct CorpusCounts {
    std::map<std::string, std::size_t> codes;
    std::unordered_map<std::string, int> words;
    std::size_t documents = 0;
};
CorpusCounts countTrainingFile(const std::string& path, const std::atomic<bool>* cancel);

// From those counts (embeddings: random rows or a .embed file).
PreparedModel prepareModelFromCounts(const TrainOptions& options, const CorpusCounts& counts,
                                     const std::vector<Document>& devSet, const TrainCallbacks& callbacks);

// From a saved training state's JSON (config and vocabulary; the weights come later).
PreparedModel restoredModel(const nlohmann::json& stateMeta);

} // namespace fc::trainer
