#pragma once
// Speed of the Fusion model on this machine (interfaces.md `bench`): inference latency through the Engine
// on a synthetic note, the machine's sgemm rate on the same thread count, the model's analytic FLOP count,
// load time, peak memory and, optionally, training throughput. Everything is measured in one run so ratios
// (achieved fraction of the sgemm peak) compare figures taken under the same machine load.
#include "fc/model/modelfiles.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace fc {

// Floating-point operations of one Fusion forward pass (batch 1), counted from the architecture
// (fusion-spec.md 1.2): a multiply-add is 2 FLOP; element-wise work (tanh, softmax, norms) is not counted.
// Notes longer than options.maxTokens are scored in windows (as Engine::predict does): the counts are
// summed over windows.
struct FusionFlops {
    double baseConvolutions = 0;  // six word convolutions 100 -> 100, kernel k, over n tokens
    double softPooling = 0;       // pooling score convolutions 100 -> 1 over 2P positions
    double residualBlocks = 0;    // two k-wide convolutions and the 1x1 shortcut per branch, over P
    double projections = 0;       // Q, K, V and output projections 300 -> 300
    double attentionProducts = 0; // Q.K^T and A.V of the self-attention
    double feedForward = 0;       // 300 -> ffnDim -> 300
    double labelAttention = 0;    // U.G^T, A.G and the per-label output
    double total() const {
        return baseConvolutions + softPooling + residualBlocks + projections + attentionProducts +
               feedForward + labelAttention;
    }
};
// Throws ModelError for an architecture other than "fusion" or tokens < 0 / labels < 1.
FusionFlops fusionFlops(const NetworkOptions& options, std::int64_t tokens, std::int64_t labels);

struct BenchmarkOptions {
    std::int64_t tokens = 2500; // synthetic note length in tokens (>= 1)
    std::int64_t labels = 50;   // output labels Y (>= 1)
    int threads = 0;            // LibTorch intra-op threads; 0 = every core
    int runs = 20;              // timed inference runs after warm-up (>= 1; interfaces.md asks >= 20)
    int warmupRuns = 3;         // untimed runs first (thread pool, allocator, page faults)
    std::int64_t vocabularySize = 50000; // synthetic words; the size of a MIMIC-III vocabulary
    std::int64_t sgemmSize = 2048;       // square fp32 matrix product measured for the peak
    bool training = false;               // also measure training throughput
    int trainBatch = 16;                 // notes per training step (the authors' batch size)
    int trainSteps = 3;                  // timed Adam steps after one warm-up step
    std::uint64_t seed = 1;              // weights, note words and training targets
    std::string workDirectory;           // where the temporary model directory goes; "" = the system temp dir
    bool fast = false; // also time the fast (bfloat16) mode on the same note and compare its scores
    // Called after each timed scores-only run: `bench --compare-pytorch` times one run of the reference
    // there, so the two are measured interleaved and a change of the machine's load hits both alike.
    std::function<void()> afterEachRun;
    int profileRuns = 0; // > 0: also run that many scores-only predictions under LibTorch's profiler
};

// One ATen operator's share of an inference (bench --profile), per run.
struct OperatorTime {
    std::string name;
    int calls = 0;      // calls per run
    double selfMs = 0;  // time in the operator itself, less the operators it called
    double totalMs = 0; // including them
};

struct LatencyStats {
    double medianMs = 0;
    double p90Ms = 0; // nearest-rank 90th percentile
    double minMs = 0;
    double maxMs = 0;
    int runs = 0;
};

struct BenchmarkResult {
    BenchmarkOptions options;
    int threads = 0;               // the intra-op thread count actually used
    std::int64_t windows = 1;      // model windows the note was scored in (maxTokens each)
    std::int64_t maxTokens = 2500; // the model's window
    std::int64_t parameters = 0;
    FusionFlops flops;                     // per note
    double sgemmGflops = 0;                // best of the sgemm runs (before and after the latency runs)
    double sgemmMedianGflops = 0;          // median of the same runs
    LatencyStats inference;                // Engine::predict without evidence: tokenise + network + scores
    LatencyStats inferenceWithEvidence;    // Engine::predict as the app calls it (evidence for the top codes)
    std::vector<double> inferenceRunMs;    // each timed scores-only run, wall, in order
    std::vector<double> inferenceRunCpuMs; // the same runs' CPU time of the process (all threads)
    double achievedGflops = 0;             // flops.total() / inference median
    double fractionOfPeak = 0;             // achievedGflops / sgemmGflops
    double loadSeconds = 0;                // Engine::load of the model directory (files in the page cache)
    double peakRssMb = 0;                  // VmHWM after load + inference (MiB)
    double trainNotesPerSecond = 0;        // 0 unless options.training
    double trainStepSeconds = 0;           // median seconds per Adam step of trainBatch notes
    double peakRssAfterTrainingMb = 0;     // VmHWM after training (MiB); 0 unless options.training
    std::string blasLibrary;               // the libblas.so.3 mapped into the process (resolved path)
    LatencyStats fastInference;            // fast mode, scores only; runs == 0 unless options.fast
    bool fastBfloat16 = false;          // the fast engine did run in bfloat16 (Engine::fast(): CPU support)
    double fastSpeedup = 0;             // inference.medianMs / fastInference.medianMs
    double fastMaxScoreDifference = 0;  // max over codes of |fast score - exact score| on the note
    std::vector<double> fastPairRatios; // exact / fast wall time of each interleaved pair of runs
    std::vector<OperatorTime> profile;  // exact engine, sorted by self time; empty unless profileRuns
    std::vector<OperatorTime> fastProfile; // fast engine, the same; empty unless profileRuns and fast
};

// Builds a Fusion model directory with random weights (seeded; Y synthetic labels, vocabularySize synthetic
// words) in a temporary directory that is removed afterwards, loads it with Engine::load and measures.
// Runs on the calling thread and sets LibTorch's intra-op threads for the process. `progress` receives
// one-line notes of the phase being measured. Throws InputError on out-of-range options.
BenchmarkResult runBenchmark(const BenchmarkOptions& options,
                             const std::function<void(const std::string&)>& progress = {});

// Peak resident set size of this process so far (VmHWM of /proc/self/status), MiB; 0 if unavailable.
double peakResidentMegabytes();

} // namespace fc
