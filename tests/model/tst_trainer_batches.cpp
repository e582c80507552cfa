// Batches of notes of similar length (TrainingOptions::lengthBucketBatches,
// model/src/torch/trainer_batches.h).
#include "torch/trainer_batches.h"

#include <QtTest>

#include <random>
#include <set>

using namespace fc::trainer;

namespace {

// 53 notes in a fixed pseudo-random order, as mention examples beside whole notes: about four in five short
// (5-20 tokens), the others long (300-600 tokens).
std::vector<fc::trainer::EncodedNote> notes() {
    std::vector<fc::trainer::EncodedNote> out(53);
    std::mt19937_64 rng(7);
    for (auto& note : out)
        note.ids.assign(rng() % 5 == 0 ? 300 + rng() % 301 : 5 + rng() % 16, 5);
    return out;
}

struct Epoch {
    std::vector<std::vector<const EncodedNote*>> batches;
    std::size_t paddedTokens = 0; // sum over batches of size x longest note
};

Epoch epoch(BatchSource& source, std::mt19937_64& rng) {
    Epoch e;
    source.startEpoch(rng);
    Batch batch;
    while (source.next(batch)) {
        e.batches.push_back(batch);
        e.paddedTokens += batch.size() * longestNote(batch);
    }
    return e;
}

} // namespace

class TestTrainerBatches : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void groupedBatchesCoverEveryNoteOnceWithLessPadding() {
        const auto all = notes();
        auto plain = inMemoryBatches(all, 4);
        auto grouped = inMemoryBatches(all, 4, 5);
        std::mt19937_64 rngPlain(1), rngGrouped(1);
        for (int round = 0; round < 3; ++round) {
            const Epoch p = epoch(*plain, rngPlain);
            const Epoch g = epoch(*grouped, rngGrouped);
            std::multiset<const EncodedNote*> seen;
            for (const auto& batch : g.batches)
                seen.insert(batch.begin(), batch.end());
            QCOMPARE(seen.size(), all.size());
            QCOMPARE(std::set<const EncodedNote*>(seen.begin(), seen.end()).size(), all.size());
            QCOMPARE(g.batches.size(), std::size_t{14}); // 13 full batches of 4 + the last note
            QCOMPARE(g.batches.back().size(), std::size_t{1});
            // Sorted groups of 20 notes: short notes are batched with short ones, so the padded size stays
            // near the tokens themselves, while the plain shuffle pads most short notes to a long one.
            std::size_t tokens = 0;
            for (const auto& note : all)
                tokens += note.ids.size();
            QVERIFY2(g.paddedTokens * 10 < tokens * 16,
                     qPrintable(QStringLiteral("%1 vs %2 tokens").arg(g.paddedTokens).arg(tokens)));
            QVERIFY2(g.paddedTokens * 10 < p.paddedTokens * 6,
                     qPrintable(QStringLiteral("%1 vs %2").arg(g.paddedTokens).arg(p.paddedTokens)));
        }
    }

    void plainOrderIsTheAuthorsShuffle() {
        // 0 and 1 keep the plain shuffle: the same batches as before the option existed.
        const auto all = notes();
        auto zero = inMemoryBatches(all, 4, 0), one = inMemoryBatches(all, 4, 1);
        std::mt19937_64 a(3), b(3);
        QCOMPARE(epoch(*zero, a).batches, epoch(*one, b).batches);
    }

    void sameSeedSameOrder() {
        const auto all = notes();
        auto first = inMemoryBatches(all, 4, 5), second = inMemoryBatches(all, 4, 5);
        std::mt19937_64 a(9), b(9);
        QCOMPARE(epoch(*first, a).batches, epoch(*second, b).batches);
    }
};

QTEST_APPLESS_MAIN(TestTrainerBatches)
#include "tst_trainer_batches.moc"
