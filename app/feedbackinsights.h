#pragma once
// Statistics over the coder's stored decisions (product.md "Statistics: acceptance rate per code, suggestions
// missed (added by coder), per-code calibration"). The unit is one (note, code) pair: its first decision says
// whether the model suggested it (a score >= 0 was recorded) or the coder added it by hand (score -1); its
// newest decision says what the coder finally kept (accepted/added = kept, rejected/removed = not kept).
// Threading: computeFeedbackInsights() uses the given Database on the calling thread.

#include <cstdint>
#include <string>
#include <vector>

namespace fc {

namespace storage {
class Database;
}

struct CodeAcceptance {
    std::string code;
    std::int64_t suggested = 0; // (note, code) pairs the model suggested
    std::int64_t accepted = 0;  // of those, kept by the coder
    double rate() const {
        return suggested ? static_cast<double>(accepted) / static_cast<double>(suggested) : 0.0;
    }
};

struct CodeMisses {
    std::string code;
    std::int64_t added = 0; // (note, code) pairs the coder added by hand and kept
};

// Suggestions whose shown score lies in [low, high) (the last bin includes 1).
struct CalibrationBin {
    double low = 0.0, high = 0.0;
    std::int64_t count = 0;
    std::int64_t accepted = 0;
    double meanScore = 0.0; // 0 when count == 0
    double rate() const { return count ? static_cast<double>(accepted) / static_cast<double>(count) : 0.0; }
};

struct FeedbackInsights {
    std::int64_t suggestions = 0, accepted = 0, added = 0;
    std::vector<CodeAcceptance> acceptance;  // most suggested first, then code order
    std::vector<CodeMisses> misses;          // most added first, then code order; codes with added > 0
    std::vector<CalibrationBin> calibration; // `bins` equal-width bins over [0, 1], low to high
};

// Throws storage::StorageError when the decisions cannot be read; std::invalid_argument for bins < 1.
FeedbackInsights computeFeedbackInsights(storage::Database& db, int bins = 10);

} // namespace fc
