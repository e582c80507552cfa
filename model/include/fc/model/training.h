#pragma once
// Training a model directory from labelled JSONL datasets (fusion-spec.md 1.1, 1.4, 2; interfaces.md
// `train`).
//
// What train() does, in order:
//   1. tokenises every note (fc::tokenize) and keeps the first maxTokens tokens (the authors' MAX_LENGTH);
//   2. chooses the label space (labels file, top-K most frequent training codes, or every code of train
//      [+ dev]) sorted lexicographically, and drops notes left without a label (counted, as the paper does);
//   3. builds the vocabulary (from the .embed file, or words in >= minDocumentFrequency training [+ corpus]
//      notes) and the embedding matrix (random unit rows, a .embed file, or fastText CBOW trained here);
//   4. per epoch: shuffles with a seeded RNG, batches right-padded with id 0, mean BCE-with-logits (+ the
//      DR-CAML description regulariser), Adam; then scores every dev note alone (batch 1, as the authors do:
//      padding changes this model's scores) and computes the dev metrics;
//   5. keeps the best epoch by the criterion (a strictly new maximum) and writes it as a model directory at
//      outDir (atomically), with the decision threshold tuned on dev for that epoch's dev scores;
//   6. stops early when the best epoch is more than `patience` epochs behind (shouldStopEarly), or at
//      maxEpochs, or when cancelled.
// Beside outDir it keeps a work directory `<outDir>.training/` holding `state.pt` (weights, Adam state,
// RNG states, history; rewritten atomically after every epoch, read by resume) and `train-log.jsonl`
// (one JSON object per epoch: epoch, train_loss, seconds, dev metrics, improved). The log is also copied
// into the model directory whenever the best model is written.
//
// Threading: train() runs on the calling thread and sets LibTorch's intra-op threads (options.threads,
// 0 = all cores). Callbacks are called on that thread.
#include "fc/model/modelfiles.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace fc {

struct Document; // fc/model/dataset.h

enum class EmbeddingSource {
    Random,    // random unit rows (row 0 = PAD zeros), the network's own initialisation
    File,      // a `.embed` file (word + d floats per line, optional **PAD** row); defines the vocabulary
    TrainCbow, // fastText CBOW on the training texts (+ corpusPaths), vocabulary by document frequency
};

// Data-parallel training over LibTorch's c10d (docs/SCALE.md). Every rank reads the same dataset files and
// trains on its own deterministic slice of each global batch (ranks take consecutive parts of the batch, in
// rank order); gradients are summed over the ranks at every step, so the trajectory equals one process with
// the same global batch (up to float summation order; dropout masks differ). Rank 0 hosts the rendezvous and
// writes the model directory, the training state and the logs; every rank scores its share of dev.
struct DistributedOptions {
    int worldSize = 1; // processes in the run; 1 = no communication at all
    int rank = 0;      // 0 .. worldSize-1
    std::string masterHost = "127.0.0.1";
    int masterPort = 0;       // rank 0 listens here (TCP); Gloo then opens one more port per rank
    int timeoutSeconds = 300; // bound on joining and on any one collective (a silent peer)
};

struct TrainOptions {
    std::string preset = "fusion"; // trainingPresets(); sets arch, maxEpochs and the network options
    std::string arch = "fusion";   // set by the preset
    NetworkOptions network;        // stored in model.json; maxTokens also caps training notes

    double learningRate = 1e-4; // Adam, betas (0.9, 0.999), eps 1e-8
    double weightDecay = 0.0;
    int batchSize = 16;
    int maxEpochs = 30;    // user cap; fusion presets 30, multirescnn/caml/drcaml 500 (authors' defaults)
    int patience = 10;     // see shouldStopEarly
    std::string criterion; // "p_at_5", "p_at_8", "map", "micro_f1", "macro_auc", "micro_auc"; "" = automatic
    std::uint64_t seed = 1;
    int threads = 0;                // LibTorch intra-op threads, 0 = all cores
    DistributedOptions distributed; // not part of the trajectory: a run may resume with another world size
    // trainStreaming() only: notes held in the shuffle buffer (memory is this many encoded notes, not the
    // corpus); the epoch order is then a buffered shuffle of the file order (seeded, deterministic).
    int shuffleBuffer = 4096;

    // Vocabulary and embeddings.
    EmbeddingSource embeddings = EmbeddingSource::Random;
    std::string embeddingsPath;           // EmbeddingSource::File
    std::vector<std::string> corpusPaths; // extra unlabelled text for the vocabulary and CBOW: a .jsonl
                                          // dataset, a directory (every *.txt file is one document) or a text
                                          // file (one document per line)
    int minDocumentFrequency = 3;         // vocabulary = words in >= this many training (+ corpus) notes
    bool fineTuneEmbeddings = true;       // the authors' -tune_wordemb
    int cbowEpochs = 5;                   // gensim's iter=5 of the authors' word2vec

    // Label space (sorted lexicographically; output row = rank).
    std::string labelsPath;        // one code per line; wins over topLabels
    int topLabels = 0;             // > 0: the K most frequent training codes (ties: code order)
    bool labelsIncludeDev = false; // all-codes mode: union of train and dev codes (the authors' "full")

    // Extras beyond the paper (defaults = off).
    double positiveWeight = 1.0;  // BCE pos_weight for every label (1 = the paper's plain mean BCE)
    std::string descriptionsPath; // `code<TAB>description` lines; required by drcaml and description init
    bool descriptionInit = false; // attention and output rows start as each code's encoded description
    bool frequencyBias = false;   // output biases start at the log-odds of each code's training frequency
    int warmupEpochs = 0;         // learning rate rises linearly over the first N epochs (per batch)
    int retrievalPrior = 0;       // > 0: train with the vote of this many nearest training notes as a fixed
                                  // prior on every logit (modelfiles.h RetrievalOptions "prior"); training
                                  // notes get leave-one-out votes
    // > 0: adds this weight x the evidence attention loss (torch/evidence_attention_loss.h): label attention
    // of each (note, code) with gold evidence is pushed onto the positions covering the evidence (issue #13).
    double evidenceAttentionWeight = 0.0;
    // > 1: batches of notes of similar length (issue #13): each epoch's shuffled order is cut into groups of
    // this many batches, sorted by length inside a group, and the batches are then shuffled. Short examples
    // (mention and knowledge examples, training_examples.h) are then not padded to a whole note's length.
    // 0 or 1: the authors' plain shuffle (default). In-memory training only.
    int lengthBucketBatches = 0;

    // Written into model.json.
    std::string modelName;    // "" = "<preset> trained on <train file name>"
    std::string modelVersion; // "" = UTC date + time
    std::string language = "en";
};

// "fusion", "fusion-maxpool", "fusion-doclevel", "multirescnn", "caml", "drcaml", "laat", "jointlaat",
// "fusion-plus" (Fusion with the 50 most frequent codes: give it every full-train note; docs/MODELS.md),
// "clstm-att", "msatt-kg", "cmemnn" (needs descriptions_file: its memory), "hypercore".
const std::vector<std::string>& trainingPresets();
// The paper's / authors' settings for a preset. Throws InputError on an unknown name.
TrainOptions presetOptions(const std::string& preset);

// Overrides fields of `base` from a JSON config file (keys listed in docs and in trainConfigKeys());
// "preset" is applied first, then every other key. Relative paths are resolved against the config file's
// directory. Throws InputError naming the file and the key on unknown keys or wrong types.
TrainOptions loadTrainConfig(const std::string& path, const TrainOptions& base);
TrainOptions applyTrainConfig(const std::string& jsonText, const TrainOptions& base,
                              const std::string& baseDir, const std::string& sourceName);
const std::vector<std::string>& trainConfigKeys();

// The criterion actually used: options.criterion, or p_at_5 for <= 50 labels and p_at_8 above.
// Throws InputError on an unknown criterion name.
std::string effectiveCriterion(const std::string& criterion, std::size_t labelCount);

// The authors' early-stopping rule (MultiResCNN/Fusion `early_stop`): with history h of the criterion per
// epoch (larger is better; NaN = not computed), stop when every entry is NaN, or when h.size() >= patience
// and the first index of the maximum is < h.size() - patience.
bool shouldStopEarly(const std::vector<double>& history, int patience);
// Index of the first maximum ignoring NaN, -1 if none; an epoch is saved when this equals its index.
int bestEpochIndex(const std::vector<double>& history);

struct EpochRecord {
    int epoch = 0;                            // 1-based
    double trainLoss = 0.0;                   // mean loss over the epoch's batches
    double seconds = 0.0;                     // wall time of training + dev evaluation
    std::map<std::string, double> devMetrics; // interfaces.md metric names
    double criterion = 0.0;
    bool improved = false; // a new best: the model directory was written
};

struct TrainProgress {
    int epoch = 0; // 1-based
    int maxEpochs = 0;
    int batch = 0; // 1-based, within the epoch; 0 while evaluating dev
    int batches = 0;
    double examplesPerSecond = 0.0;
    double loss = 0.0;       // running mean of this epoch
    double etaSeconds = 0.0; // to the end of this epoch's training pass
    std::string phase;       // "train", "dev", "embeddings"
};

struct TrainCallbacks {
    std::function<void(const TrainProgress&)> progress; // at most every batch
    std::function<void(const EpochRecord&)> epochDone;
    std::function<void(const std::string&)> message; // one-line notes (data counts, truncation, resume)
    const std::atomic<bool>* cancel = nullptr;       // checked between batches and between dev notes
};

struct TrainResult {
    std::string criterion;
    int epochs = 0;    // epochs completed (including ones from a resumed run)
    int bestEpoch = 0; // 1-based; 0 = no model written
    double bestCriterion = 0.0;
    float threshold = 0.5f; // tuned on dev for the best epoch, stored in model.json
    bool stoppedEarly = false;
    bool cancelled = false; // the last complete epoch's state and the best model so far are on disk
    std::vector<EpochRecord> history;
    std::size_t trainDocuments = 0, trainSkipped = 0, devDocuments = 0, devSkipped = 0;
    std::size_t labels = 0, vocabulary = 0;
};

// Trains as described at the top. With resume = true, continues from `<outDir>.training/state.pt`
// (options must name the same preset/arch; the vocabulary, labels and weights come from the state).
// Throws InputError (unusable data or options), ModelError, or std::runtime_error (I/O). Cancellation is
// not an exception here: it returns with result.cancelled = true.
TrainResult train(const TrainOptions& options, const std::vector<Document>& trainSet,
                  const std::vector<Document>& devSet, const std::string& outDir,
                  const TrainCallbacks& callbacks = {}, bool resume = false);

// train() reading the training set from a JSON Lines file as a stream: one counting pass (label and word
// document frequencies), then per epoch a pass through a shuffle buffer of options.shuffleBuffer notes.
// Memory holds the buffer, the counts and the dev set, not the training corpus. Not combinable with CBOW
// embeddings (--train-embeddings), --corpus or the retrieval prior, which need every note at once
// (InputError). Resume and distribution work as in train().
TrainResult trainStreaming(const TrainOptions& options, const std::string& trainPath,
                           const std::vector<Document>& devSet, const std::string& outDir,
                           const TrainCallbacks& callbacks = {}, bool resume = false);

// `<outDir>.training` (no trailing slash).
std::string trainingWorkDirectory(const std::string& outDir);

} // namespace fc
