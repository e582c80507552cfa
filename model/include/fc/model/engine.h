#pragma once
// The inference engine: a loaded model directory and the analysis of one note.
//
// A model directory holds:
//   model.json  - format, name, version, architecture and its options, default threshold, label systems
//   labels.txt  - one code per line; line i is output row i
//   vocab.txt   - sorted vocabulary, one word per line (ids 1..V)
//   weights.pt  - a tensor dictionary in PyTorch's zip format (torch.load reads it in Python); tensor
//                 names are the authors' state_dict names (fusion-spec.md section 8)
// Threading: load() is slow (seconds) and must not run on a UI thread. predict() is const and may be
// called from several threads at once; it honours the cancel flag between model windows and layers.
#include "fc/model/prediction.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fc {

struct ModelInfo {
    std::string name;     // human-readable, e.g. "CodiEsp EN top-50 (Fusion)"
    std::string version;  // e.g. "2026.11.25-1"
    std::string arch;     // "fusion", "fusion-maxpool", "fusion-doclevel", "multirescnn", "caml", "drcaml"
    std::string language; // "en", "es"
    bool placeholder = false; // random weights: every score is meaningless; the UI must say so
    float threshold = 0.5f;   // tuned on dev where available
    std::int64_t maxTokens = 2500;
    std::vector<std::string> labels;
    std::vector<std::string> labelSystems; // per label: "icd-10-cm", "icd-10-pcs", "icd-9-cm", "icd-9-pcs"
    std::int64_t vocabularySize = 0;
    std::int64_t parameters = 0;
    std::string directory;     // where it was loaded from
    std::string retrievalMode; // "", "mix" or "prior" (modelfiles.h RetrievalOptions)
    float retrievalDescriptionWeight = 0.0f;
    float retrievalLexiconWeight = 0.0f; // mention lexicon weight l (mention_lexicon.h); additive
    float retrievalWeight =
        0.0f; // > 0: scores mix in a nearest-neighbour vote (modelfiles.h RetrievalOptions)
    int retrievalNeighbours = 0;
};

struct PredictOptions {
    bool evidence = true;     // extract evidence spans (cheap; off for bulk evaluation)
    int maxEvidenceSpans = 3; // per code, strongest first
    // The network's scores and attention alone: no neighbour vote, no description match, no mentions
    // (issue #13: Fusion's own share always visible). No effect on a model without retrieval.
    bool networkOnly = false;
    // Notes longer than maxTokens are scored in consecutive windows of maxTokens tokens (the last one
    // shorter); a code's score is its maximum over windows, and its evidence comes from the window that gave
    // that maximum. Each window is scored alone (batch of 1, as the authors evaluate).
    // A note without tokens is scored as a single PAD token (the network needs n >= 1); it gets no evidence.
    // Evidence is extracted for the 50 best-scoring codes plus every code scoring at least the model's
    // threshold, at most 200 codes; other codes get none (keeps a 8,921-label model cheap).
    //
    // Memory is bounded for any note length (issue #14): windows are scored one batch at a time and only
    // each code's best score and the attention row of its best window are kept (at most labels x positions
    // of one window), so a 2,000,000-word note needs no more than a 2,500-token one beyond its tokens.
};

// How a long note's windows are scored and reported (a separate struct so PredictOptions stays a two-field
// aggregate for its brace-initialising callers).
struct WindowOptions {
    // Full windows scored per forward pass (>= 1). 1 reproduces the authors' evaluation exactly; larger
    // batches agree to float rounding (~1e-6).
    int batch = 1;
    // Called on the predicting thread after each batch of windows with (windows done, windows in all); may
    // be empty. Must be cheap and must not throw. A GUI shows it as progress and sets the cancel flag.
    std::function<void(std::int64_t done, std::int64_t total)> progress;
};

class Engine {
public:
    // Throws ModelError with a one-line reason if the directory is missing, incomplete or corrupt.
    // threads: passed to setThreads() (0 = number of cores).
    static std::unique_ptr<Engine> load(const std::string& directory, int threads = 0);
    // Fast mode (issue #14): the network runs in bfloat16 through oneDNN (scores and attention are returned
    // as float). Only on CPUs with AVX512-BF16 or AMX-BF16: elsewhere bfloat16 is 40-50x slower, so the
    // engine loads exact and fast() is false (FC_FAST_MODE=force overrides). Scores differ from the exact
    // mode by up to ~1e-3 (tst_engine states the tolerance). Default: exact float32.
    static std::unique_ptr<Engine> load(const std::string& directory, int threads, bool fast);
    bool fast() const;
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    const ModelInfo& info() const;

    // Name and shape of every checkpoint tensor (the authors' state_dict names), in registration order.
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> parameterShapes() const;

    // Throws InputError on invalid UTF-8 and Cancelled if *cancel becomes true (checked before each
    // window; a window in progress, ~0.1 s, is finished first).
    Prediction predict(std::string_view utf8Text, const PredictOptions& options = {},
                       const std::atomic<bool>* cancel = nullptr) const;
    // The same with window batching and progress reports (checked for cancellation before each batch).
    Prediction predict(std::string_view utf8Text, const PredictOptions& options,
                       const std::atomic<bool>* cancel, const WindowOptions& windows) const;

    // Sets LibTorch's intra-op threads for the process (0 = number of cores). LibTorch starts with one.
    static void setThreads(int threads);

    class Impl;

private:
    explicit Engine(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// Checks the process's BLAS: returns a warning text when matrix products go through the slow reference
// BLAS (Debian's libblas3) instead of OpenBLAS, empty otherwise. Measures a small sgemm; ~50 ms.
std::string slowBlasWarning();

} // namespace fc
