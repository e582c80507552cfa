#include "fc/model/engine.h"

#include "fc/model/description_match.h"
#include "fc/model/errors.h"
#include "fc/model/evidence.h"
#include "fc/model/mention_lexicon.h"
#include "fc/model/modelfiles.h"
#include "fc/model/neighbours.h"
#include "fc/model/tokenizer.h"
#include "fc/model/vocabulary.h"
#include "torch/checkpoint.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cpuid.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <numeric>
#include <thread>
#include <unordered_map>

namespace fc {

namespace {

// A mention must cover at least this share of the description's IDF mass: one function word is not one.
constexpr float kMentionMinShare = 0.25f;

// The strongest span of the part that moved the code's score most comes first; then the other part's spans,
// then the leading part's other spans, at most `max` in all. Both parts stay visible: a coder sees the
// passage that drove the score and where the note names the code. A mention (a few words) is dropped only
// when it overlaps a mention already listed, so it may sit inside the leading attention passage; an attention
// passage is dropped when it overlaps any span already listed.
std::vector<EvidenceSpan> strongestPartFirst(const std::vector<EvidenceSpan>& leading,
                                             const std::vector<EvidenceSpan>& other, std::size_t max) {
    std::vector<EvidenceSpan> spans;
    const auto add = [&](const EvidenceSpan& span) {
        const bool mention = span.source == EvidenceSource::Mention;
        const bool overlaps = std::any_of(spans.begin(), spans.end(), [&](const EvidenceSpan& s) {
            return (!mention || s.source == EvidenceSource::Mention) && span.begin < s.end &&
                   s.begin < span.end;
        });
        if (spans.size() < max && !overlaps)
            spans.push_back(span);
    };
    if (!leading.empty())
        add(leading.front());
    for (const auto& span : other)
        add(span);
    for (std::size_t i = 1; i < leading.size(); ++i)
        add(leading[i]);
    return spans;
}

// A code's lexicon matches (strongest first; ties: text order), without one inside another, then its
// description mentions that overlap none of them.
std::vector<EvidenceSpan> lexiconFirst(std::vector<EvidenceSpan> lexical,
                                       const std::vector<EvidenceSpan>& described) {
    std::stable_sort(lexical.begin(), lexical.end(), [](const EvidenceSpan& a, const EvidenceSpan& b) {
        return a.weight > b.weight || (a.weight == b.weight && a.end - a.begin > b.end - b.begin);
    });
    std::vector<EvidenceSpan> spans;
    const auto overlapsKept = [&](const EvidenceSpan& s) {
        return std::any_of(spans.begin(), spans.end(),
                           [&](const EvidenceSpan& k) { return s.begin < k.end && k.begin < s.end; });
    };
    for (const auto& span : lexical)
        if (!overlapsKept(span))
            spans.push_back(span);
    for (const auto& span : described)
        if (!overlapsKept(span))
            spans.push_back(span);
    return spans;
}

// Fast mode needs a CPU that computes bfloat16 natively. LibTorch 1.13's oneDNN runs bfloat16
// convolutions and products only with AVX512-BF16 or AMX-BF16; elsewhere the convolutions fall back to
// ATen's reference loops: measured 40-50x slower than float32 on an AVX2 AMD EPYC (docs/PERFORMANCE.md).
// FC_FAST_MODE=force skips the check (tests, measurements).
bool bfloat16Native() {
    if (const char* force = std::getenv("FC_FAST_MODE"); force && std::string_view(force) == "force")
        return true;
    if (!__builtin_cpu_supports("avx512f")) // also false when the OS does not save AVX-512 state
        return false;
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid_count(7, 1, &a, &b, &c, &d) && (a & (1u << 5)) != 0) // AVX512_BF16
        return true;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (d & (1u << 22)) != 0; // AMX-BF16
}

constexpr std::int64_t kFastLengthStep = 256; // tokens; see Engine::predict
constexpr std::size_t kEvidenceTopCodes = 50;
constexpr std::size_t kEvidenceMaxCodes = 200;
} // namespace

class Engine::Impl {
public:
    ModelInfo info;
    Vocabulary vocabulary;
    std::unique_ptr<net::Network> network;
    EvidenceOptions evidence;
    RetrievalOptions retrieval;
    NeighbourIndex neighbours;       // empty unless retrieval.enabled()
    DescriptionMatcher descriptions; // used when retrieval.descriptionWeight > 0
    MentionLexicon lexicon;          // used when retrieval.lexiconWeight > 0
    bool fast = false;               // network in bfloat16 (Engine::load)
};

Engine::Engine(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Engine::~Engine() = default;

const ModelInfo& Engine::info() const {
    return m_impl->info;
}

void Engine::setThreads(int threads) {
    if (threads <= 0)
        threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(threads);
}

std::unique_ptr<Engine> Engine::load(const std::string& directory, int threads) {
    return load(directory, threads, false);
}

bool Engine::fast() const {
    return m_impl->fast;
}

std::unique_ptr<Engine> Engine::load(const std::string& directory, int threads, bool fast) {
    setThreads(threads);
    auto impl = std::make_unique<Impl>();
    const auto config = readModelConfig(directory);
    const auto vocabPath = (std::filesystem::path(directory) / "vocab.txt").string();
    try {
        impl->vocabulary = Vocabulary::load(vocabPath);
    } catch (const InputError& e) {
        throw ModelError(vocabPath + ": " + e.what());
    }
    if (static_cast<std::int64_t>(impl->vocabulary.size()) != config.vocabularySize)
        throw ModelError(vocabPath + ": lines are not unique sorted words");
    impl->network = net::loadNetwork(directory, config);
    impl->network->module().eval();
    if (fast && bfloat16Native()) { // otherwise exact: fast() tells the caller
        impl->network->module().to(torch::kBFloat16);
        // The normalisations stay float32: LibTorch 1.13's bfloat16 GroupNorm and LayerNorm measured 8-9x
        // and 7x slower than float32 on an AVX512-BF16 EPYC (bench --fast --profile, docs/PERFORMANCE.md);
        // the layers convert their input there and back.
        for (const auto& m : impl->network->module().modules(/*include_self=*/false))
            if (m->as<torch::nn::GroupNormImpl>() || m->as<torch::nn::LayerNormImpl>() ||
                m->as<torch::nn::BatchNorm1dImpl>())
                m->to(torch::kFloat32);
        impl->fast = true;
    }
    impl->retrieval = config.retrieval;
    if (config.retrieval.enabled())
        impl->neighbours = NeighbourIndex::load(config.retrieval.indexPath);
    if (config.retrieval.descriptionWeight > 0.0f)
        impl->descriptions = DescriptionMatcher::build(
            config.labels, DescriptionMatcher::readDescriptions(config.retrieval.descriptionsPath),
            impl->neighbours);
    if (config.retrieval.lexiconWeight > 0.0f) {
        impl->lexicon = MentionLexicon::load(config.retrieval.lexiconPath);
        impl->lexicon.bind(config.labels);
    }

    auto& info = impl->info;
    info.name = config.name;
    info.version = config.version;
    info.arch = config.arch;
    info.language = config.language;
    info.placeholder = config.placeholder;
    info.threshold = config.threshold;
    info.maxTokens = config.options.maxTokens;
    info.labels = config.labels;
    info.labelSystems = labelSystems(config.labels);
    info.vocabularySize = config.vocabularySize;
    for (const auto& p : impl->network->module().parameters(true))
        info.parameters += p.numel();
    info.directory = directory;
    info.retrievalMode = config.retrieval.mode;
    info.retrievalWeight = config.retrieval.weight;
    info.retrievalDescriptionWeight = config.retrieval.descriptionWeight;
    info.retrievalLexiconWeight = config.retrieval.lexiconWeight;
    info.retrievalNeighbours = config.retrieval.neighbours;

    const bool caml = config.arch == "caml" || config.arch == "drcaml";
    std::int64_t kernel = config.options.camlKernel;
    if (!caml) {
        kernel = 1;
        for (const auto k : config.options.filterSizes)
            kernel = std::max(kernel, k);
    }
    impl->evidence = evidenceOptionsFor(config.arch, EvidenceGeometry::Readable, static_cast<int>(kernel));
    if (!caml)
        impl->evidence.tokensPerPosition = static_cast<int>(impl->network->geometry().tokensPerPosition);
    return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

std::vector<std::pair<std::string, std::vector<std::int64_t>>> Engine::parameterShapes() const {
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> out;
    for (const auto& [name, tensor] : net::stateDict(*m_impl->network))
        out.emplace_back(name, tensor.sizes().vec());
    return out;
}

Prediction Engine::predict(std::string_view utf8Text, const PredictOptions& options,
                           const std::atomic<bool>* cancel) const {
    return predict(utf8Text, options, cancel, WindowOptions{});
}

Prediction Engine::predict(std::string_view utf8Text, const PredictOptions& options,
                           const std::atomic<bool>* cancel, const WindowOptions& windows) const {
    // The retrieval component tokenises the note itself: do it before the network's tokens exist, so a very
    // long note never holds both token lists at once (bounded memory, issue #14). Same results either way.
    std::unordered_map<std::string, float> votes;
    std::vector<float> match;
    std::vector<LexiconHit> lexiconHits;
    std::vector<float> lexiconScores;
    const bool retrieval = m_impl->retrieval.enabled() && !options.networkOnly;
    const bool withLexicon =
        retrieval && m_impl->retrieval.mode == "mix" && m_impl->retrieval.lexiconWeight > 0.0f;
    if (retrieval) {
        votes = m_impl->neighbours.vote(utf8Text, m_impl->retrieval.neighbours);
        if (m_impl->retrieval.descriptionWeight > 0.0f)
            match = m_impl->descriptions.match(utf8Text);
        if (withLexicon) {
            lexiconHits = m_impl->lexicon.hits(utf8Text);
            lexiconScores = m_impl->lexicon.scores(lexiconHits);
        }
    }
    const auto tokens = tokenize(utf8Text);
    const auto& info = m_impl->info;
    const auto labels = info.labels.size();
    const auto window = std::max<std::int64_t>(1, info.maxTokens);
    const auto total = static_cast<std::int64_t>(tokens.size());

    std::vector<std::int64_t> ids(tokens.size());
    for (std::size_t i = 0; i < tokens.size(); ++i)
        ids[i] = m_impl->vocabulary.id(tokens[i].text);

    Prediction prediction;
    prediction.tokens = total;
    prediction.windows = total == 0 ? 1 : (total + window - 1) / window;
    prediction.truncated = prediction.windows > 1;
    const auto unk = m_impl->vocabulary.unkId();
    prediction.knownTokens =
        std::count_if(ids.begin(), ids.end(), [&](std::int64_t id) { return id > 0 && id != unk; });
    prediction.insufficientText = prediction.knownTokens < kMinKnownTokens;

    // Each code's final score is one function of the network's (score, logit) and of retrieval parts that are
    // known before the network runs, so the streaming below can tell which codes may still be shown.
    const bool prior = retrieval && m_impl->retrieval.mode == "prior";
    const float mixWeight = m_impl->retrieval.weight;
    const float d = retrieval ? m_impl->retrieval.descriptionWeight : 0.0f;
    const float l = withLexicon ? m_impl->retrieval.lexiconWeight : 0.0f;
    std::vector<float> retrieved(retrieval ? labels : 0), mentioned(retrieval ? labels : 0),
        votePrior(prior ? labels : 0);
    for (std::size_t y = 0; retrieval && y < labels; ++y) {
        const auto it = votes.find(info.labels[y]);
        const float vote = it == votes.end() ? 0.0f : it->second;
        const float described = d > 0.0f ? d * match[y] : 0.0f;
        const float lexical = l > 0.0f ? l * lexiconScores[y] : 0.0f;
        retrieved[y] = (vote + described + lexical) / (1.0f + d + l);
        mentioned[y] = described + lexical; // the mentions' part (the vote has no span)
        if (prior)
            votePrior[y] = retrievalPrior(vote);
    }
    const auto finalScore = [&](std::size_t y, float score, float logit) {
        if (!retrieval)
            return score;
        if (prior)
            return 1.0f / (1.0f + std::exp(-(logit + votePrior[y])));
        return (1.0f - mixWeight) * score + mixWeight * retrieved[y];
    };

    // Streaming over windows (bounded memory): per code, its best score so far and, when evidence is wanted,
    // the evidence row of the window that gave it; everything else of a window is dropped after it.
    std::vector<float> best(labels, -1.0f);
    std::vector<float> bestLogit(labels, 0.0f); // the logit of `best`, kept exact for the prior mode
    std::vector<std::int64_t> bestWindow(labels, 0);
    const bool wantEvidence = options.evidence && total > 0 && options.maxEvidenceSpans > 0;
    // [labels, maxPositions]: code y's evidence row in its best window. Sized by the first window, the
    // longest.
    std::vector<float> bestRows;
    std::int64_t maxPositions = 0;
    std::vector<std::int64_t> bestRowLength(labels, 0);
    // Only the first kEvidenceMaxCodes codes by final score are shown with evidence. A code whose best window
    // is the current one ends with exactly finalScore(its score there); every other code ends at least at
    // finalSoFar[y], the final score of its best so far. A code that kEvidenceMaxCodes others already beat
    // can never be shown with the current window's evidence: its row is not kept, nor its contributions
    // computed (for all codes they cost a fifth of the inference time; issue #14).
    std::vector<float> finalSoFar(labels, -std::numeric_limits<float>::infinity());
    std::vector<float> ranked;
    std::vector<std::int64_t> improved, kept;
    const auto batchSize = static_cast<std::int64_t>(std::max(1, windows.batch));
    {
        torch::InferenceMode inference;
        for (std::int64_t first = 0; first < prediction.windows;) {
            if (cancel && cancel->load())
                throw Cancelled();
            const auto begin = first * window;
            const auto length = std::max<std::int64_t>(1, std::min(window, total - begin));
            // Windows of one batch share a length: only full windows are batched; a shorter last one goes
            // alone.
            std::int64_t count = 1;
            if (length == window)
                count = std::max<std::int64_t>(1, std::min(batchSize, (total - begin) / window));
            // Fast mode pads the window to a multiple of kFastLengthStep tokens (with the padding id, as
            // training batches are padded): oneDNN compiles its bfloat16 kernels per input shape, and with
            // one shape per note length that compilation cost more than the network itself on short notes.
            const auto padded =
                m_impl->fast
                    ? std::min(window, (length + kFastLengthStep - 1) / kFastLengthStep * kFastLengthStep)
                    : length;
            auto input = torch::zeros({count, padded}, torch::kInt64);
            if (total > 0)
                for (std::int64_t b = 0; b < count; ++b)
                    std::copy_n(ids.begin() + begin + b * length, length,
                                input.data_ptr<std::int64_t>() + b * padded);
            auto out = m_impl->network->infer(input, wantEvidence);
            if (wantEvidence && padded != length) {
                const auto positions = m_impl->network->geometry().positionsFor(length);
                out.attention = out.attention.narrow(2, 0, positions);
                if (out.features.defined())
                    out.features = out.features.narrow(1, 0, positions);
            }
            // Fast mode computes in bfloat16; scores, maxima and evidence are taken in float either way.
            const auto logits = out.logits.to(torch::kFloat32).contiguous();
            const auto scores = torch::sigmoid(logits).contiguous();
            for (std::int64_t b = 0; b < count; ++b) {
                const auto w = first + b;
                const auto* s = scores.data_ptr<float>() + b * static_cast<std::int64_t>(labels);
                const auto* lg = logits.data_ptr<float>() + b * static_cast<std::int64_t>(labels);
                improved.clear();
                for (std::size_t y = 0; y < labels; ++y) {
                    // Damaged but finite weights can overflow inside the network (inf - inf): refuse the
                    // model rather than show NaN confidences.
                    if (!std::isfinite(s[y]))
                        throw ModelError(info.directory +
                                         ": the network produced an invalid score (NaN) for " +
                                         info.labels[y] + "; the weights are damaged");
                    if (s[y] > best[y]) {
                        best[y] = s[y];
                        bestLogit[y] = lg[y];
                        bestWindow[y] = w;
                        finalSoFar[y] = finalScore(y, s[y], lg[y]);
                        improved.push_back(static_cast<std::int64_t>(y));
                    }
                }
                if (!wantEvidence || improved.empty())
                    continue;
                // The bar: the kEvidenceMaxCodes-th highest finalSoFar. A code below it is beaten by at least
                // that many codes, now and at the end.
                float bar = -std::numeric_limits<float>::infinity();
                if (labels > kEvidenceMaxCodes) {
                    ranked = finalSoFar;
                    std::nth_element(ranked.begin(), ranked.begin() + (kEvidenceMaxCodes - 1), ranked.end(),
                                     std::greater<float>());
                    bar = ranked[kEvidenceMaxCodes - 1];
                }
                kept.clear();
                for (const auto y : improved) {
                    if (finalSoFar[y] >= bar)
                        kept.push_back(y);
                    else
                        bestRowLength[y] = 0; // its older row can no longer be shown either
                }
                if (kept.empty())
                    continue;
                // Evidence rows: each position's contribution to the code's logit where the network tells it
                // (Fusion), so the strongest passage is the one that raised the score most; the attention
                // where it does not, and for a code no position raised (all contributions <= 0: its score is
                // its bias).
                const auto index =
                    torch::from_blob(kept.data(), {static_cast<std::int64_t>(kept.size())}, torch::kInt64);
                const auto attention =
                    out.attention[b].index_select(0, index).to(torch::kFloat32).contiguous();
                auto raised = net::contributionRows(out, b, index);
                if (raised.defined())
                    raised = raised.to(torch::kFloat32).contiguous();
                const auto positions = attention.size(1);
                if (bestRows.empty()) {
                    maxPositions = positions;
                    bestRows.assign(labels * static_cast<std::size_t>(maxPositions), 0.0f);
                }
                const auto rowLength = std::min<std::int64_t>(positions, maxPositions);
                for (std::size_t i = 0; i < kept.size(); ++i) {
                    const auto y = static_cast<std::size_t>(kept[i]);
                    const auto offset = static_cast<std::int64_t>(i) * positions;
                    const float* c = raised.defined() ? raised.data_ptr<float>() + offset : nullptr;
                    const bool byContribution =
                        c && std::any_of(c, c + rowLength, [](float v) { return v > 0.0f; });
                    std::copy_n(byContribution ? c : attention.data_ptr<float>() + offset, rowLength,
                                bestRows.begin() +
                                    static_cast<std::ptrdiff_t>(y * static_cast<std::size_t>(maxPositions)));
                    bestRowLength[y] = rowLength;
                }
            }
            first += count;
            if (windows.progress)
                windows.progress(first, prediction.windows);
        }
    }
    if (cancel && cancel->load())
        throw Cancelled();
    // Per label: did the network's share of the mixed score outweigh the mentions' (description match and
    // lexicon)? Then its attention passage, not a mention, is the code's strongest evidence (issue #13).
    std::vector<std::uint8_t> networkLeads(labels, 1);
    for (std::size_t y = 0; retrieval && y < labels; ++y) {
        if (!prior && d + l > 0.0f)
            networkLeads[y] =
                (1.0f - mixWeight) * best[y] >= mixWeight * mentioned[y] / (1.0f + d + l) ? 1 : 0;
        best[y] = finalScore(y, best[y], bestLogit[y]);
    }

    std::vector<std::size_t> order(labels);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return best[a] > best[b]; });
    prediction.codes.resize(labels);
    for (std::size_t r = 0; r < labels; ++r) {
        prediction.codes[r].code = info.labels[order[r]];
        prediction.codes[r].score = best[order[r]];
    }

    if (wantEvidence) {
        auto evidenceOptions = m_impl->evidence;
        evidenceOptions.maxSpans = options.maxEvidenceSpans;
        std::vector<std::size_t> ranks; // the codes that get evidence, best first
        for (std::size_t r = 0; r < labels && r < kEvidenceMaxCodes; ++r) {
            if (r >= kEvidenceTopCodes && prediction.codes[r].score < info.threshold)
                break;
            ranks.push_back(r);
        }
        // A model whose score mixes in the description match also shows where the note mentions the code's
        // description; the part that moved the score more (networkLeads) comes first.
        std::vector<std::vector<EvidenceSpan>> mentions;
        if (m_impl->retrieval.enabled() && !options.networkOnly && m_impl->retrieval.mode == "mix" &&
            m_impl->retrieval.descriptionWeight > 0.0f) {
            std::vector<std::size_t> described;
            for (const auto r : ranks)
                described.push_back(order[r]);
            mentions = m_impl->descriptions.mentions(tokens, described, kMentionMinShare);
        }
        if (withLexicon) {
            // Lexicon matches first: they are whole phrases coders marked, tighter than a description's
            // words.
            std::unordered_map<std::size_t, std::size_t> slot; // label -> its entry in `ranks`
            for (std::size_t i = 0; i < ranks.size(); ++i)
                slot.emplace(order[ranks[i]], i);
            mentions.resize(ranks.size());
            std::vector<std::vector<EvidenceSpan>> lexical(ranks.size());
            for (const auto& hit : lexiconHits)
                if (const auto it = slot.find(hit.label); it != slot.end())
                    lexical[it->second].push_back(
                        {hit.begin, hit.end, static_cast<double>(hit.weight), EvidenceSource::Mention});
            for (std::size_t i = 0; i < ranks.size(); ++i)
                mentions[i] = lexiconFirst(std::move(lexical[i]), mentions[i]);
        }
        for (std::size_t i = 0; i < ranks.size(); ++i) {
            const auto r = ranks[i];
            const auto y = order[r];
            const auto w = bestWindow[y];
            const float* row = bestRows.data() + y * static_cast<std::size_t>(maxPositions);
            const auto begin = w * window;
            const auto length = std::min(window, total - begin);
            auto spans =
                extractEvidence(row, static_cast<std::size_t>(bestRowLength[y]), tokens.data() + begin,
                                static_cast<std::size_t>(length), evidenceOptions);
            const auto max = static_cast<std::size_t>(options.maxEvidenceSpans);
            if (mentions.empty())
                prediction.codes[r].evidence = std::move(spans);
            else if (networkLeads[y] != 0)
                prediction.codes[r].evidence = strongestPartFirst(spans, mentions[i], max);
            else
                prediction.codes[r].evidence = strongestPartFirst(mentions[i], spans, max);
        }
    }
    return prediction;
}

namespace {

// The resolved path of the libblas.so.3 mapped into this process, empty if none (read from /proc/self/maps).
std::string loadedBlasLibrary() {
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

} // namespace

std::string slowBlasWarning() {
    // Debian's alternatives decide what libblas.so.3 is; an optimised implementation in the mapped path
    // settles it without timing (a timing alone misfires on a busy machine).
    const auto blas = loadedBlasLibrary();
    for (const char* fast : {"openblas", "blis", "mkl", "atlas"}) {
        if (blas.find(fast) != std::string::npos)
            return {};
    }
    constexpr std::int64_t n = 256;
    torch::InferenceMode inference;
    const auto a = torch::rand({n, n}), b = torch::rand({n, n});
    auto c = torch::mm(a, b); // warm-up (thread pool, page faults)
    using Clock = std::chrono::steady_clock;
    // Best of short runs over ~50 ms, so a momentarily busy CPU does not look like a slow BLAS.
    double best = 0.0;
    const auto start = Clock::now();
    while (std::chrono::duration<double>(Clock::now() - start).count() < 0.05) {
        const auto t0 = Clock::now();
        c = torch::mm(a, b);
        const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        best = std::max(best, 2.0 * n * n * n / std::max(seconds, 1e-9) / 1e9);
    }
    if (best >= 20.0)
        return {};
    char text[400];
    std::snprintf(
        text, sizeof text,
        "Matrix products run at %.1f GFLOP/s through %s: this looks like the slow reference BLAS, so "
        "analysis will be about 10x slower than it should. Install OpenBLAS "
        "(sudo apt install libopenblas0-openmp).",
        best, blas.empty() ? "an unknown BLAS" : blas.c_str());
    return text;
}

} // namespace fc
