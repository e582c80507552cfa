// fc::train: the authors' training loop (fusion-spec.md 1.4) around an fc::net::Network, as named steps:
//   startRun          options (a resume restores the trajectory), threads, the ranks' rendezvous
//   prepare*          label space, vocabulary, embeddings (trainer_prepare.cpp), or the saved state's
//   encode / stream   the data the loop needs: the batches, dev, priors, label frequencies
//   buildNetwork      network, initialisations, optimiser
//   restoreProgress   weights, Adam, RNG and history of a resumed run
//   synchroniseRanks  the ranks agree on the data and start from rank 0's weights
//   per epoch         trainEpoch (trainStep per global batch, gradients summed over the ranks) -> scoreDev ->
//                     closeEpoch (record, best model, resumable state; rank 0 writes)
#include "fc/model/dataset.h"
#include "fc/model/errors.h"
#include "fc/model/metrics.h"
#include "fc/model/neighbours.h"
#include "fc/model/training.h"

#include "torch/checkpoint.h"
#include "torch/distributed.h"
#include "torch/evidence_attention_loss.h"
#include "torch/label_init.h"
#include "torch/network.h"
#include "torch/trainer_batches.h"
#include "torch/trainer_data.h"
#include "torch/trainer_prepare.h"
#include "torch/trainer_records.h"
#include "torch/trainer_run.h"
#include "torch/trainer_state.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

namespace fc {

namespace {

using trainer::Run;
using trainer::TrainingData;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr const char* kStateFile = "state.pt";
constexpr const char* kLogFile = "train-log.jsonl";
constexpr const char* kSummaryFile = "training.json";

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

bool cancelled(const TrainCallbacks& callbacks) {
    return callbacks.cancel != nullptr && callbacks.cancel->load(std::memory_order_relaxed);
}

void note(const TrainCallbacks& callbacks, const std::string& message) {
    if (callbacks.message)
        callbacks.message(message);
}

void validate(const TrainOptions& o) {
    const auto& archs = knownArchitectures();
    if (std::find(archs.begin(), archs.end(), o.arch) == archs.end())
        throw InputError("unknown architecture '" + o.arch + "'");
    if (!(o.learningRate > 0.0) || !std::isfinite(o.learningRate))
        throw InputError("learning rate must be > 0");
    if (o.weightDecay < 0.0)
        throw InputError("weight decay must be >= 0");
    if (o.batchSize < 1)
        throw InputError("batch size must be >= 1");
    if (o.maxEpochs < 1)
        throw InputError("max epochs must be >= 1");
    if (o.patience < 1)
        throw InputError("patience must be >= 1");
    if (o.network.maxTokens < 1)
        throw InputError("max tokens must be >= 1");
    if (o.minDocumentFrequency < 1)
        throw InputError("min document frequency must be >= 1");
    if (!(o.positiveWeight > 0.0))
        throw InputError("positive weight must be > 0");
    if (o.embeddings == EmbeddingSource::File && o.embeddingsPath.empty())
        throw InputError("embeddings from a file need the file's path");
    if (o.arch == "drcaml" && o.descriptionsPath.empty())
        throw InputError("drcaml needs code descriptions (a `code<TAB>description` file)");
    if (o.arch == "cmemnn" && o.descriptionsPath.empty())
        throw InputError("cmemnn needs code descriptions for its memory (a `code<TAB>description` file)");
    if (o.descriptionInit && o.descriptionsPath.empty())
        throw InputError("description init needs code descriptions (a `code<TAB>description` file)");
    if (o.warmupEpochs < 0)
        throw InputError("warm-up epochs must be >= 0");
    if (!(o.evidenceAttentionWeight >= 0.0)) // issue #13
        throw InputError("evidence attention weight must be >= 0");
    if (o.lengthBucketBatches < 0)
        throw InputError("length bucket batches must be >= 0");
    if (o.retrievalPrior < 0 || o.retrievalPrior > 10000)
        throw InputError("retrieval prior neighbours must be in 0..10000");
    if (o.distributed.worldSize > 1 && o.batchSize < o.distributed.worldSize)
        throw InputError("the batch (" + std::to_string(o.batchSize) +
                         ") is the global batch: it needs at least "
                         "one note per rank (" +
                         std::to_string(o.distributed.worldSize) + " ranks)");
}

void validateStreaming(const TrainOptions& o) {
    if (o.embeddings == EmbeddingSource::TrainCbow)
        throw InputError("streaming training cannot train CBOW embeddings (they need every note at once): "
                         "train them first, or pass --embeddings");
    if (!o.corpusPaths.empty())
        throw InputError(
            "streaming training takes no --corpus (the vocabulary comes from the training file)");
    if (o.retrievalPrior > 0)
        throw InputError("streaming training cannot use the retrieval prior (its index holds every note)");
    if (o.evidenceAttentionWeight > 0.0)
        throw InputError("streaming training cannot use the evidence attention loss (it needs every note's "
                         "evidence spans in memory)");
    if (o.lengthBucketBatches > 1)
        throw InputError(
            "streaming training cannot group notes by length (its shuffle buffer decides the order)");
    if (o.arch == "hypercore")
        throw InputError("streaming training cannot fit HyperCore's code co-occurrence graph (it needs every "
                         "training note's codes before the first epoch)");
    if (o.shuffleBuffer < 1)
        throw InputError("the shuffle buffer must hold >= 1 note");
}

// Embedding tables of the network ([V+2, d]): the word representation and DR-CAML's description embedding.
std::vector<torch::Tensor> embeddingTables(net::Network& network) {
    std::vector<torch::Tensor> tables;
    for (const auto& p : network.module().named_parameters(true)) {
        const std::string& name = p.key();
        if (name == "word_rep.embed.weight" || name == "embed.weight" || name == "desc_embedding.weight" ||
            name == "embedding.embeddings.weight") // the last: LAAT/JointLAAT
            tables.push_back(p.value());
    }
    return tables;
}

// Options (a resume takes the saved trajectory), threads, work directory, and the ranks' rendezvous.
void startRun(Run& run, const TrainOptions& requested, const std::string& outDir,
              const TrainCallbacks& callbacks, bool resume) {
    validate(requested);
    run.options = requested;
    run.outDir = outDir;
    run.resume = resume;
    run.callbacks = &callbacks;
    const int threads = requested.threads > 0
                            ? requested.threads
                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(threads);
    run.workDir = trainingWorkDirectory(outDir);
    run.statePath = (fs::path(run.workDir) / kStateFile).string();
    run.collective = trainer::connectCollective(requested.distributed);
    if (run.distributed())
        note(callbacks, "rank " + std::to_string(run.collective->rank()) + " of " +
                            std::to_string(run.collective->worldSize()) + " joined the run");
    if (!resume)
        return;
    try {
        run.stateMeta = trainer::readTrainingStateMeta(run.statePath);
    } catch (const ModelError& error) {
        if (run.master())
            throw;
        throw ModelError(
            std::string(error.what()) +
            " (resuming a distributed run needs the work directory on storage every rank reads)");
    }
    const Json& saved = run.stateMeta.at("trajectory");
    if (saved.at("arch").get<std::string>() != run.options.arch)
        throw InputError("cannot resume: the saved training is '" + saved.at("arch").get<std::string>() +
                         "', not '" + run.options.arch + "'");
    trainer::applyTrajectory(saved, run.options);
    note(callbacks, "resuming after epoch " + std::to_string(run.stateMeta.at("epoch").get<int>()));
}

// The one-time fits of a fresh network from its training data (Network::fitLabelStatistics,
// setLabelDescriptions); they end up in the checkpoint's buffers.
void fitLabelData(Run& run, const TrainingData& data, const Vocabulary& vocabulary) {
    const ModelConfig& config = run.prepared.config;
    if (!data.train.notes.empty()) {
        std::vector<std::vector<std::int32_t>> labels;
        labels.reserve(data.train.notes.size());
        for (const auto& n : data.train.notes)
            labels.push_back(n.gold.labels);
        run.network->fitLabelStatistics(labels);
    }
    if (config.arch == "cmemnn") {
        const auto memories = run.network->setLabelDescriptions(trainer::descriptionIds(
            config.labels, trainer::readDescriptions(run.options.descriptionsPath), vocabulary));
        note(*run.callbacks, "memory: " + std::to_string(memories) + " of " +
                                 std::to_string(config.labels.size()) + " codes have a description");
    }
}

// Network (seeded), embeddings, optional initialisations of a fresh run, and Adam over the trainable tensors.
void buildNetwork(Run& run, const TrainingData& data) {
    const ModelConfig& config = run.prepared.config;
    const Vocabulary vocabulary(run.prepared.vocabulary);
    torch::manual_seed(run.options.seed);
    run.network = net::makeNetwork(config);
    {
        torch::NoGradGuard noGrad;
        for (auto& table : embeddingTables(*run.network)) {
            if (run.prepared.embeddings) {
                const EmbeddingMatrix& m = *run.prepared.embeddings;
                if (table.size(0) != m.rows || table.size(1) != m.dim)
                    throw ModelError("embedding matrix does not match the network");
                table.copy_(
                    torch::from_blob(const_cast<float*>(m.values.data()), {m.rows, m.dim}, torch::kFloat32));
            }
            if (!run.options.fineTuneEmbeddings)
                table.set_requires_grad(false);
        }
    }
    if (!run.resume && run.options.descriptionInit) {
        const auto rows = trainer::initialiseLabelRowsFromDescriptions(
            *run.network, vocabulary, trainer::readDescriptions(run.options.descriptionsPath));
        note(*run.callbacks, "description init: " + std::to_string(rows) + " of " +
                                 std::to_string(config.labels.size()) +
                                 " codes start from their description");
    }
    if (!run.resume && run.options.frequencyBias)
        trainer::initialiseBiasesFromFrequencies(*run.network, data.positives, data.trainNotes);
    if (!run.resume) // HyperCore's co-occurrence graph and hierarchy embedding; C-MemNN's memory
        fitLabelData(run, data, vocabulary);
    if (config.arch == "drcaml")
        run.descriptions = trainer::descriptionIds(
            config.labels, trainer::readDescriptions(run.options.descriptionsPath), vocabulary);
    for (auto& p : run.network->module().parameters(true))
        if (p.requires_grad())
            run.trainable.push_back(p);
    run.optimizer = std::make_unique<torch::optim::Adam>(
        run.trainable,
        torch::optim::AdamOptions(run.options.learningRate).weight_decay(run.options.weightDecay));
    if (run.options.positiveWeight != 1.0)
        run.positiveWeight =
            torch::full({static_cast<std::int64_t>(config.labels.size())}, run.options.positiveWeight);
}

// A resumed run's weights, Adam state, RNG and history. False when the saved run had already stopped early.
bool restoreProgress(Run& run) {
    run.shuffleRng.seed(run.options.seed);
    if (!run.resume)
        return true;
    trainer::restoreTrainingState(run.statePath, *run.network, *run.optimizer);
    std::istringstream rngState(run.stateMeta.at("shuffle_rng").get<std::string>());
    rngState >> run.shuffleRng;
    TrainResult& result = run.result;
    for (const auto& record : run.stateMeta.at("history"))
        result.history.push_back(trainer::recordFromJson(record));
    for (const auto& record : result.history)
        run.criterionHistory.push_back(record.criterion);
    run.firstEpoch = run.stateMeta.at("epoch").get<int>() + 1;
    result.epochs = run.firstEpoch - 1;
    const int best = bestEpochIndex(run.criterionHistory);
    if (best >= 0) {
        result.bestEpoch = best + 1;
        result.bestCriterion = run.criterionHistory[static_cast<std::size_t>(best)];
    }
    result.threshold = run.stateMeta.value("threshold", 0.5f);
    if (shouldStopEarly(run.criterionHistory, run.options.patience)) {
        result.stoppedEarly = true;
        note(*run.callbacks, "the saved training had already stopped early");
        return false;
    }
    return true;
}

// Copies every parameter into (toFlat) or out of one contiguous float buffer.
void copyParameters(const std::vector<torch::Tensor>& parameters, torch::Tensor& flat, bool toFlat) {
    torch::NoGradGuard noGrad;
    std::int64_t offset = 0;
    for (const auto& p : parameters) {
        auto part = flat.narrow(0, offset, p.numel());
        if (toFlat)
            part.copy_(p.detach().reshape(-1));
        else
            p.detach().view(-1).copy_(part);
        offset += p.numel();
    }
}

std::int64_t elementCount(const std::vector<torch::Tensor>& tensors) {
    std::int64_t total = 0;
    for (const auto& t : tensors)
        total += t.numel();
    return total;
}

// Every rank must train on the same data with the same settings, from the same weights (rank 0's).
void synchroniseRanks(Run& run, const TrainingData& data) {
    if (!run.distributed())
        return;
    const auto world = static_cast<double>(run.collective->worldSize());
    const auto mine = torch::tensor(
        {static_cast<double>(data.trainNotes), static_cast<double>(data.dev.notes.size()),
         static_cast<double>(run.labelCount()), static_cast<double>(run.prepared.vocabulary.size()),
         static_cast<double>(run.options.batchSize), static_cast<double>(run.firstEpoch),
         static_cast<double>(run.options.seed % 1000003)},
        torch::kFloat64);
    auto total = mine.clone();
    run.collective->sum(total, "consistency check");
    if (!torch::equal(total, mine * world))
        throw InputError("rank " + std::to_string(run.collective->rank()) +
                         ": the ranks disagree on the training notes, dev notes, labels, vocabulary, batch, "
                         "seed or resume epoch: every rank must read the same files with the same options");
    std::vector<torch::Tensor> parameters;
    for (const auto& p : run.network->module().parameters(true))
        parameters.push_back(p);
    auto flat = torch::empty({elementCount(parameters)}, torch::kFloat32);
    copyParameters(parameters, flat, true);
    run.collective->broadcastFromMaster(flat, "weight broadcast");
    copyParameters(parameters, flat, false);
}

// The loss of one batch of notes, padded to `padTo` tokens: mean BCE-with-logits (+ DR-CAML's description
// regulariser). Extra loss terms of the training step belong here.
torch::Tensor batchLoss(Run& run, const TrainingData& data, const trainer::Batch& notes, std::size_t padTo) {
    const auto ids = trainer::paddedIds(notes, padTo);
    const auto targets = trainer::multiHot(notes, run.labelCount());
    auto out = run.network->forward(ids);
    if (!data.trainVotes.empty())
        out.logits = out.logits + trainer::priorBatch(notes, data.trainVotes, run.labelCount());
    namespace F = torch::nn::functional;
    auto loss = run.positiveWeight.defined()
                    ? F::binary_cross_entropy_with_logits(
                          out.logits, targets,
                          F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(run.positiveWeight))
                    : F::binary_cross_entropy_with_logits(out.logits, targets);
    if (!run.descriptions.empty())
        loss = loss + run.network->descriptionLoss(targets, run.descriptions);
    loss = loss + run.network->auxiliaryLoss(targets); // JointLAAT's parent-level loss; 0 for the others
    if (!data.evidenceBySource.empty()) {              // issue #13: evidence-supervised label attention
        std::vector<const trainer::NoteEvidence*> evidence;
        evidence.reserve(notes.size());
        for (const auto* n : notes)
            evidence.push_back(&data.evidenceBySource.at(n->source));
        loss = loss +
               run.options.evidenceAttentionWeight * trainer::evidenceAttentionLoss(out.attention, evidence);
    }
    return loss;
}

// Sums the ranks' gradients, their losses and their stop flags in one buffer (one all-reduce per step).
// False when some rank was cancelled.
bool sumOverRanks(Run& run, double& loss, bool stop) {
    const std::int64_t total = elementCount(run.trainable);
    auto flat = torch::zeros({total + 2}, torch::kFloat32);
    std::int64_t offset = 0;
    for (const auto& p : run.trainable) {
        if (p.grad().defined())
            flat.narrow(0, offset, p.numel()).copy_(p.grad().reshape(-1));
        offset += p.numel();
    }
    flat[total].fill_(loss);
    flat[total + 1].fill_(stop ? 1.0 : 0.0);
    run.collective->sum(flat, "gradient all-reduce");
    if (flat[total + 1].item<float>() > 0.0f)
        return false;
    loss = flat[total].item<double>();
    offset = 0;
    for (auto& p : run.trainable) {
        auto summed = flat.narrow(0, offset, p.numel()).view_as(p);
        if (p.grad().defined())
            p.mutable_grad().copy_(summed);
        else
            p.mutable_grad() = summed.clone();
        offset += p.numel();
    }
    return true;
}

// One optimisation step on a global batch: this rank's slice, its share of the mean loss, gradients summed
// over the ranks, Adam. Returns the global batch's mean loss; nullopt when cancelled (no step taken).
std::optional<double> trainStep(Run& run, const TrainingData& data, const trainer::Batch& global, int epoch,
                                std::size_t step, std::size_t batches) {
    const bool stop = cancelled(*run.callbacks);
    if (stop && !run.distributed())
        return std::nullopt;
    const trainer::Batch local =
        run.distributed() ? trainer::rankSlice(global, run.collective->rank(), run.collective->worldSize())
                          : global;
    run.optimizer->zero_grad();
    double loss = 0.0;
    if (!local.empty() && !stop) {
        auto share = batchLoss(run, data, local, trainer::longestNote(global));
        if (run.distributed())
            share = share * (static_cast<double>(local.size()) / static_cast<double>(global.size()));
        share.backward();
        loss = share.item<double>();
    }
    if (run.distributed() && !sumOverRanks(run, loss, stop))
        return std::nullopt;
    if (!std::isfinite(loss))
        throw std::runtime_error("the training loss became " + std::to_string(loss) + " in epoch " +
                                 std::to_string(epoch) + ", batch " + std::to_string(step + 1) +
                                 " (learning rate too high, or network options out of range); the last "
                                 "complete epoch is kept");
    if (run.options.warmupEpochs > 0) {
        const double done = static_cast<double>(static_cast<std::size_t>(epoch - 1) * batches + step + 1);
        const double ramp = static_cast<double>(static_cast<std::size_t>(run.options.warmupEpochs) * batches);
        for (auto& group : run.optimizer->param_groups())
            static_cast<torch::optim::AdamOptions&>(group.options())
                .lr(run.options.learningRate * std::min(1.0, done / ramp));
    }
    run.optimizer->step();
    return loss;
}

// One pass over the training batches. Returns the epoch's mean loss; nullopt when cancelled.
std::optional<double> trainEpoch(Run& run, TrainingData& data, int epoch) {
    const auto start = Clock::now();
    const std::size_t batches = run.batchesPerEpoch(data);
    data.batches->startEpoch(run.shuffleRng);
    run.network->module().train();
    double lossSum = 0.0;
    std::size_t examples = 0, step = 0;
    trainer::Batch global;
    for (; data.batches->next(global); ++step) {
        const auto loss = trainStep(run, data, global, epoch, step, batches);
        if (!loss)
            return std::nullopt;
        lossSum += *loss;
        examples += global.size();
        if (run.callbacks->progress) {
            const double elapsed = secondsSince(start);
            TrainProgress p;
            p.phase = "train";
            p.epoch = epoch;
            p.maxEpochs = run.options.maxEpochs;
            p.batch = static_cast<int>(step + 1);
            p.batches = static_cast<int>(batches);
            p.examplesPerSecond = elapsed > 0.0 ? static_cast<double>(examples) / elapsed : 0.0;
            p.loss = lossSum / static_cast<double>(step + 1);
            p.etaSeconds = elapsed / static_cast<double>(step + 1) *
                           static_cast<double>(batches > step + 1 ? batches - step - 1 : 0);
            run.callbacks->progress(p);
        }
    }
    return lossSum / static_cast<double>(std::max<std::size_t>(step, 1));
}

// Dev scores, every note alone (batch 1, as the authors evaluate; padding would change the scores). Each
// rank scores every worldSize-th note and the ranks sum their (disjoint) rows. nullopt when cancelled.
std::optional<ScoreMatrix> scoreDev(Run& run, const TrainingData& data, int epoch) {
    const auto& notes = data.dev.notes;
    const auto labels = run.labelCount();
    const auto rank = static_cast<std::size_t>(run.collective->rank());
    const auto world = static_cast<std::size_t>(run.collective->worldSize());
    run.network->module().eval();
    ScoreMatrix scores(notes.size(), labels);
    {
        torch::InferenceMode inference;
        for (std::size_t d = rank; d < notes.size(); d += world) {
            if (!run.distributed() && cancelled(*run.callbacks))
                return std::nullopt;
            const auto ids =
                torch::from_blob(const_cast<std::int64_t*>(notes[d].ids.data()),
                                 {1, static_cast<std::int64_t>(notes[d].ids.size())}, torch::kInt64);
            auto logits = run.network->forward(ids).logits;
            if (!data.devVotes.empty())
                logits = logits + trainer::priorBatch({&notes[d]}, data.devVotes, labels);
            const auto probabilities = torch::sigmoid(logits).contiguous();
            std::copy_n(probabilities.data_ptr<float>(), labels, scores.row(d));
            if (run.callbacks->progress && (d + 1) % 16 == 0) {
                TrainProgress p;
                p.phase = "dev";
                p.epoch = epoch;
                p.maxEpochs = run.options.maxEpochs;
                p.batch = static_cast<int>(d + 1);
                p.batches = static_cast<int>(notes.size());
                run.callbacks->progress(p);
            }
        }
    }
    if (run.distributed()) {
        auto all = torch::from_blob(scores.values.data(), {static_cast<std::int64_t>(scores.values.size())},
                                    torch::kFloat32);
        run.collective->sum(all, "dev score exchange");
    }
    return scores;
}

// The log, the resumable state and the summary of this epoch (rank 0); the model directory is already
// complete when these are written.
void writeEpochFiles(const Run& run) {
    const TrainResult& result = run.result;
    const std::string log = trainer::logText(result.history);
    trainer::writeTextAtomically((fs::path(run.workDir) / kLogFile).string(), log);
    Json meta;
    meta["format"] = "fusioncoder-training-state";
    meta["epoch"] = result.epochs;
    meta["trajectory"] = trainer::trajectoryOptions(run.options);
    meta["config"] = trainer::configToJson(run.prepared.config);
    meta["vocabulary"] = run.prepared.vocabulary;
    std::ostringstream rngState;
    rngState << run.shuffleRng;
    meta["shuffle_rng"] = rngState.str();
    meta["threshold"] = result.threshold;
    meta["history"] = Json::array();
    for (const auto& r : result.history)
        meta["history"].push_back(trainer::recordToJson(r));
    trainer::saveTrainingState(run.statePath, *run.network, *run.optimizer, meta);

    const Json summary = {{"preset", run.options.preset},
                          {"criterion", result.criterion},
                          {"epochs", result.epochs},
                          {"best_epoch", result.bestEpoch},
                          {"best_criterion", result.bestCriterion},
                          {"threshold", result.threshold},
                          {"stopped_early", result.stoppedEarly},
                          {"train_documents", result.trainDocuments},
                          {"train_skipped", result.trainSkipped},
                          {"dev_documents", result.devDocuments},
                          {"dev_skipped", result.devSkipped},
                          {"max_tokens", run.prepared.config.options.maxTokens},
                          {"options", trainer::trajectoryOptions(run.options)},
                          {"max_epochs", run.options.maxEpochs},
                          {"patience", run.options.patience}};
    trainer::writeTextAtomically((fs::path(run.workDir) / kSummaryFile).string(), summary.dump(2) + "\n");
    if (result.bestEpoch > 0 && fs::is_directory(run.outDir)) {
        trainer::writeTextAtomically((fs::path(run.outDir) / kLogFile).string(), log);
        trainer::writeTextAtomically((fs::path(run.outDir) / kSummaryFile).string(), summary.dump(2) + "\n");
    }
}

// Metrics, criterion and early stopping of the epoch (every rank, from the same scores); a new best writes
// the model directory with its dev-tuned threshold. Rank 0 writes.
EpochRecord closeEpoch(Run& run, const TrainingData& data, int epoch, double loss,
                       const ScoreMatrix& devScores, Clock::time_point start) {
    TrainResult& result = run.result;
    ModelConfig& config = run.prepared.config;
    EvalMetrics metrics = computeMetrics(devScores, data.devGold);
    metrics.n_skipped = static_cast<std::int64_t>(data.dev.skipped);
    EpochRecord record;
    record.epoch = epoch;
    record.trainLoss = loss;
    record.devMetrics = trainer::metricValues(metrics);
    record.criterion = record.devMetrics.at(result.criterion);
    run.criterionHistory.push_back(record.criterion);
    record.improved = bestEpochIndex(run.criterionHistory) == epoch - 1;
    if (record.improved) {
        const ThresholdChoice tuned = tuneThreshold(devScores, data.devGold);
        // model.json requires a threshold in (0, 1); the sweep's end points 0 ("every code") and 1 ("none")
        // become the nearest values that keep that meaning for sigmoid scores.
        config.threshold = std::clamp(tuned.threshold, 1e-6f, 1.0f - 1e-6f);
        config.placeholder = false;
        if (run.master())
            net::writeModelDirectory(config, run.prepared.vocabulary, *run.network, run.outDir);
        result.bestEpoch = epoch;
        result.bestCriterion = record.criterion;
        result.threshold = config.threshold;
        note(*run.callbacks, "epoch " + std::to_string(epoch) + ": new best " + result.criterion + " " +
                                 std::to_string(record.criterion) + ", threshold " +
                                 std::to_string(config.threshold) + " (dev micro-F1 " +
                                 std::to_string(tuned.f1) + ")");
    }
    record.seconds = secondsSince(start);
    result.history.push_back(record);
    result.epochs = epoch;
    result.stoppedEarly = shouldStopEarly(run.criterionHistory, run.options.patience);
    if (run.master())
        writeEpochFiles(run);
    return record;
}

void runEpochs(Run& run, TrainingData& data) {
    for (int epoch = run.firstEpoch; epoch <= run.options.maxEpochs; ++epoch) {
        const auto start = Clock::now();
        const auto loss = trainEpoch(run, data, epoch);
        const auto devScores = loss ? scoreDev(run, data, epoch) : std::nullopt;
        if (!devScores) {
            run.result.cancelled = true;
            return;
        }
        const EpochRecord record = closeEpoch(run, data, epoch, *loss, *devScores, start);
        if (run.callbacks->epochDone)
            run.callbacks->epochDone(record);
        if (run.result.stoppedEarly) {
            note(*run.callbacks, "early stop: no new best " + run.result.criterion + " for " +
                                     std::to_string(run.options.patience) + " epochs");
            return;
        }
    }
}

// issue #13: the gold attention positions of every training note with evidence (by note.source), for the
// evidence attention loss; needs the network's geometry (tokens per attention position).
void attachEvidenceTargets(Run& run, TrainingData& data, const std::vector<Document>& trainSet) {
    if (run.options.evidenceAttentionWeight <= 0.0)
        return;
    const auto byNote = trainer::evidencePositions(trainSet, data.train.notes, run.prepared.config.labels,
                                                   run.network->geometry().tokensPerPosition,
                                                   run.prepared.config.options.maxTokens);
    data.evidenceBySource.assign(trainSet.size(), {});
    for (std::size_t i = 0; i < byNote.size(); ++i)
        data.evidenceBySource[data.train.notes[i].source] = byNote[i];
    note(*run.callbacks, "evidence attention loss: " + std::to_string(trainer::evidencePairCount(byNote)) +
                             " (note, code) pairs with evidence");
}

// The steps after the data: network, resumed progress, the ranks' agreement, the epochs. `trainSet` (in
// memory training only) gives the evidence spans.
TrainResult trainPrepared(Run& run, TrainingData& data, const std::vector<Document>* trainSet = nullptr) {
    TrainResult& result = run.result;
    result.criterion = effectiveCriterion(run.options.criterion, run.labelCount());
    result.trainDocuments = data.trainNotes;
    result.trainSkipped = data.trainSkipped;
    result.devDocuments = data.dev.notes.size();
    result.devSkipped = data.dev.skipped;
    result.labels = run.labelCount();
    result.vocabulary = run.prepared.vocabulary.size();
    if (!data.batches)
        data.batches =
            trainer::inMemoryBatches(data.train.notes, static_cast<std::size_t>(run.options.batchSize),
                                     static_cast<std::size_t>(std::max(run.options.lengthBucketBatches, 0)));
    buildNetwork(run, data);
    if (trainSet)
        attachEvidenceTargets(run, data, *trainSet);
    if (!restoreProgress(run))
        return result;
    try {
        synchroniseRanks(run, data);
        runEpochs(run, data);
    } catch (const trainer::PeerLost& lost) {
        throw trainer::PeerLost(std::string(lost.what()) + "; the last complete epoch's state is in " +
                                run.workDir + " (continue with --resume)");
    }
    return result;
}

} // namespace

TrainResult train(const TrainOptions& requested, const std::vector<Document>& trainSet,
                  const std::vector<Document>& devSet, const std::string& outDir,
                  const TrainCallbacks& callbacks, bool resume) {
    Run run;
    startRun(run, requested, outDir, callbacks, resume);
    const auto trainTokens = trainer::tokenTexts(trainSet);
    run.prepared = resume ? trainer::restoredModel(run.stateMeta)
                          : trainer::prepareModel(run.options, trainSet, devSet, trainTokens, callbacks);
    TrainingData data = encodeInMemory(run, trainSet, devSet, trainTokens);
    return trainPrepared(run, data, &trainSet);
}

TrainResult trainStreaming(const TrainOptions& requested, const std::string& trainPath,
                           const std::vector<Document>& devSet, const std::string& outDir,
                           const TrainCallbacks& callbacks, bool resume) {
    validateStreaming(requested);
    Run run;
    startRun(run, requested, outDir, callbacks, resume);
    try {
        run.prepared = resume ? trainer::restoredModel(run.stateMeta)
                              : trainer::prepareModelFromCounts(
                                    run.options, trainer::countTrainingFile(trainPath, callbacks.cancel),
                                    devSet, callbacks);
    } catch (const Cancelled&) {
        run.result.cancelled = true;
        return run.result;
    }
    TrainingData data = openStream(run, trainPath, devSet);
    trainer::StreamingSpec spec;
    spec.path = trainPath;
    spec.batchSize = static_cast<std::size_t>(run.options.batchSize);
    spec.bufferNotes = static_cast<std::size_t>(run.options.shuffleBuffer);
    spec.notesPerEpoch = data.trainNotes;
    spec.maxTokens = run.prepared.config.options.maxTokens;
    const Vocabulary vocabulary(run.prepared.vocabulary);
    data.batches = trainer::streamingBatches(spec, vocabulary, run.prepared.config.labels);
    return trainPrepared(run, data);
}

} // namespace fc
