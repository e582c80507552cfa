#include "fc/model/benchmark.h"

#include "fc/model/engine.h"
#include "fc/model/errors.h"
#include "torch/network.h"
#include "torch/op_profile.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>
#include <time.h>
#include <unistd.h>

namespace fc {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// One window of n tokens; see FusionFlops for what is counted.
FusionFlops windowFlops(const NetworkOptions& o, double n, double labels) {
    const double d = static_cast<double>(o.embeddingDim);
    const double f = static_cast<double>(o.filterMaps);
    const double g = static_cast<double>(std::max<std::int64_t>(1, o.poolSize));
    const double p = std::ceil(n / g); // positions after soft pooling
    const double m = static_cast<double>(o.filterSizes.size());
    const double width = m * f; // transformer model dimension (300)
    double kernels = 0;
    for (const auto k : o.filterSizes)
        kernels += static_cast<double>(k);

    FusionFlops flops;
    flops.baseConvolutions = 2.0 * d * d * kernels * n;
    flops.softPooling = 2.0 * d * (p * g) * m;
    flops.residualBlocks = 2.0 * p * (d * f * kernels + f * f * kernels + d * f * m);
    flops.projections = 4.0 * 2.0 * p * width * width;
    // Both head layouts (the authors' raw view and standard heads) give `heads` products of P x P x
    // width/heads.
    flops.attentionProducts = 2.0 * 2.0 * p * p * width;
    flops.feedForward = 2.0 * 2.0 * p * width * static_cast<double>(o.ffnDim);
    flops.labelAttention = 2.0 * 2.0 * labels * p * width + 2.0 * labels * width;
    return flops;
}

std::string syntheticWord(std::int64_t index) {
    // "w" + 4 lower-case letters: one token each, never numeric, unique for index < 26^4.
    std::string word = "waaaa";
    for (int i = 4; i >= 1; --i) {
        word[static_cast<std::size_t>(i)] = static_cast<char>('a' + index % 26);
        index /= 26;
    }
    return word;
}

std::string syntheticLabel(std::int64_t index) {
    // ICD-10-CM shaped and unique for index < 26,000: letter, two digits, dot, one digit.
    char code[16];
    std::snprintf(code, sizeof code, "%c%02d.%d", static_cast<char>('A' + (index / 1000) % 26),
                  static_cast<int>((index / 10) % 100), static_cast<int>(index % 10));
    return code;
}

// CPU time of the whole process (every thread), ms.
double processCpuMs() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

LatencyStats summarise(std::vector<double> ms) {
    LatencyStats stats;
    stats.runs = static_cast<int>(ms.size());
    if (ms.empty())
        return stats;
    std::sort(ms.begin(), ms.end());
    const auto size = ms.size();
    stats.medianMs = size % 2 ? ms[size / 2] : 0.5 * (ms[size / 2 - 1] + ms[size / 2]);
    const auto rank = static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(size)));
    stats.p90Ms = ms[std::clamp<std::size_t>(rank, 1, size) - 1];
    stats.minMs = ms.front();
    stats.maxMs = ms.back();
    return stats;
}

// GFLOP/s of each of `runs` n x n fp32 products (after one warm-up product).
std::vector<double> measureSgemm(std::int64_t n, int runs) {
    torch::InferenceMode inference;
    const auto a = torch::rand({n, n}), b = torch::rand({n, n});
    auto c = torch::mm(a, b);
    std::vector<double> rates;
    for (int i = 0; i < runs; ++i) {
        const auto start = Clock::now();
        c = torch::mm(a, b);
        rates.push_back(2.0 * std::pow(static_cast<double>(n), 3) / std::max(secondsSince(start), 1e-9) /
                        1e9);
    }
    return rates;
}

std::string mappedBlasLibrary() {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        const auto slash = line.find('/');
        if (slash == std::string::npos || line.find("libblas.so") == std::string::npos)
            continue;
        std::error_code ec;
        const auto real = std::filesystem::canonical(line.substr(slash), ec);
        return ec ? line.substr(slash) : real.string();
    }
    return {};
}

// Removes the temporary model directory on every exit path.
struct TemporaryDirectory {
    std::filesystem::path path;
    ~TemporaryDirectory() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

void checkOptions(const BenchmarkOptions& o) {
    if (o.tokens < 1 || o.tokens > 1000000)
        throw InputError("bench: --tokens must be between 1 and 1000000");
    if (o.labels < 1 || o.labels > 26000)
        throw InputError("bench: --labels must be between 1 and 26000");
    if (o.threads < 0 || o.threads > 1024)
        throw InputError("bench: --threads must be between 0 and 1024");
    if (o.runs < 1 || o.warmupRuns < 0)
        throw InputError("bench: --runs must be at least 1");
    if (o.vocabularySize < 1 || o.vocabularySize >= 26 * 26 * 26 * 26)
        throw InputError("bench: vocabulary size must be between 1 and 456975");
    if (o.sgemmSize < 16 || o.trainBatch < 1 || o.trainSteps < 1)
        throw InputError("bench: sgemm size >= 16, training batch and steps >= 1");
}

} // namespace

FusionFlops fusionFlops(const NetworkOptions& options, std::int64_t tokens, std::int64_t labels) {
    if (tokens < 0 || labels < 1)
        throw ModelError("fusionFlops: tokens must be >= 0 and labels >= 1");
    const std::int64_t window = std::max<std::int64_t>(1, options.maxTokens);
    FusionFlops sum;
    // A note without tokens is scored as one PAD token (Engine::predict).
    for (std::int64_t begin = 0; begin < std::max<std::int64_t>(tokens, 1); begin += window) {
        const auto length = std::max<std::int64_t>(1, std::min(window, tokens - begin));
        const auto w = windowFlops(options, static_cast<double>(length), static_cast<double>(labels));
        sum.baseConvolutions += w.baseConvolutions;
        sum.softPooling += w.softPooling;
        sum.residualBlocks += w.residualBlocks;
        sum.projections += w.projections;
        sum.attentionProducts += w.attentionProducts;
        sum.feedForward += w.feedForward;
        sum.labelAttention += w.labelAttention;
    }
    return sum;
}

double peakResidentMegabytes() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) {
            std::istringstream fields(line.substr(6));
            double kilobytes = 0;
            fields >> kilobytes;
            return kilobytes / 1024.0;
        }
    }
    return 0;
}

BenchmarkResult runBenchmark(const BenchmarkOptions& options,
                             const std::function<void(const std::string&)>& progress) {
    checkOptions(options);
    const auto say = [&](const std::string& message) {
        if (progress)
            progress(message);
    };
    BenchmarkResult result;
    result.options = options;
    result.threads = options.threads > 0
                         ? options.threads
                         : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

    ModelConfig config;
    config.name = "Benchmark (random weights)";
    config.arch = "fusion";
    config.placeholder = true;
    for (std::int64_t y = 0; y < options.labels; ++y)
        config.labels.push_back(syntheticLabel(y));
    std::vector<std::string> vocabulary;
    vocabulary.reserve(static_cast<std::size_t>(options.vocabularySize));
    for (std::int64_t v = 0; v < options.vocabularySize; ++v)
        vocabulary.push_back(syntheticWord(v));

    const auto base = options.workDirectory.empty() ? std::filesystem::temp_directory_path()
                                                    : std::filesystem::path(options.workDirectory);
    TemporaryDirectory model{base / ("fusioncoder-bench-" + std::to_string(::getpid()))};
    say("creating a Fusion model with random weights (" + std::to_string(options.labels) + " labels)");
    createModel(config, vocabulary, options.seed, model.path.string());

    say("loading the model");
    const auto loadStart = Clock::now();
    const auto engine = Engine::load(model.path.string(), result.threads);
    result.loadSeconds = secondsSince(loadStart);
    result.maxTokens = engine->info().maxTokens;
    result.parameters = engine->info().parameters;
    result.blasLibrary = mappedBlasLibrary();
    config.options.maxTokens = result.maxTokens;
    result.flops = fusionFlops(config.options, options.tokens, options.labels);
    result.windows = (options.tokens + result.maxTokens - 1) / result.maxTokens;

    std::mt19937_64 random(options.seed);
    std::uniform_int_distribution<std::int64_t> pickWord(0, options.vocabularySize - 1);
    std::string note;
    for (std::int64_t t = 0; t < options.tokens; ++t) {
        note += vocabulary[static_cast<std::size_t>(pickWord(random))];
        note += (t + 1) % 12 == 0 ? '\n' : ' ';
    }

    say("measuring sgemm " + std::to_string(options.sgemmSize) + "x" + std::to_string(options.sgemmSize));
    auto sgemm = measureSgemm(options.sgemmSize, 5);

    const auto time = [&](const PredictOptions& predictOptions, int runs,
                          std::vector<double>* cpuMs = nullptr, const std::function<void()>& after = {}) {
        std::vector<double> ms;
        for (int r = 0; r < runs; ++r) {
            const double cpuStart = processCpuMs();
            const auto start = Clock::now();
            const auto prediction = engine->predict(note, predictOptions);
            ms.push_back(secondsSince(start) * 1000.0);
            if (cpuMs)
                cpuMs->push_back(processCpuMs() - cpuStart);
            if (prediction.codes.size() != static_cast<std::size_t>(options.labels))
                throw ModelError("bench: the engine returned the wrong number of scores");
            if (after)
                after();
        }
        return ms;
    };
    PredictOptions scoresOnly;
    scoresOnly.evidence = false;
    say("inference: " + std::to_string(options.warmupRuns) + " warm-up + " + std::to_string(options.runs) +
        " timed runs on " + std::to_string(options.tokens) + " tokens");
    time(scoresOnly, options.warmupRuns);
    result.inferenceRunMs = time(scoresOnly, options.runs, &result.inferenceRunCpuMs, options.afterEachRun);
    result.inference = summarise(result.inferenceRunMs);
    result.inferenceWithEvidence = summarise(time(PredictOptions{}, std::max(1, options.runs / 4)));

    std::unique_ptr<Engine> fastEngine;
    if (options.fast) {
        say("fast mode (bfloat16): " + std::to_string(options.warmupRuns) + " warm-up + " +
            std::to_string(options.runs) + " timed runs, each after one exact run");
        fastEngine = Engine::load(model.path.string(), result.threads, true);
        result.fastBfloat16 = fastEngine->fast();
        if (!result.fastBfloat16)
            say("this CPU has no AVX512-BF16 or AMX: the fast engine is the exact one (FC_FAST_MODE=force "
                "times bfloat16 anyway)");
        const auto exactCodes = engine->predict(note, scoresOnly).codes;
        const auto fastCodes = fastEngine->predict(note, scoresOnly).codes;
        std::map<std::string, float> byCode;
        for (const auto& c : exactCodes)
            byCode[c.code] = c.score;
        for (const auto& c : fastCodes)
            result.fastMaxScoreDifference = std::max(
                result.fastMaxScoreDifference, static_cast<double>(std::fabs(c.score - byCode[c.code])));
        // Exact and fast alternate, so a change of the machine's load hits both alike; the speed-up is the
        // median of the per-pair ratios.
        std::vector<double> ms;
        for (int r = 0; r < options.warmupRuns + options.runs; ++r) {
            auto start = Clock::now();
            engine->predict(note, scoresOnly);
            const double exactMs = secondsSince(start) * 1000.0;
            start = Clock::now();
            fastEngine->predict(note, scoresOnly);
            const double fastMs = secondsSince(start) * 1000.0;
            if (r < options.warmupRuns)
                continue;
            ms.push_back(fastMs);
            result.fastPairRatios.push_back(exactMs / std::max(fastMs, 1e-9));
        }
        result.fastInference = summarise(ms);
        result.fastSpeedup = summarise(result.fastPairRatios).medianMs; // a median of ratios, not of ms
    }

    if (options.profileRuns > 0) {
        say("profiling " + std::to_string(options.profileRuns) + " runs per operator (LibTorch's profiler)");
        const auto profile = [&](Engine& e) {
            return profileOperators(
                [&] {
                    for (int r = 0; r < options.profileRuns; ++r)
                        e.predict(note, scoresOnly);
                },
                options.profileRuns);
        };
        result.profile = profile(*engine);
        if (fastEngine)
            result.fastProfile = profile(*fastEngine);
    }

    const auto after = measureSgemm(options.sgemmSize, 5);
    sgemm.insert(sgemm.end(), after.begin(), after.end());
    result.sgemmGflops = *std::max_element(sgemm.begin(), sgemm.end());
    std::vector<double> sorted = sgemm;
    std::sort(sorted.begin(), sorted.end());
    result.sgemmMedianGflops = 0.5 * (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]);
    result.achievedGflops = result.flops.total() / 1e9 / (result.inference.medianMs / 1000.0);
    result.fractionOfPeak = result.achievedGflops / result.sgemmGflops;
    result.peakRssMb = peakResidentMegabytes();

    if (options.training) {
        config.vocabularySize = options.vocabularySize;
        torch::manual_seed(options.seed);
        auto network = net::makeNetwork(config);
        network->module().train();
        std::vector<torch::Tensor> trainable;
        for (const auto& p : network->module().parameters())
            if (p.requires_grad())
                trainable.push_back(p);
        torch::optim::Adam adam(trainable, torch::optim::AdamOptions(1e-4));
        const auto length = std::min(options.tokens, result.maxTokens);
        const auto ids =
            torch::randint(1, options.vocabularySize + 1, {options.trainBatch, length}, torch::kInt64);
        const auto targets = (torch::rand({options.trainBatch, options.labels}) < 0.05).to(torch::kFloat);
        std::vector<double> stepSeconds;
        say("training: 1 warm-up + " + std::to_string(options.trainSteps) + " Adam steps of " +
            std::to_string(options.trainBatch) + " notes of " + std::to_string(length) + " tokens");
        for (int step = 0; step <= options.trainSteps; ++step) {
            const auto start = Clock::now();
            adam.zero_grad();
            const auto loss = torch::binary_cross_entropy_with_logits(network->forward(ids).logits, targets);
            loss.backward();
            adam.step();
            if (step > 0)
                stepSeconds.push_back(secondsSince(start));
        }
        std::sort(stepSeconds.begin(), stepSeconds.end());
        result.trainStepSeconds = stepSeconds[stepSeconds.size() / 2];
        result.trainNotesPerSecond = options.trainBatch / result.trainStepSeconds;
        result.peakRssAfterTrainingMb = peakResidentMegabytes();
    }
    return result;
}

} // namespace fc
