#pragma once
// A learned combiner of a code's score parts (issue #13, item 7): logistic regression over a few features of
// one (note, code) pair, fitted by Newton's method (IRLS) with a small L2 penalty, so its output is a
// probability calibrated on the data it was fitted on (the log loss is a proper scoring rule) and the
// decision threshold means what it says. Replaces hand-set mixing weights.
//
// Features of a pair (combinerFeatures): the network's score, the neighbour vote, the description match, the
// mention lexicon's score (mention_lexicon.h; 0 for a model without one), log(1 + the code's training
// frequency), and the parent category's score (the highest network score
// among the other labels of the same 3-character category, e.g. N44.8 -> N44; PCS codes: the first 3
// characters). Scores are used as they come (probabilities / shares in [0, 1]); the model fits one weight per
// feature plus a bias.
//
// Fitting data should be out-of-fold (kFoldSplits) so that the network and vote scores it learns from look
// like the scores of unseen notes. Torch-free and Qt-free; pure functions, thread-safe.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace fc {

constexpr std::size_t kCombinerFeatures = 6;
using CombinerRow = std::array<float, kCombinerFeatures>;

// Feature names in order (for model files and reports).
const std::array<const char*, kCombinerFeatures>& combinerFeatureNames();

struct CombinerFitOptions {
    double l2 = 1e-4;        // penalty on the weights (not the bias), per example
    int maxIterations = 50;  // Newton steps
    double tolerance = 1e-8; // stop when the largest parameter change is below this
};

class LogisticCombiner {
public:
    LogisticCombiner() = default;
    LogisticCombiner(std::array<double, kCombinerFeatures> weights, double bias)
        : m_weights(weights), m_bias(bias) {}

    // rows[i] with label[i] != 0 for positives. Throws std::invalid_argument on size mismatch or no rows.
    static LogisticCombiner fit(const std::vector<CombinerRow>& rows, const std::vector<std::uint8_t>& labels,
                                const CombinerFitOptions& options = {});

    double probability(const CombinerRow& row) const;
    const std::array<double, kCombinerFeatures>& weights() const { return m_weights; }
    double bias() const { return m_bias; }
    int iterations() const { return m_iterations; }

    // {"features": [...], "weights": [...], "bias": b}
    std::string toJson() const;
    // Throws std::invalid_argument on a malformed object or other feature names.
    static LogisticCombiner fromJson(const std::string& json);

private:
    std::array<double, kCombinerFeatures> m_weights{};
    double m_bias = 0.0;
    int m_iterations = 0;
};

// Per label of one note: the feature rows. network, vote, description and mentionLexicon are per-label scores
// of the note (same length as labels); trainFrequency[label] = training notes with the code.
std::vector<CombinerRow> combinerFeatures(const std::vector<std::string>& labels,
                                          const std::vector<float>& network, const std::vector<float>& vote,
                                          const std::vector<float>& description,
                                          const std::vector<float>& mentionLexicon,
                                          const std::vector<std::int64_t>& trainFrequency);

// The 3-character category of a code ("N44.8" -> "N44", "BW03ZZZ" -> "BW0").
std::string codeCategory(const std::string& code);

// Item indices 0..n-1 split into k folds of near-equal size, shuffled with `seed` (deterministic).
std::vector<std::vector<std::size_t>> kFoldSplits(std::size_t n, int k, std::uint64_t seed);

// Expected calibration error: items binned by predicted probability into `bins` equal-width bins; sum over
// bins of (bin size / n) * |mean prediction - positive rate|.
double expectedCalibrationError(const std::vector<double>& probabilities,
                                const std::vector<std::uint8_t>& labels, int bins = 10);

} // namespace fc
