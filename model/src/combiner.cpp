// Logistic-regression combiner of score parts (combiner.h).
#include "fc/model/combiner.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <unordered_map>

namespace fc {
namespace {

constexpr std::size_t kParameters = kCombinerFeatures + 1; // weights, then the bias

double sigmoid(double z) {
    return z >= 0.0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
}

// Solves a x = b for a small symmetric positive definite a (Cholesky); a and b are overwritten.
std::array<double, kParameters> solve(std::array<std::array<double, kParameters>, kParameters> a,
                                      std::array<double, kParameters> b) {
    for (std::size_t j = 0; j < kParameters; ++j) {
        double d = a[j][j];
        for (std::size_t k = 0; k < j; ++k)
            d -= a[j][k] * a[j][k];
        d = std::sqrt(std::max(d, 1e-12));
        a[j][j] = d;
        for (std::size_t i = j + 1; i < kParameters; ++i) {
            double s = a[i][j];
            for (std::size_t k = 0; k < j; ++k)
                s -= a[i][k] * a[j][k];
            a[i][j] = s / d;
        }
    }
    for (std::size_t i = 0; i < kParameters; ++i) { // L y = b
        for (std::size_t k = 0; k < i; ++k)
            b[i] -= a[i][k] * b[k];
        b[i] /= a[i][i];
    }
    for (std::size_t i = kParameters; i-- > 0;) { // L^T x = y
        for (std::size_t k = i + 1; k < kParameters; ++k)
            b[i] -= a[k][i] * b[k];
        b[i] /= a[i][i];
    }
    return b;
}

// Penalised mean log loss at theta (the objective Newton's steps must decrease).
double objective(const std::vector<CombinerRow>& rows, const std::vector<std::uint8_t>& labels,
                 const std::array<double, kParameters>& theta, double l2) {
    double loss = 0.0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        double z = theta[kCombinerFeatures];
        for (std::size_t f = 0; f < kCombinerFeatures; ++f)
            z += theta[f] * rows[i][f];
        // log(1 + exp(-z)) for a positive, log(1 + exp(z)) for a negative, overflow-free.
        const double m = labels[i] != 0 ? -z : z;
        loss += m > 0.0 ? m + std::log1p(std::exp(-m)) : std::log1p(std::exp(m));
    }
    double penalty = 0.0;
    for (std::size_t f = 0; f < kCombinerFeatures; ++f)
        penalty += theta[f] * theta[f];
    return loss / static_cast<double>(rows.size()) + 0.5 * l2 * penalty;
}

} // namespace

const std::array<const char*, kCombinerFeatures>& combinerFeatureNames() {
    static const std::array<const char*, kCombinerFeatures> names = {
        "network", "vote", "description", "mention_lexicon", "log_frequency", "parent_score"};
    return names;
}

LogisticCombiner LogisticCombiner::fit(const std::vector<CombinerRow>& rows,
                                       const std::vector<std::uint8_t>& labels,
                                       const CombinerFitOptions& options) {
    if (rows.empty() || rows.size() != labels.size())
        throw std::invalid_argument("combiner fit: one label per row and at least one row are required");
    const auto n = static_cast<double>(rows.size());
    std::array<double, kParameters> theta{};
    // Start the bias at the log-odds of the base rate: Newton converges from there even for rare positives.
    const double positives =
        static_cast<double>(std::count_if(labels.begin(), labels.end(), [](auto l) { return l != 0; }));
    const double rate = std::clamp(positives / n, 1e-6, 1.0 - 1e-6);
    theta[kCombinerFeatures] = std::log(rate / (1.0 - rate));
    LogisticCombiner model;
    for (int iteration = 1; iteration <= options.maxIterations; ++iteration) {
        std::array<std::array<double, kParameters>, kParameters> hessian{};
        std::array<double, kParameters> gradient{};
        for (std::size_t i = 0; i < rows.size(); ++i) {
            std::array<double, kParameters> x{};
            for (std::size_t f = 0; f < kCombinerFeatures; ++f)
                x[f] = rows[i][f];
            x[kCombinerFeatures] = 1.0;
            double z = 0.0;
            for (std::size_t p = 0; p < kParameters; ++p)
                z += theta[p] * x[p];
            const double prob = sigmoid(z);
            const double residual = prob - (labels[i] != 0 ? 1.0 : 0.0);
            const double weight = std::max(prob * (1.0 - prob), 1e-12);
            for (std::size_t p = 0; p < kParameters; ++p) {
                gradient[p] += residual * x[p];
                for (std::size_t q = 0; q <= p; ++q)
                    hessian[p][q] += weight * x[p] * x[q];
            }
        }
        for (std::size_t p = 0; p < kParameters; ++p) {
            for (std::size_t q = 0; q < p; ++q)
                hessian[q][p] = hessian[p][q];
            if (p < kCombinerFeatures) { // L2 on the weights only
                gradient[p] += options.l2 * n * theta[p];
                hessian[p][p] += options.l2 * n;
            }
            hessian[p][p] += 1e-9 * n; // keeps the bias step finite when every label is equal
        }
        // Newton's step, halved until the objective does not rise: plain Newton can overshoot and diverge
        // when a feature nearly separates the classes (measured on CodiEsp with per-note features).
        auto step = solve(hessian, gradient);
        const double before = objective(rows, labels, theta, options.l2);
        std::array<double, kParameters> next = theta;
        for (int halving = 0; halving < 30; ++halving) {
            for (std::size_t p = 0; p < kParameters; ++p)
                next[p] = theta[p] - step[p];
            if (objective(rows, labels, next, options.l2) <= before + 1e-12)
                break;
            for (auto& v : step)
                v *= 0.5;
        }
        double largest = 0.0;
        for (std::size_t p = 0; p < kParameters; ++p) {
            largest = std::max(largest, std::fabs(next[p] - theta[p]));
            theta[p] = next[p];
        }
        model.m_iterations = iteration;
        if (largest < options.tolerance)
            break;
    }
    for (std::size_t f = 0; f < kCombinerFeatures; ++f)
        model.m_weights[f] = theta[f];
    model.m_bias = theta[kCombinerFeatures];
    return model;
}

double LogisticCombiner::probability(const CombinerRow& row) const {
    double z = m_bias;
    for (std::size_t f = 0; f < kCombinerFeatures; ++f)
        z += m_weights[f] * row[f];
    return sigmoid(z);
}

std::string LogisticCombiner::toJson() const {
    nlohmann::ordered_json json;
    json["features"] = std::vector<std::string>(combinerFeatureNames().begin(), combinerFeatureNames().end());
    json["weights"] = std::vector<double>(m_weights.begin(), m_weights.end());
    json["bias"] = m_bias;
    return json.dump();
}

LogisticCombiner LogisticCombiner::fromJson(const std::string& text) {
    try {
        const auto json = nlohmann::json::parse(text);
        const auto names = json.at("features").get<std::vector<std::string>>();
        const auto weights = json.at("weights").get<std::vector<double>>();
        if (names.size() != kCombinerFeatures || weights.size() != kCombinerFeatures)
            throw std::invalid_argument("combiner: expected " + std::to_string(kCombinerFeatures) +
                                        " features");
        for (std::size_t f = 0; f < kCombinerFeatures; ++f)
            if (names[f] != combinerFeatureNames()[f])
                throw std::invalid_argument("combiner: unknown feature '" + names[f] + "'");
        std::array<double, kCombinerFeatures> w{};
        std::copy(weights.begin(), weights.end(), w.begin());
        return LogisticCombiner(w, json.at("bias").get<double>());
    } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(std::string("combiner: malformed JSON (") + e.what() + ")");
    }
}

std::string codeCategory(const std::string& code) {
    return code.substr(
        0, std::min<std::size_t>(3, code.find('.') == std::string::npos ? code.size() : code.find('.')));
}

std::vector<CombinerRow> combinerFeatures(const std::vector<std::string>& labels,
                                          const std::vector<float>& network, const std::vector<float>& vote,
                                          const std::vector<float>& description,
                                          const std::vector<float>& mentionLexicon,
                                          const std::vector<std::int64_t>& trainFrequency) {
    const std::size_t n = labels.size();
    if (network.size() != n || vote.size() != n || description.size() != n || mentionLexicon.size() != n ||
        trainFrequency.size() != n)
        throw std::invalid_argument("combinerFeatures: one value per label is required");
    // The best and second-best network score per category, so "the other labels' best" is O(1) per label.
    std::unordered_map<std::string, std::pair<float, float>> best;
    for (std::size_t y = 0; y < n; ++y) {
        auto [it, inserted] = best.try_emplace(codeCategory(labels[y]), -1.0f, -1.0f);
        auto& [first, second] = it->second;
        if (network[y] > first) {
            second = first;
            first = network[y];
        } else if (network[y] > second) {
            second = network[y];
        }
    }
    std::vector<CombinerRow> rows(n);
    for (std::size_t y = 0; y < n; ++y) {
        const auto& [first, second] = best.at(codeCategory(labels[y]));
        const float parent = network[y] >= first ? second : first;
        rows[y] = {
            network[y],
            vote[y],
            description[y],
            mentionLexicon[y],
            static_cast<float>(std::log1p(static_cast<double>(std::max<std::int64_t>(trainFrequency[y], 0)))),
            std::max(parent, 0.0f)};
    }
    return rows;
}

std::vector<std::vector<std::size_t>> kFoldSplits(std::size_t n, int k, std::uint64_t seed) {
    if (k < 2)
        throw std::invalid_argument("kFoldSplits: k must be >= 2");
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::mt19937_64 rng(seed);
    for (std::size_t i = n; i > 1; --i) // Fisher-Yates with an explicit draw: same order on every platform
        std::swap(order[i - 1], order[static_cast<std::size_t>(rng() % i)]);
    std::vector<std::vector<std::size_t>> folds(static_cast<std::size_t>(k));
    for (std::size_t i = 0; i < n; ++i)
        folds[i % static_cast<std::size_t>(k)].push_back(order[i]);
    for (auto& fold : folds)
        std::sort(fold.begin(), fold.end());
    return folds;
}

double expectedCalibrationError(const std::vector<double>& probabilities,
                                const std::vector<std::uint8_t>& labels, int bins) {
    if (probabilities.size() != labels.size() || bins < 1)
        throw std::invalid_argument("expectedCalibrationError: one label per probability, bins >= 1");
    if (probabilities.empty())
        return 0.0;
    std::vector<double> sum(static_cast<std::size_t>(bins), 0.0),
        positive(static_cast<std::size_t>(bins), 0.0), count(static_cast<std::size_t>(bins), 0.0);
    for (std::size_t i = 0; i < probabilities.size(); ++i) {
        const auto b =
            static_cast<std::size_t>(std::clamp(static_cast<int>(probabilities[i] * bins), 0, bins - 1));
        sum[b] += probabilities[i];
        positive[b] += labels[i] != 0 ? 1.0 : 0.0;
        count[b] += 1.0;
    }
    double error = 0.0;
    for (std::size_t b = 0; b < sum.size(); ++b)
        if (count[b] > 0.0)
            error += count[b] / static_cast<double>(probabilities.size()) *
                     std::fabs(sum[b] / count[b] - positive[b] / count[b]);
    return error;
}

} // namespace fc
