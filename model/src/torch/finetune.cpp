// fc::fineTune (finetune.h): masked-loss fine-tuning of an existing model on reviewed notes, with replay and
// label extension.
#include "fc/model/finetune.h"

#include "fc/model/dataset.h"
#include "fc/model/errors.h"
#include "fc/model/modelfiles.h"
#include "fc/model/neighbours.h"
#include "fc/model/tokenizer.h"
#include "fc/model/vocabulary.h"
#include "torch/checkpoint.h"
#include "torch/finetune_labels.h"
#include "torch/finetune_loss.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>

namespace fc {

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// One training row: word ids and, per label, target and mask (label index -> target; absent = masked),
// or every base label known (replay) with its positive labels.
struct Example {
    std::vector<std::int64_t> ids;
    std::vector<std::pair<std::int32_t, float>> judged; // reviewed notes: the labels the coder judged
    std::vector<std::int32_t> positives;                // replay notes: gold labels; every other label is 0
    bool allKnown = false;
};

void note(const FineTuneCallbacks& callbacks, const std::string& message) {
    if (callbacks.message)
        callbacks.message(message);
}

bool cancelled(const FineTuneCallbacks& callbacks) {
    return callbacks.cancel != nullptr && callbacks.cancel->load(std::memory_order_relaxed);
}

std::string utcStamp() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y%m%d-%H%M%S", &tm);
    return buffer;
}

std::vector<std::int64_t> encodeText(const std::string& text, const Vocabulary& vocabulary,
                                     std::int64_t maxTokens) {
    std::vector<std::int64_t> ids;
    for (const auto& token : tokenize(text)) {
        if (static_cast<std::int64_t>(ids.size()) >= maxTokens)
            break;
        ids.push_back(vocabulary.id(token.text));
    }
    if (ids.empty())
        ids.push_back(Vocabulary::kPad);
    return ids;
}

void validate(const FineTuneOptions& o) {
    if (o.epochs < 0)
        throw InputError("epochs must be >= 0");
    if (!(o.learningRate > 0.0) || !std::isfinite(o.learningRate))
        throw InputError("learning rate must be > 0");
    if (o.batchSize < 1)
        throw InputError("batch size must be >= 1");
    if (!(o.replayRatio >= 0.0) || !std::isfinite(o.replayRatio))
        throw InputError("replay ratio must be >= 0");
}

// Loads the index at `from`, adds the notes (their positive codes), saves it at `to`.
void addToNeighbourIndex(const std::vector<ReviewedNote>& notes, const std::string& from,
                         const std::string& to, FineTuneResult& result) {
    NeighbourIndex index = NeighbourIndex::load(from);
    for (const auto& n : notes) {
        Document d;
        d.id = n.id;
        d.text = n.text;
        d.codes = n.positive;
        switch (index.add(d)) {
        case NeighbourIndex::AddOutcome::Added:
            ++result.indexAdded;
            break;
        case NeighbourIndex::AddOutcome::Replaced:
            ++result.indexReplaced;
            break;
        case NeighbourIndex::AddOutcome::Skipped:
            break;
        }
    }
    index.save(to);
}

// The label space after label extension: the network's labels and their indexes.
struct LabelSpace {
    std::set<std::string> baseLabels;
    std::unordered_map<std::string, std::int32_t> index;
};

// Step 1: codes the coder accepted or added outside the model's labels become new labels (label
// extension on) or are ignored; returns the (possibly extended) label space.
LabelSpace extendLabelSpace(std::unique_ptr<net::Network>& network, const ModelConfig& baseConfig,
                            const std::vector<ReviewedNote>& notes, const FineTuneOptions& options,
                            const Vocabulary& vocabulary, FineTuneResult& result,
                            const FineTuneCallbacks& callbacks) {
    LabelSpace space;
    space.baseLabels.insert(baseConfig.labels.begin(), baseConfig.labels.end());
    std::set<std::string> outside;
    for (const auto& n : notes)
        for (const auto& code : n.positive)
            if (space.baseLabels.count(code) == 0)
                outside.insert(code);
    result.outsideCodes.assign(outside.begin(), outside.end());
    if (!outside.empty())
        note(callbacks,
             std::to_string(outside.size()) + " accepted/added codes outside the model's " +
                 std::to_string(space.baseLabels.size()) + " labels" +
                 (options.extendLabels ? ": added as new labels" : ": ignored (label extension off)"));
    if (options.extendLabels && !outside.empty()) {
        auto extended =
            finetune::extendLabels(*network, result.outsideCodes, vocabulary, options.descriptions);
        network = std::move(extended.network);
        result.labelsAdded = result.outsideCodes;
        result.labelsWithoutDescription = extended.withoutDescription;
        if (!result.labelsWithoutDescription.empty())
            note(callbacks, std::to_string(result.labelsWithoutDescription.size()) +
                                " new labels have no usable description and start from the mean row");
    }
    const ModelConfig config = network->config();
    result.labels = config.labels.size();
    for (std::size_t i = 0; i < config.labels.size(); ++i)
        space.index.emplace(config.labels[i], static_cast<std::int32_t>(i));
    return space;
}

// Step 2: one example per reviewed note with a decision on a known label (its judged labels only).
std::vector<Example> reviewedExamples(const std::vector<ReviewedNote>& notes, const LabelSpace& labels,
                                      const Vocabulary& vocabulary, std::int64_t maxTokens,
                                      FineTuneResult& result, const FineTuneCallbacks& callbacks) {
    std::vector<Example> reviewed;
    std::size_t withoutJudgement = 0;
    for (const auto& n : notes) {
        Example e;
        std::map<std::int32_t, float> judged; // positive wins when a code is both (a later re-decision)
        for (const auto& code : n.negative)
            if (const auto it = labels.index.find(code); it != labels.index.end())
                judged[it->second] = 0.0f;
        for (const auto& code : n.positive)
            if (const auto it = labels.index.find(code); it != labels.index.end())
                judged[it->second] = 1.0f;
        if (judged.empty()) {
            ++withoutJudgement;
            continue;
        }
        e.judged.assign(judged.begin(), judged.end());
        e.ids = encodeText(n.text, vocabulary, maxTokens);
        reviewed.push_back(std::move(e));
    }
    if (reviewed.empty())
        throw InputError("no reviewed note has a decision on a code of the model's label set");
    result.reviewedExamples = reviewed.size();
    note(callbacks, std::to_string(reviewed.size()) + " reviewed notes as examples" +
                        (withoutJudgement > 0 ? " (" + std::to_string(withoutJudgement) +
                                                    " without a decision on a known code skipped)"
                                              : std::string()));
    return reviewed;
}

struct ReplaySet {
    std::vector<Example> examples;
    std::set<std::string> codes; // every code the replay data uses
};

// Step 3: replay notes of the original training data (every label they use is known).
ReplaySet replayExamples(const FineTuneOptions& options, const LabelSpace& labels,
                         const Vocabulary& vocabulary, std::int64_t maxTokens,
                         const FineTuneCallbacks& callbacks) {
    ReplaySet replay;
    if (options.replayPath.empty()) {
        note(callbacks,
             "no replay data: only the judged labels of reviewed notes are trained (the others are "
             "masked, so the model keeps its other scores as far as shared weights allow)");
        return replay;
    }
    for (const Document& doc : loadDataset(options.replayPath)) {
        replay.codes.insert(doc.codes.begin(), doc.codes.end());
        Example e;
        e.allKnown = true;
        for (const auto& code : doc.codes)
            if (const auto it = labels.index.find(code); it != labels.index.end())
                e.positives.push_back(it->second);
        if (e.positives.empty())
            continue;
        e.ids = encodeText(doc.text, vocabulary, maxTokens);
        replay.examples.push_back(std::move(e));
    }
    note(callbacks, "replay: " + std::to_string(replay.examples.size()) + " notes of " + options.replayPath);
    return replay;
}

// The order of each epoch: every reviewed note, plus `replayPerEpoch` replay notes drawn without
// replacement from a shuffled pass over the replay set (reshuffled when exhausted), all shuffled together.
// Entries < reviewed are reviewed notes; the rest replay notes (offset by reviewed).
class EpochPlanner {
public:
    EpochPlanner(std::uint64_t seed, std::size_t reviewed, std::size_t replay, std::size_t replayPerEpoch)
        : m_rng(seed), m_reviewed(reviewed), m_replayPerEpoch(replayPerEpoch), m_replayOrder(replay) {
        for (std::size_t i = 0; i < m_replayOrder.size(); ++i)
            m_replayOrder[i] = i;
        shuffle(m_replayOrder);
    }

    std::vector<std::size_t> nextEpoch() {
        std::vector<std::size_t> order;
        order.reserve(m_reviewed + m_replayPerEpoch);
        for (std::size_t i = 0; i < m_reviewed; ++i)
            order.push_back(i);
        for (std::size_t i = 0; i < m_replayPerEpoch; ++i) {
            if (m_replayCursor == m_replayOrder.size()) {
                shuffle(m_replayOrder);
                m_replayCursor = 0;
            }
            order.push_back(m_reviewed + m_replayOrder[m_replayCursor++]);
        }
        shuffle(order);
        return order;
    }

private:
    void shuffle(std::vector<std::size_t>& order) {
        for (std::size_t i = order.size(); i > 1; --i)
            std::swap(order[i - 1], order[static_cast<std::size_t>(m_rng() % i)]);
    }

    std::mt19937_64 m_rng;
    std::size_t m_reviewed;
    std::size_t m_replayPerEpoch;
    std::vector<std::size_t> m_replayOrder;
    std::size_t m_replayCursor = 0;
};

struct Batch {
    torch::Tensor ids, targets, mask;
};

// Step 4a: the padded word ids, targets and loss mask of order[first, first + count).
Batch makeBatch(const std::vector<std::size_t>& order, std::size_t first, std::size_t count,
                const std::vector<Example>& reviewed, const std::vector<Example>& replay,
                const std::vector<float>& replayMask) {
    const auto labelCount = static_cast<std::int64_t>(replayMask.size());
    const auto example = [&](std::size_t k) -> const Example& {
        return k < reviewed.size() ? reviewed[k] : replay[k - reviewed.size()];
    };
    std::size_t longest = 1;
    for (std::size_t i = 0; i < count; ++i)
        longest = std::max(longest, example(order[first + i]).ids.size());
    Batch batch;
    batch.ids =
        torch::zeros({static_cast<std::int64_t>(count), static_cast<std::int64_t>(longest)}, torch::kInt64);
    batch.targets = torch::zeros({static_cast<std::int64_t>(count), labelCount});
    batch.mask = torch::zeros({static_cast<std::int64_t>(count), labelCount});
    auto* idData = batch.ids.data_ptr<std::int64_t>();
    auto* targetData = batch.targets.data_ptr<float>();
    auto* maskData = batch.mask.data_ptr<float>();
    for (std::size_t i = 0; i < count; ++i) {
        const Example& e = example(order[first + i]);
        std::copy(e.ids.begin(), e.ids.end(), idData + i * longest);
        float* t = targetData + i * static_cast<std::size_t>(labelCount);
        float* m = maskData + i * static_cast<std::size_t>(labelCount);
        if (e.allKnown) {
            std::copy(replayMask.begin(), replayMask.end(), m);
            for (const auto label : e.positives)
                t[label] = 1.0f;
        } else {
            for (const auto& [label, target] : e.judged) {
                m[label] = 1.0f;
                t[label] = target;
            }
        }
    }
    return batch;
}

// Step 5: the fine-tuned model directory (name, version, threshold of the base; a grown neighbour index).
void writeFineTunedModel(ModelConfig config, const ModelConfig& baseConfig,
                         const std::vector<ReviewedNote>& notes, const FineTuneOptions& options,
                         const Vocabulary& vocabulary, net::Network& network, const std::string& outDir,
                         FineTuneResult& result, const FineTuneCallbacks& callbacks) {
    network.module().eval();
    config.name = options.modelName.empty() ? baseConfig.name + " fine-tuned" : options.modelName;
    config.version =
        options.modelVersion.empty() ? baseConfig.version + "+ft" + utcStamp() : options.modelVersion;
    config.placeholder = false;
    config.threshold = baseConfig.threshold;
    // A grown neighbour index is written beside outDir first; writeModelDirectory copies it in atomically.
    const fs::path indexFile =
        fs::path(outDir).parent_path() / ("." + fs::path(outDir).filename().string() + ".neighbours.tsv");
    const struct RemoveOnExit {
        fs::path path;
        ~RemoveOnExit() {
            std::error_code ignored;
            fs::remove(path, ignored);
        }
    } removeIndexFile{indexFile};
    if (config.retrieval.enabled() && options.updateNeighbourIndex) {
        addToNeighbourIndex(notes, config.retrieval.indexPath, indexFile.string(), result);
        note(callbacks, "neighbour index: " + std::to_string(result.indexAdded) + " reviewed notes added, " +
                            std::to_string(result.indexReplaced) + " already there (codes replaced)");
        config.retrieval.indexPath = indexFile.string();
    }
    net::writeModelDirectory(config, vocabulary.words(), network, outDir);
}

} // namespace

FineTuneResult fineTune(const std::string& baseModelDir, const std::vector<ReviewedNote>& notes,
                        const FineTuneOptions& options, const std::string& outDir,
                        const FineTuneCallbacks& callbacks) {
    validate(options);
    const auto start = Clock::now();
    const auto elapsedSeconds = [&start]() {
        return std::chrono::duration<double>(Clock::now() - start).count();
    };
    const int threads = options.threads > 0
                            ? options.threads
                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(threads);
    // Every random draw of the run (label extension, dropout) follows the seed: same notes, same model.
    torch::manual_seed(options.seed);

    FineTuneResult result;
    const ModelConfig baseConfig = readModelConfig(baseModelDir);
    const Vocabulary vocabulary = Vocabulary::load((fs::path(baseModelDir) / "vocab.txt").string());
    std::unique_ptr<net::Network> network = net::loadNetwork(baseModelDir, baseConfig);

    const LabelSpace labels =
        extendLabelSpace(network, baseConfig, notes, options, vocabulary, result, callbacks);
    const ModelConfig config = network->config();
    const std::int64_t maxTokens = config.options.maxTokens;
    const std::vector<Example> reviewed =
        reviewedExamples(notes, labels, vocabulary, maxTokens, result, callbacks);
    const ReplaySet replay = replayExamples(options, labels, vocabulary, maxTokens, callbacks);
    const std::size_t replayPerEpoch = std::min(
        replay.examples.size(),
        static_cast<std::size_t>(std::llround(options.replayRatio * static_cast<double>(reviewed.size()))));
    result.replayUsed = replayPerEpoch > 0;
    result.replayExamples = replayPerEpoch;
    // Replay notes know the base labels and every added label their data uses somewhere (finetune.h).
    std::vector<float> replayMask(config.labels.size(), 0.0f);
    for (std::size_t i = 0; i < config.labels.size(); ++i)
        replayMask[i] =
            labels.baseLabels.count(config.labels[i]) != 0 || replay.codes.count(config.labels[i]) != 0
                ? 1.0f
                : 0.0f;

    // Step 4: epochs of masked-loss Adam steps.
    std::vector<torch::Tensor> trainable;
    for (auto& p : network->module().parameters(true))
        if (p.requires_grad())
            trainable.push_back(p);
    torch::optim::Adam optimizer(trainable, torch::optim::AdamOptions(options.learningRate));
    EpochPlanner planner(options.seed, reviewed.size(), replay.examples.size(), replayPerEpoch);
    const std::size_t perEpoch = reviewed.size() + replayPerEpoch;
    const auto batchSize = static_cast<std::size_t>(options.batchSize);
    const std::size_t totalBatches =
        static_cast<std::size_t>(options.epochs) * ((perEpoch + batchSize - 1) / batchSize);
    std::size_t batchesDone = 0;
    for (int epoch = 1; epoch <= options.epochs; ++epoch) {
        const std::vector<std::size_t> order = planner.nextEpoch();
        network->module().train();
        double lossSum = 0.0;
        std::size_t batches = 0;
        for (std::size_t first = 0; first < order.size(); first += batchSize) {
            if (cancelled(callbacks)) {
                result.cancelled = true;
                result.seconds = elapsedSeconds();
                return result;
            }
            const std::size_t count = std::min(batchSize, order.size() - first);
            const Batch batch = makeBatch(order, first, count, reviewed, replay.examples, replayMask);
            auto loss = finetune::maskedBce(network->forward(batch.ids).logits, batch.targets, batch.mask);
            const double value = loss.item<double>();
            if (!std::isfinite(value))
                throw std::runtime_error("the fine-tuning loss became " + std::to_string(value) +
                                         " in epoch " + std::to_string(epoch) +
                                         " (learning rate too high?); nothing was written");
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            lossSum += value;
            ++batches;
            ++batchesDone;
            if (callbacks.progress) {
                FineTuneProgress p;
                p.phase = "train";
                p.epoch = epoch;
                p.epochs = options.epochs;
                p.examplesDone = first + count;
                p.examples = perEpoch;
                p.loss = lossSum / static_cast<double>(batches);
                p.fraction = static_cast<double>(batchesDone) /
                             static_cast<double>(std::max<std::size_t>(totalBatches, 1));
                p.etaSeconds = elapsedSeconds() / static_cast<double>(batchesDone) *
                               static_cast<double>(totalBatches - batchesDone);
                callbacks.progress(p);
            }
        }
        result.epochLoss.push_back(lossSum / static_cast<double>(std::max<std::size_t>(batches, 1)));
        note(callbacks, "epoch " + std::to_string(epoch) + ": mean masked loss " +
                            std::to_string(result.epochLoss.back()));
    }

    writeFineTunedModel(config, baseConfig, notes, options, vocabulary, *network, outDir, result, callbacks);
    result.seconds = elapsedSeconds();
    return result;
}

} // namespace fc
