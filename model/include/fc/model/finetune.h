#pragma once
// Fine-tuning a model directory on the coder's reviewed notes (architecture.md "Learn"; product.md
// "Feedback -> fine-tuning"), and the gate that compares the fine-tuned model with the one it came from.
//
// Training examples. A reviewed note carries, per code, what the coder said: accepted or added = positive
// (target 1), rejected or removed = negative (target 0). Every other label of the model is *unknown*: it is
// masked out of the loss (weight 0 in a per-label masked mean BCE), never treated as a negative. Replay
// notes from the model's original training data (a JSONL dataset, interfaces.md) are mixed in so the model
// keeps what it knew: their codes positive, the other labels negative, for every base label and every added
// label the replay data uses somewhere (that data was coded with it, so a note without it does not have it).
// An added label the replay data never uses is masked there (that data was never coded against it). The
// replay negatives are the only negatives a new label gets (reviewed notes only ever show it as added):
// masking them all made almost every new label score above the threshold on every note (measured with
// review-sim on CodiEsp: 1,155 of 1,157 new labels). Without a replay file new labels see positives only.
//
// Label extension. Positive codes outside the model's label set are reported (FineTuneResult::outsideCodes).
// With extendLabels they become new labels: the label list stays sorted (byte order) and every per-label
// tensor (attention U rows and final rows + bias) gets rows for them; old labels keep their weights, so
// before any training step an old label's score is exactly the old model's. A new label's rows start from its
// description's words: the description's tokens are run through the network's encoder and the mean of their
// encoded representations gives the U row and the final row's direction (scaled to the mean norm of the
// existing rows), with the lowest existing bias, so a new code starts rarely predicted. A new code without a
// description (or an architecture whose encoder is not reachable) starts from the mean of the existing rows;
// FineTuneResult::labelsWithoutDescription lists those.
//
// Retrieval. A model with a retrieval component (modelfiles.h RetrievalOptions) keeps it, and its neighbour
// index learns too: every reviewed note with a positive code joins the index with the coder's positive codes
// (NeighbourIndex::add), so the next note like it gets the coder's codes in its vote. This is the part of
// fine-tuning that needs no gradient step (it applies with epochs = 0); the mix weights and the threshold
// stay those chosen on dev.
//
// Threading: fineTune() and compareModels() run on the calling thread and set LibTorch's intra-op threads
// (options.threads, 0 = all cores). Callbacks are called on that thread.
#include "fc/model/metrics.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace fc {

struct Document; // fc/model/dataset.h

// One note the coder reviewed: the codes as the coder left them.
struct ReviewedNote {
    std::string id;   // stable identifier (e.g. the database note id); decides the held-out split
    std::string text; // UTF-8
    std::vector<std::string> positive; // accepted or added: the note has the code
    std::vector<std::string> negative; // rejected or removed: the note does not have the code
};

// Deterministic split into fine-tuning and held-out notes: a note is held out when the FNV-1a hash of its id
// modulo 1000 is below heldOutFraction * 1000. The same id always lands on the same side, whatever the other
// notes are. When the split would leave either side empty and there are >= 2 notes, the note with the
// smallest hash (held-out side empty) or the largest (fine-tuning side empty) is moved across.
struct ReviewSplit {
    std::vector<ReviewedNote> fineTune;
    std::vector<ReviewedNote> heldOut;
};
ReviewSplit splitReviewedNotes(const std::vector<ReviewedNote>& notes, double heldOutFraction = 0.2);

// The held-out notes as labelled documents for evaluation: codes = positive codes (the coder's final coding).
std::vector<Document> reviewedNotesAsDocuments(const std::vector<ReviewedNote>& notes);

struct FineTuneOptions {
    int epochs = 3;             // passes over the reviewed (+ replay) examples; 0 = only extend labels
    double learningRate = 3e-4; // Adam; lower than training from scratch
    int batchSize = 8;
    std::uint64_t seed = 1;
    int threads = 0; // LibTorch intra-op threads, 0 = all cores

    std::string replayPath;   // JSONL dataset of the model's original training notes; "" = no replay
    double replayRatio = 1.0; // replay notes drawn per reviewed note and epoch (without replacement as far
                              // as the file allows), >= 0
    bool extendLabels = true; // add positive codes outside the label set as new labels
    bool updateNeighbourIndex = true; // add reviewed notes to the retrieval index (when the model has one)
    std::map<std::string, std::string> descriptions; // code -> description (catalog text), for new labels

    std::string modelName;    // "" = "<base name> fine-tuned"
    std::string modelVersion; // "" = "<base version>+ft<UTC date-time>"
};

struct FineTuneProgress {
    std::string phase; // "prepare", "train"
    int epoch = 0;     // 1-based
    int epochs = 0;
    std::size_t examplesDone = 0; // within this epoch
    std::size_t examples = 0;     // per epoch (reviewed + replay)
    double loss = 0.0;            // running mean masked loss of this epoch
    double etaSeconds = 0.0;      // to the end of the last epoch
    double fraction = 0.0;        // of the whole run, in [0, 1]
};

struct FineTuneCallbacks {
    std::function<void(const FineTuneProgress&)> progress; // after every batch
    std::function<void(const std::string&)> message;       // one-line notes (counts, replay, extension)
    const std::atomic<bool>* cancel = nullptr;             // checked between batches
};

struct FineTuneResult {
    bool cancelled = false; // nothing was written
    std::size_t reviewedExamples = 0;
    std::size_t replayExamples = 0; // per epoch; 0 without a replay file
    bool replayUsed = false;
    std::vector<std::string> outsideCodes;             // positive codes not in the base label set (sorted)
    std::vector<std::string> labelsAdded;              // the ones that became labels (sorted)
    std::vector<std::string> labelsWithoutDescription; // added labels initialised from the mean row
    std::size_t labels = 0;                            // label count of the written model
    std::vector<double> epochLoss;                     // mean masked loss per epoch
    std::size_t indexAdded = 0;                        // reviewed notes added to the neighbour index
    std::size_t indexReplaced = 0; // reviewed notes already indexed (same text): their codes replaced
    double seconds = 0.0;
};

// Fine-tunes the model in baseModelDir (its current weights; any architecture of modelfiles.h) on `notes`
// and writes the result as a model directory at outDir (atomically: the directory appears complete or not
// at all; an existing outDir is replaced). The decision threshold is kept from the base model. Returns with
// result.cancelled = true (and nothing written) when cancelled. Throws InputError (no usable note, unreadable
// replay file, bad options) or ModelError (unusable base model).
FineTuneResult fineTune(const std::string& baseModelDir, const std::vector<ReviewedNote>& notes,
                        const FineTuneOptions& options, const std::string& outDir,
                        const FineTuneCallbacks& callbacks = {});

// The loss fine-tuning minimises, exposed for tests: mean over entries with mask != 0 of
// BCE-with-logits(logit, target), and its gradient with respect to every logit (computed by LibTorch's
// autograd, the same code path fineTune() uses). All three vectors have the same size; the loss is 0 and the
// gradient all zero when no entry is unmasked. Throws std::invalid_argument on mismatched sizes.
double maskedBceWithLogits(const std::vector<float>& logits, const std::vector<float>& targets,
                           const std::vector<float>& mask, std::vector<float>* gradient = nullptr);

// --- The gate ---

struct GateOptions {
    double tolerance = 0.01; // absolute drop allowed on micro-F1 and P@k
    int threads = 0;
};

// One code's F1 before and after (at each model's own threshold) on the held-out reviewed notes.
struct CodeChange {
    std::string code;
    int support = 0;       // held-out notes that have the code
    double f1Before = 0.0; // 0 when the current model does not know the code
    double f1After = 0.0;
    bool newLabel = false; // a label only the new model has
};

struct ModelComparison {
    // Both models scored on the same label space: the union of their labels (a model scores 0 on labels it
    // lacks), each at its own threshold. k of P@k: 5 for <= 50 labels in the union, else 8.
    int k = 5;
    EvalMetrics heldOutBefore, heldOutAfter; // on the held-out reviewed notes
    bool hasDev = false;
    EvalMetrics devBefore, devAfter; // on the original dev set (when given), over the current model's labels
                                     // only (that data was never coded against labels added since)
    std::vector<CodeChange> codeChanges; // codes of the held-out notes, largest |change| first
    double tolerance = 0.01;
    bool acceptable = false; // micro-F1 and P@k not worse than before minus tolerance on dev (when given)
                             // and on the held-out notes
    std::string verdict;     // one line for the user: why it is or is not acceptable
};

// Scores every document with both models (Engine, as `predict` does) and fills a ModelComparison.
// heldOut may be empty only when dev is not; the gate then uses what it has and says so in the verdict.
// Throws ModelError (unusable model directory), InputError (no documents at all), Cancelled.
ModelComparison compareModels(const std::string& currentModelDir, const std::string& newModelDir,
                              const std::vector<Document>& heldOut, const std::vector<Document>& dev,
                              const GateOptions& options = {}, const std::atomic<bool>* cancel = nullptr);

// The comparison as one JSON object (stored in model_versions.metrics_json): k, tolerance, acceptable,
// verdict, held_out {before, after}, dev {before, after} (when present), code_changes [...].
std::string comparisonToJson(const ModelComparison& comparison);

} // namespace fc
