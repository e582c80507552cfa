#pragma once
// MAP per train-frequency bucket (issue #13: rare codes are the point). Each gold code of a document falls in
// the bucket of the number of training documents that carry it: 0 (never seen), 1-4, 5 and more.
//
// Definition (ours; CodiEsp has no official one): for bucket b and a document with >= 1 gold code in b, the
// ranking is every label by score descending (ties by label index) with the document's gold codes of the
// OTHER buckets removed (they are neither hits nor misses here, the "filtered" ranking of link prediction);
// AP = sum over b's gold codes at rank r of (b's gold codes at ranks <= r) / r, divided by all of the
// document's gold codes in b, so a gold code outside the label set counts zero. MAP_b = mean over those
// documents. Without the filter a rare code's AP would mostly measure the frequent gold codes above it.
// Pure functions; thread-safe.
#include "fc/model/metrics.h"

#include <array>
#include <cstdint>
#include <vector>

namespace fc {

constexpr int kFrequencyBuckets = 3;
// 0 for 0 training documents, 1 for 1-4, 2 for 5 or more.
int frequencyBucket(std::int64_t trainDocuments);
// "0", "1-4", "5+".
const char* frequencyBucketName(int bucket);

struct BucketGold {
    std::int32_t label = -1; // index into the label set, or -1 for a gold code outside it
    int bucket = 0;
};

struct FrequencyBucketMap {
    std::array<double, kFrequencyBuckets> map{};
    std::array<std::int64_t, kFrequencyBuckets> documents{}; // documents with >= 1 gold code in the bucket
    std::array<std::int64_t, kFrequencyBuckets> codes{};     // gold (document, code) pairs in the bucket
};

// gold[doc]: that document's distinct gold codes. Throws std::invalid_argument when gold.size() !=
// scores.docs, or for a label or bucket out of range.
FrequencyBucketMap frequencyBucketMap(const ScoreMatrix& scores,
                                      const std::vector<std::vector<BucketGold>>& gold);

} // namespace fc
