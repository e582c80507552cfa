// extractEvidence and evidenceOptionsFor (the procedure is specified in fc/model/evidence.h).
#include "fc/model/evidence.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace fc {
namespace {

// An inclusive token range of the window.
struct TokenRange {
    std::int64_t first;
    std::int64_t last;
};

void validate(const EvidenceOptions& options) {
    if (options.tokensPerPosition < 1)
        throw std::invalid_argument("extractEvidence: tokensPerPosition must be >= 1");
    if (options.leftTokens < 0 || options.rightTokens < 0 || options.contextTokens < 0)
        throw std::invalid_argument("extractEvidence: window widenings must be >= 0");
    if (options.maxSpans < 0 || options.maxSeedPositions < 0)
        throw std::invalid_argument("extractEvidence: maxSpans and maxSeedPositions must be >= 0");
}

} // namespace

EvidenceOptions evidenceOptionsFor(const std::string& arch, EvidenceGeometry geometry, int kernel) {
    if (kernel < 0)
        throw std::invalid_argument("evidenceOptionsFor: kernel must be >= 0");
    const bool full = geometry == EvidenceGeometry::FullReceptiveField;
    EvidenceOptions options;
    if (arch == "fusion" || arch == "fusion-maxpool" || arch == "fusion-doclevel") {
        const int k = kernel > 0 ? kernel : 25;
        options.tokensPerPosition = 2;
        if (full)
            options.leftTokens = options.rightTokens = 5 * (k - 1) / 2;
    } else if (arch == "multirescnn") {
        const int k = kernel > 0 ? kernel : 25;
        options.tokensPerPosition = 1;
        if (full)
            options.leftTokens = options.rightTokens = 3 * (k - 1) / 2;
    } else if (arch == "caml" || arch == "drcaml") {
        const int k = kernel > 0 ? kernel : 10;
        options.tokensPerPosition = 1;
        options.rightTokens = k - 1;
    } else if (arch == "laat" || arch == "jointlaat") {
        // One BiLSTM state per token: the position is the token (its receptive field is the whole note, so
        // the full geometry adds no fixed widening either).
        options.tokensPerPosition = 1;
    } else if (arch == "clstm-att") {
        // One position per segment of 10 tokens (the default; the engine takes the stride from the network's
        // geometry, i.e. the model's own segment length). A segment's LSTM state has read nothing outside it.
        options.tokensPerPosition = 10;
    } else if (arch == "msatt-kg") {
        // One position per token; with the default 4 dense layers of kernel 3 the widest scale reads
        // 4 (3 - 1) / 2 = 4 tokens on each side (`kernel` does not apply).
        options.tokensPerPosition = 1;
        if (full)
            options.leftTokens = options.rightTokens = 4;
    } else if (arch == "cmemnn") {
        // One position per token: each token's term of the first hop's address score (cmemnn.h) reads the
        // token alone.
        options.tokensPerPosition = 1;
    } else if (arch == "hypercore") {
        // One position per token; the convolution (kernel 9) reads 4 tokens on each side (`kernel` does not
        // apply).
        options.tokensPerPosition = 1;
        if (full)
            options.leftTokens = options.rightTokens = 4;
    } else {
        throw std::invalid_argument("evidenceOptionsFor: unknown architecture \"" + arch + "\"");
    }
    if (full)
        options.contextTokens = 0;
    return options;
}

std::vector<EvidenceSpan> extractEvidence(const float* attention, std::size_t positions, const Token* tokens,
                                          std::size_t tokenCount, const EvidenceOptions& options) {
    validate(options);
    const auto stride = static_cast<std::size_t>(options.tokensPerPosition);
    const std::size_t real = std::min(positions, (tokenCount + stride - 1) / stride);
    if (real == 0 || options.maxSpans == 0)
        return {};

    std::vector<double> weight(real);
    double mass = 0.0;
    for (std::size_t p = 0; p < real; ++p) {
        const double w = attention[p];
        weight[p] = std::isfinite(w) && w > 0.0 ? w : 0.0;
        mass += weight[p];
    }
    if (!(mass > 0.0))
        return {};

    const auto lastToken = static_cast<std::int64_t>(tokenCount) - 1;
    const auto s = static_cast<std::int64_t>(stride);
    auto core = [&](std::size_t p) {
        const auto start = static_cast<std::int64_t>(p) * s;
        return TokenRange{std::max<std::int64_t>(0, start - options.leftTokens),
                          std::min(lastToken, start + s - 1 + options.rightTokens)};
    };

    std::vector<std::size_t> seeds;
    for (std::size_t p = 0; p < real; ++p)
        if (weight[p] > 0.0)
            seeds.push_back(p);
    const std::size_t seedCount = std::min(seeds.size(), static_cast<std::size_t>(options.maxSeedPositions));
    std::partial_sort(seeds.begin(), seeds.begin() + static_cast<std::ptrdiff_t>(seedCount), seeds.end(),
                      [&](std::size_t a, std::size_t b) {
                          return weight[a] > weight[b] || (weight[a] == weight[b] && a < b);
                      });
    seeds.resize(seedCount);
    std::sort(seeds.begin(), seeds.end());

    // Seeds in position order give windows in non-decreasing first-token order; merge overlapping or touching
    // ones.
    std::vector<TokenRange> spans;
    for (std::size_t p : seeds) {
        const TokenRange c = core(p);
        const TokenRange window{std::max<std::int64_t>(0, c.first - options.contextTokens),
                                std::min(lastToken, c.last + options.contextTokens)};
        if (!spans.empty() && window.first <= spans.back().last + 1)
            spans.back().last = std::max(spans.back().last, window.last);
        else
            spans.push_back(window);
    }

    std::vector<double> spanMass(spans.size(), 0.0);
    for (std::size_t p = 0; p < real; ++p) {
        if (weight[p] == 0.0)
            continue;
        const TokenRange c = core(p);
        const auto after =
            std::upper_bound(spans.begin(), spans.end(), c.first,
                             [](std::int64_t token, const TokenRange& span) { return token < span.first; });
        if (after == spans.begin())
            continue;
        const auto span = after - 1;
        if (c.last <= span->last)
            spanMass[static_cast<std::size_t>(span - spans.begin())] += weight[p];
    }

    std::vector<EvidenceSpan> result;
    for (std::size_t i = 0; i < spans.size(); ++i) {
        const double share = spanMass[i] / mass;
        if (share < options.minShare)
            continue;
        result.push_back({tokens[spans[i].first].begin, tokens[spans[i].last].end, std::min(share, 1.0)});
    }
    std::stable_sort(result.begin(), result.end(),
                     [](const EvidenceSpan& a, const EvidenceSpan& b) { return a.weight > b.weight; });
    if (result.size() > static_cast<std::size_t>(options.maxSpans))
        result.resize(static_cast<std::size_t>(options.maxSpans));
    return result;
}

} // namespace fc
