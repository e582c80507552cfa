#pragma once
// Where training batches come from (internal to fc::model): the global batch of every step, in the order of
// single-process training, and each rank's slice of it (distributed.h).
//   InMemoryBatches  - every encoded note in memory; each epoch a seeded Fisher-Yates shuffle of all of them
//                      (the authors' order; what train() has always done).
//   StreamingBatches - notes read from a JSON Lines file in chunks through a shuffle buffer (memory: the
//                      buffer, not the corpus); each epoch re-reads the file.
#include "fc/model/dataset.h"
#include "fc/model/vocabulary.h"
#include "torch/trainer_data.h"

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace fc::trainer {

using Batch = std::vector<const EncodedNote*>;

class BatchSource {
public:
    virtual ~BatchSource() = default;
    // Starts an epoch; the order is drawn from `rng` (the resumable shuffle RNG).
    virtual void startEpoch(std::mt19937_64& rng) = 0;
    // The next global batch (at most batchSize notes), valid until the next call; false after the last.
    virtual bool next(Batch& batch) = 0;
    virtual std::size_t notesPerEpoch() const = 0;
};

// Notes are not copied: `notes` must outlive the source. lengthBucketBatches > 1 groups notes of similar
// length into batches (TrainingOptions::lengthBucketBatches); 0 or 1 keeps the plain shuffled order.
std::unique_ptr<BatchSource> inMemoryBatches(const std::vector<EncodedNote>& notes, std::size_t batchSize,
                                             std::size_t lengthBucketBatches = 0);

struct StreamingSpec {
    std::string path;
    std::size_t batchSize = 16;
    std::size_t bufferNotes = 4096; // shuffle buffer
    std::size_t chunkNotes = 256;   // documents read and encoded at a time
    std::size_t notesPerEpoch = 0;  // kept notes (known from the counting pass)
    std::int64_t maxTokens = 2500;
};
std::unique_ptr<BatchSource> streamingBatches(const StreamingSpec& spec, const Vocabulary& vocabulary,
                                              const std::vector<std::string>& labels);

// Rank `rank` of `world` trains on the consecutive part [rank*n/world, (rank+1)*n/world) of a global batch
// of n notes (empty when n < world for some ranks).
Batch rankSlice(const Batch& global, int rank, int world);
// Longest note of a batch (>= 1): every rank pads its slice to the global batch's longest note, so that the
// slices see exactly the inputs of single-process training.
std::size_t longestNote(const Batch& batch);

// [B, padTo] int64 ids, right-padded with 0.
torch::Tensor paddedIds(const Batch& batch, std::size_t padTo);
// [B, Y] float multi-hot targets.
torch::Tensor multiHot(const Batch& batch, std::size_t labelCount);
// [B, Y] retrieval priors from the votes by note.source.
torch::Tensor priorBatch(const Batch& batch, const std::vector<SparseVotes>& votesBySource,
                         std::size_t labelCount);

} // namespace fc::trainer
