// MAP per train-frequency bucket (metrics_frequency.h).
#include "fc/model/metrics_frequency.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace fc {

int frequencyBucket(std::int64_t trainDocuments) {
    if (trainDocuments <= 0)
        return 0;
    return trainDocuments < 5 ? 1 : 2;
}

const char* frequencyBucketName(int bucket) {
    switch (bucket) {
    case 0:
        return "0";
    case 1:
        return "1-4";
    default:
        return "5+";
    }
}

FrequencyBucketMap frequencyBucketMap(const ScoreMatrix& scores,
                                      const std::vector<std::vector<BucketGold>>& gold) {
    if (gold.size() != scores.docs)
        throw std::invalid_argument("frequencyBucketMap: one gold entry per document is required");
    FrequencyBucketMap result;
    std::array<double, kFrequencyBuckets> sums{};
    // bucketOf[label] = bucket of a gold label of the current document, -1 for a non-gold label.
    std::vector<int> bucketOf(scores.labels, -1);
    std::vector<std::size_t> order(scores.labels);
    for (std::size_t doc = 0; doc < scores.docs; ++doc) {
        std::array<std::int64_t, kFrequencyBuckets> total{};
        for (const BucketGold& g : gold[doc]) {
            if (g.bucket < 0 || g.bucket >= kFrequencyBuckets)
                throw std::invalid_argument("frequencyBucketMap: bucket out of range");
            if (g.label >= 0) {
                if (static_cast<std::size_t>(g.label) >= scores.labels)
                    throw std::invalid_argument("frequencyBucketMap: gold label index out of range");
                if (bucketOf[static_cast<std::size_t>(g.label)] >= 0)
                    continue; // a label listed twice counts once
                bucketOf[static_cast<std::size_t>(g.label)] = g.bucket;
            }
            ++total[static_cast<std::size_t>(g.bucket)];
        }
        const float* row = scores.row(doc);
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return row[a] > row[b]; });
        for (int b = 0; b < kFrequencyBuckets; ++b) {
            const auto bi = static_cast<std::size_t>(b);
            if (total[bi] == 0)
                continue;
            std::int64_t rank = 0, hits = 0;
            double sum = 0.0;
            for (const std::size_t label : order) {
                const int labelBucket = bucketOf[label];
                if (labelBucket >= 0 && labelBucket != b)
                    continue; // another bucket's gold code: filtered out
                ++rank;
                if (labelBucket == b) {
                    ++hits;
                    sum += static_cast<double>(hits) / static_cast<double>(rank);
                }
            }
            sums[bi] += sum / static_cast<double>(total[bi]);
            ++result.documents[bi];
            result.codes[bi] += total[bi];
        }
        for (const BucketGold& g : gold[doc])
            if (g.label >= 0)
                bucketOf[static_cast<std::size_t>(g.label)] = -1;
    }
    for (std::size_t b = 0; b < kFrequencyBuckets; ++b)
        result.map[b] = result.documents[b] > 0 ? sums[b] / static_cast<double>(result.documents[b]) : 0.0;
    return result;
}

} // namespace fc
