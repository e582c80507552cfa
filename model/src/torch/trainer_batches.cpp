#include "torch/trainer_batches.h"

#include "fc/model/neighbours.h"

#include <algorithm>
#include <numeric>

namespace fc::trainer {

namespace {

// Fisher-Yates with a fixed formula (std::shuffle's algorithm is implementation-defined).
void shuffle(std::vector<std::size_t>& order, std::mt19937_64& rng) {
    for (std::size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[static_cast<std::size_t>(rng() % i)]);
}

class InMemoryBatches final : public BatchSource {
public:
    InMemoryBatches(const std::vector<EncodedNote>& notes, std::size_t batchSize,
                    std::size_t lengthBucketBatches)
        : m_notes(notes), m_batchSize(batchSize), m_bucketBatches(lengthBucketBatches),
          m_order(notes.size()) {}

    void startEpoch(std::mt19937_64& rng) override {
        std::iota(m_order.begin(), m_order.end(), std::size_t{0});
        shuffle(m_order, rng);
        if (m_bucketBatches > 1)
            groupByLength(rng);
        m_next = 0;
    }

    bool next(Batch& batch) override {
        batch.clear();
        const std::size_t end = std::min(m_next + m_batchSize, m_order.size());
        for (; m_next < end; ++m_next)
            batch.push_back(&m_notes[m_order[m_next]]);
        return !batch.empty();
    }

    std::size_t notesPerEpoch() const override { return m_notes.size(); }

private:
    // Sorts each group of m_bucketBatches batches of the shuffled order by length, then shuffles the order
    // of the batches (all full but possibly the very last, which stays last).
    void groupByLength(std::mt19937_64& rng) {
        const std::size_t group = m_bucketBatches * m_batchSize;
        for (std::size_t first = 0; first < m_order.size(); first += group) {
            const auto begin = m_order.begin() + static_cast<std::ptrdiff_t>(first);
            const auto end =
                m_order.begin() + static_cast<std::ptrdiff_t>(std::min(first + group, m_order.size()));
            std::stable_sort(begin, end, [&](std::size_t a, std::size_t b) {
                return m_notes[a].ids.size() < m_notes[b].ids.size();
            });
        }
        const std::size_t full = m_order.size() / m_batchSize;
        std::vector<std::size_t> batches(full);
        std::iota(batches.begin(), batches.end(), std::size_t{0});
        shuffle(batches, rng);
        std::vector<std::size_t> order;
        order.reserve(m_order.size());
        for (const std::size_t b : batches)
            order.insert(order.end(), m_order.begin() + static_cast<std::ptrdiff_t>(b * m_batchSize),
                         m_order.begin() + static_cast<std::ptrdiff_t>((b + 1) * m_batchSize));
        order.insert(order.end(), m_order.begin() + static_cast<std::ptrdiff_t>(full * m_batchSize),
                     m_order.end());
        m_order = std::move(order);
    }

    const std::vector<EncodedNote>& m_notes;
    std::size_t m_batchSize;
    std::size_t m_bucketBatches;
    std::vector<std::size_t> m_order;
    std::size_t m_next = 0;
};

// Reads `chunkNotes` documents at a time, encodes them, and hands out notes through a buffer of
// `bufferNotes`: once the buffer is full, every note out is a uniformly drawn buffer slot, refilled from the
// file. Notes without a label in the label space are dropped here, as encode() drops them.
class StreamingBatches final : public BatchSource {
public:
    StreamingBatches(StreamingSpec spec, const Vocabulary& vocabulary, const std::vector<std::string>& labels)
        : m_spec(std::move(spec)), m_vocabulary(vocabulary), m_labels(labels) {}

    void startEpoch(std::mt19937_64& rng) override {
        m_rng = &rng;
        m_reader = std::make_unique<DatasetReader>(m_spec.path);
        m_buffer.clear();
        m_pending.clear();
        m_pendingNext = 0;
        m_read = 0;
        m_atEnd = false;
    }

    bool next(Batch& batch) override {
        batch.clear();
        m_batch.clear();
        EncodedNote note;
        while (m_batch.size() < m_spec.batchSize && nextNote(note))
            m_batch.push_back(std::move(note));
        for (const auto& n : m_batch)
            batch.push_back(&n);
        return !batch.empty();
    }

    std::size_t notesPerEpoch() const override { return m_spec.notesPerEpoch; }

private:
    bool nextNote(EncodedNote& out) {
        while (m_buffer.size() < std::max<std::size_t>(m_spec.bufferNotes, 1) && pull())
            ;
        if (m_buffer.empty())
            return false;
        const auto pick = static_cast<std::size_t>((*m_rng)() % m_buffer.size());
        out = std::move(m_buffer[pick]);
        m_buffer[pick] = std::move(m_buffer.back());
        m_buffer.pop_back();
        return true;
    }

    // Moves one encoded note from the current chunk into the buffer, reading a chunk when needed.
    bool pull() {
        while (m_pendingNext >= m_pending.size()) {
            if (m_atEnd)
                return false;
            readChunk();
        }
        m_buffer.push_back(std::move(m_pending[m_pendingNext++]));
        return true;
    }

    void readChunk() {
        std::vector<Document> documents;
        Document document;
        while (documents.size() < m_spec.chunkNotes && m_reader->next(document))
            documents.push_back(std::move(document));
        if (documents.size() < m_spec.chunkNotes)
            m_atEnd = true;
        EncodedSet set = encode(documents, tokenTexts(documents), m_vocabulary, m_labels, m_spec.maxTokens);
        for (auto& note : set.notes)
            note.source += m_read;
        m_read += documents.size();
        m_pending = std::move(set.notes);
        m_pendingNext = 0;
    }

    StreamingSpec m_spec;
    const Vocabulary& m_vocabulary;
    const std::vector<std::string>& m_labels;
    std::mt19937_64* m_rng = nullptr;
    std::unique_ptr<DatasetReader> m_reader;
    std::vector<EncodedNote> m_buffer, m_pending, m_batch;
    std::size_t m_pendingNext = 0, m_read = 0;
    bool m_atEnd = false;
};

} // namespace

std::unique_ptr<BatchSource> inMemoryBatches(const std::vector<EncodedNote>& notes, std::size_t batchSize,
                                             std::size_t lengthBucketBatches) {
    return std::make_unique<InMemoryBatches>(notes, batchSize, lengthBucketBatches);
}

std::unique_ptr<BatchSource> streamingBatches(const StreamingSpec& spec, const Vocabulary& vocabulary,
                                              const std::vector<std::string>& labels) {
    return std::make_unique<StreamingBatches>(spec, vocabulary, labels);
}

Batch rankSlice(const Batch& global, int rank, int world) {
    const std::size_t n = global.size();
    const std::size_t begin = n * static_cast<std::size_t>(rank) / static_cast<std::size_t>(world);
    const std::size_t end = n * static_cast<std::size_t>(rank + 1) / static_cast<std::size_t>(world);
    return Batch(global.begin() + static_cast<std::ptrdiff_t>(begin),
                 global.begin() + static_cast<std::ptrdiff_t>(end));
}

std::size_t longestNote(const Batch& batch) {
    std::size_t longest = 1;
    for (const EncodedNote* note : batch)
        longest = std::max(longest, note->ids.size());
    return longest;
}

torch::Tensor paddedIds(const Batch& batch, std::size_t padTo) {
    auto ids = torch::zeros({static_cast<std::int64_t>(batch.size()), static_cast<std::int64_t>(padTo)},
                            torch::kInt64);
    auto* data = ids.data_ptr<std::int64_t>();
    for (std::size_t i = 0; i < batch.size(); ++i)
        std::copy(batch[i]->ids.begin(), batch[i]->ids.end(), data + i * padTo);
    return ids;
}

torch::Tensor multiHot(const Batch& batch, std::size_t labelCount) {
    auto targets =
        torch::zeros({static_cast<std::int64_t>(batch.size()), static_cast<std::int64_t>(labelCount)});
    auto* data = targets.data_ptr<float>();
    for (std::size_t i = 0; i < batch.size(); ++i)
        for (const auto label : batch[i]->gold.labels)
            data[i * labelCount + static_cast<std::size_t>(label)] = 1.0f;
    return targets;
}

torch::Tensor priorBatch(const Batch& batch, const std::vector<SparseVotes>& votesBySource,
                         std::size_t labelCount) {
    auto prior = torch::full({static_cast<std::int64_t>(batch.size()), static_cast<std::int64_t>(labelCount)},
                             retrievalPrior(0.0f));
    auto p = prior.accessor<float, 2>();
    for (std::size_t i = 0; i < batch.size(); ++i)
        for (const auto& [label, vote] : votesBySource.at(batch[i]->source))
            p[static_cast<std::int64_t>(i)][label] = retrievalPrior(vote);
    return prior;
}

} // namespace fc::trainer
