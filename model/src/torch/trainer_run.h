#pragma once
// One training run as its steps share it (internal to fc::model; trainer.cpp holds the steps, and
// trainer_input.cpp the data steps).
#include "fc/model/training.h"

#include "torch/distributed.h"
#include "torch/evidence_attention_loss.h"
#include "torch/network.h"
#include "torch/trainer_batches.h"
#include "torch/trainer_data.h"
#include "torch/trainer_prepare.h"

#include <nlohmann/json.hpp>
#include <torch/optim.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace fc::trainer {

// What the data steps hand to the epoch loop.
struct TrainingData {
    EncodedSet train; // in-memory training only
    std::unique_ptr<BatchSource> batches;
    EncodedSet dev;
    std::vector<GoldCodes> devGold;
    std::vector<SparseVotes> trainVotes, devVotes; // retrieval prior (empty: none)
    std::vector<std::size_t> positives;            // training notes per label
    std::size_t trainNotes = 0, trainSkipped = 0;
    std::vector<NoteEvidence> evidenceBySource; // issue #13: gold attention positions (empty: loss off)
};

// Everything one run works on.
struct Run {
    TrainOptions options;
    std::string outDir, workDir, statePath;
    bool resume = false;
    nlohmann::json stateMeta;
    const TrainCallbacks* callbacks = nullptr;
    std::unique_ptr<Collective> collective;
    PreparedModel prepared;
    std::unique_ptr<net::Network> network;
    std::vector<torch::Tensor> trainable;
    std::unique_ptr<torch::optim::Adam> optimizer;
    std::vector<torch::Tensor> descriptions; // DR-CAML
    torch::Tensor positiveWeight;            // undefined: the plain mean BCE
    std::mt19937_64 shuffleRng;
    std::vector<double> criterionHistory;
    int firstEpoch = 1;
    TrainResult result;

    bool master() const { return collective->isMaster(); }
    bool distributed() const { return collective->worldSize() > 1; }
    std::size_t labelCount() const { return prepared.config.labels.size(); }
    std::size_t batchesPerEpoch(const TrainingData& data) const {
        const auto b = static_cast<std::size_t>(options.batchSize);
        return (data.batches->notesPerEpoch() + b - 1) / b;
    }
};

// Training and dev notes in memory, as word ids (+ the retrieval prior when asked); the batches are made
// once the data has its final place.
TrainingData encodeInMemory(Run& run, const std::vector<Document>& trainSet,
                            const std::vector<Document>& devSet,
                            const std::vector<std::vector<std::string>>& trainTokens);
// The training file as a stream: one pass counts the notes kept and each label's notes, dev is encoded; the
// caller attaches the streaming batches.
TrainingData openStream(Run& run, const std::string& trainPath, const std::vector<Document>& devSet);

} // namespace fc::trainer
