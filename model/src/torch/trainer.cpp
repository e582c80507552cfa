// fc::train: the authors' training loop (fusion-spec.md 1.4) around an fc::net::Network.
#include "fc/model/dataset.h"
#include "fc/model/embeddings.h"
#include "fc/model/errors.h"
#include "fc/model/metrics.h"
#include "fc/model/neighbours.h"
#include "fc/model/training.h"

#include "atomic_file.h"
#include "torch/checkpoint.h"
#include "torch/evidence_attention_loss.h"
#include "torch/label_init.h"
#include "torch/network.h"
#include "torch/trainer_data.h"
#include "torch/trainer_state.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <limits>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

namespace fc {

namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr const char* kStateFile = "state.pt";
constexpr const char* kLogFile = "train-log.jsonl";
constexpr const char* kSummaryFile = "training.json";

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string utcStamp(const char* format) {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, format, &tm);
    return buffer;
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
    if (o.descriptionInit && o.descriptionsPath.empty())
        throw InputError("description init needs code descriptions (a `code<TAB>description` file)");
    if (o.warmupEpochs < 0)
        throw InputError("warm-up epochs must be >= 0");
    if (!(o.evidenceAttentionWeight >= 0.0)) // issue #13
        throw InputError("evidence attention weight must be >= 0");
    if (o.retrievalPrior < 0 || o.retrievalPrior > 10000)
        throw InputError("retrieval prior neighbours must be in 0..10000");
}

// Metric name -> value (interfaces.md names); absent AUCs are NaN.
std::map<std::string, double> metricValues(const EvalMetrics& m) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {
        {"macro_auc", m.macro_auc.value_or(nan)},
        {"micro_auc", m.micro_auc.value_or(nan)},
        {"macro_f1", m.macro_f1},
        {"macro_f1_per_code", m.macro_f1_per_code},
        {"micro_f1", m.micro_f1},
        {"p_at_5", m.p_at_5},
        {"p_at_8", m.p_at_8},
        {"p_at_15", m.p_at_15},
        {"map", m.map},
        {"n_docs", static_cast<double>(m.n_docs)},
        {"n_skipped", static_cast<double>(m.n_skipped)},
    };
}

Json recordToJson(const EpochRecord& r) {
    Json metrics = Json::object();
    for (const auto& [name, value] : r.devMetrics)
        metrics[name] = std::isnan(value) ? Json(nullptr) : Json(value);
    return {{"epoch", r.epoch},         {"train_loss", r.trainLoss}, {"seconds", r.seconds},
            {"criterion", r.criterion}, {"improved", r.improved},    {"dev", metrics}};
}

EpochRecord recordFromJson(const Json& j) {
    EpochRecord r;
    r.epoch = j.at("epoch").get<int>();
    r.trainLoss = j.at("train_loss").get<double>();
    r.seconds = j.at("seconds").get<double>();
    r.criterion = j.at("criterion").is_null() ? std::numeric_limits<double>::quiet_NaN()
                                              : j.at("criterion").get<double>();
    r.improved = j.at("improved").get<bool>();
    for (const auto& item : j.at("dev").items())
        r.devMetrics[item.key()] =
            item.value().is_null() ? std::numeric_limits<double>::quiet_NaN() : item.value().get<double>();
    return r;
}

Json networkOptionsToJson(const NetworkOptions& n) {
    return {{"embedding_dim", n.embeddingDim},
            {"filter_sizes", n.filterSizes},
            {"filter_maps", n.filterMaps},
            {"dropout", n.dropout},
            {"pool_size", n.poolSize},
            {"heads", n.heads},
            {"ffn_dim", n.ffnDim},
            {"authors_heads", n.authorsHeads},
            {"max_tokens", n.maxTokens},
            {"caml_kernel", n.camlKernel},
            {"caml_filter_maps", n.camlFilterMaps},
            {"drcaml_lambda", n.drcamlLambda}};
}

NetworkOptions networkOptionsFromJson(const Json& j) {
    NetworkOptions n;
    n.embeddingDim = j.at("embedding_dim").get<std::int64_t>();
    n.filterSizes = j.at("filter_sizes").get<std::vector<std::int64_t>>();
    n.filterMaps = j.at("filter_maps").get<std::int64_t>();
    n.dropout = j.at("dropout").get<double>();
    n.poolSize = j.at("pool_size").get<std::int64_t>();
    n.heads = j.at("heads").get<std::int64_t>();
    n.ffnDim = j.at("ffn_dim").get<std::int64_t>();
    n.authorsHeads = j.at("authors_heads").get<bool>();
    n.maxTokens = j.at("max_tokens").get<std::int64_t>();
    n.camlKernel = j.at("caml_kernel").get<std::int64_t>();
    n.camlFilterMaps = j.at("caml_filter_maps").get<std::int64_t>();
    n.drcamlLambda = j.at("drcaml_lambda").get<double>();
    return n;
}

// The settings that must not change across a resume (they define the optimisation trajectory).
Json trajectoryOptions(const TrainOptions& o) {
    return {{"preset", o.preset},
            {"arch", o.arch},
            {"learning_rate", o.learningRate},
            {"weight_decay", o.weightDecay},
            {"batch_size", o.batchSize},
            {"seed", o.seed},
            {"criterion", o.criterion},
            {"positive_weight", o.positiveWeight},
            {"fine_tune_embeddings", o.fineTuneEmbeddings},
            {"description_init", o.descriptionInit},
            {"frequency_bias", o.frequencyBias},
            {"warmup_epochs", o.warmupEpochs},
            {"retrieval_prior", o.retrievalPrior},
            {"evidence_attention_weight", o.evidenceAttentionWeight}};
}

void writeTextAtomically(const std::string& path, const std::string& text) {
    AtomicFile file(path);
    file.stream() << text;
    file.commit();
}

std::string logText(const std::vector<EpochRecord>& history) {
    std::string text;
    for (const auto& record : history)
        text += recordToJson(record).dump() + "\n";
    return text;
}

// Fisher-Yates with a fixed formula (std::shuffle's algorithm is implementation-defined).
void shuffle(std::vector<std::size_t>& order, std::mt19937_64& rng) {
    for (std::size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[static_cast<std::size_t>(rng() % i)]);
}

// Embedding tables of the network ([V+2, d]): the word representation and DR-CAML's description embedding.
std::vector<torch::Tensor> embeddingTables(net::Network& network) {
    std::vector<torch::Tensor> tables;
    for (const auto& p : network.module().named_parameters(true)) {
        const std::string& name = p.key();
        if (name == "word_rep.embed.weight" || name == "embed.weight" || name == "desc_embedding.weight")
            tables.push_back(p.value());
    }
    return tables;
}

struct PreparedModel {
    ModelConfig config;
    std::vector<std::string> vocabulary;
    std::optional<EmbeddingMatrix> embeddings; // absent: keep the network's random unit rows
};

PreparedModel prepareModel(const TrainOptions& options, const std::vector<Document>& trainSet,
                           const std::vector<Document>& devSet,
                           const std::vector<std::vector<std::string>>& trainTokens,
                           const TrainCallbacks& callbacks) {
    PreparedModel prepared;
    ModelConfig& config = prepared.config;
    config.name = options.modelName.empty() ? options.preset + " model" : options.modelName;
    config.version = options.modelVersion.empty() ? utcStamp("%Y.%m.%d-%H%M") : options.modelVersion;
    config.arch = options.arch;
    config.language = options.language;
    config.options = options.network;
    config.labels = trainer::chooseLabels(options, trainSet, devSet);
    note(callbacks, std::to_string(config.labels.size()) + " labels");

    if (options.embeddings == EmbeddingSource::File) {
        const WordVectors vectors = readEmbedFile(options.embeddingsPath);
        for (const auto& word : vectors.words)
            if (word != "**PAD**" && word != "**UNK**")
                prepared.vocabulary.push_back(word);
        const Vocabulary vocabulary(prepared.vocabulary);
        prepared.vocabulary = vocabulary.words();
        EmbeddingAlignment report;
        prepared.embeddings =
            alignEmbeddings(vectors, vocabulary, static_cast<std::uint32_t>(options.seed), &report);
        config.options.embeddingDim = vectors.dim;
        note(callbacks, "embeddings " + options.embeddingsPath + ": " + std::to_string(vocabulary.size()) +
                            " words, dimension " + std::to_string(vectors.dim));
    } else {
        std::vector<std::string> corpusTexts = trainer::readCorpusTexts(options.corpusPaths);
        std::vector<std::vector<std::string>> corpusTokens;
        if (!corpusTexts.empty()) {
            std::vector<Document> corpusDocs(corpusTexts.size());
            for (std::size_t i = 0; i < corpusTexts.size(); ++i)
                corpusDocs[i].text = corpusTexts[i];
            corpusTokens = trainer::tokenTexts(corpusDocs);
        }
        prepared.vocabulary =
            trainer::frequentWords({&trainTokens, &corpusTokens}, options.minDocumentFrequency);
        if (prepared.vocabulary.empty())
            throw InputError("no word occurs in " + std::to_string(options.minDocumentFrequency) +
                             " training documents: the vocabulary is empty");
        note(callbacks, "vocabulary: " + std::to_string(prepared.vocabulary.size()) +
                            " words in >= " + std::to_string(options.minDocumentFrequency) + " documents (" +
                            std::to_string(trainTokens.size()) + " training + " +
                            std::to_string(corpusTokens.size()) + " corpus)");
        if (options.embeddings == EmbeddingSource::TrainCbow) {
            std::vector<std::string> texts;
            texts.reserve(trainSet.size() + corpusTexts.size());
            for (const auto& doc : trainSet)
                texts.push_back(doc.text);
            for (auto& text : corpusTexts)
                texts.push_back(std::move(text));
            CbowOptions cbow;
            cbow.dim = static_cast<int>(options.network.embeddingDim);
            cbow.epochs = options.cbowEpochs;
            cbow.seed = static_cast<int>(options.seed);
            cbow.threads = 1; // reproducible vectors
            const auto start = Clock::now();
            const WordVectors vectors = trainCbow(
                texts, cbow,
                [&](double fraction) {
                    if (!callbacks.progress)
                        return;
                    TrainProgress p;
                    p.phase = "embeddings";
                    p.loss = fraction;
                    p.etaSeconds = fraction > 0.0 ? secondsSince(start) * (1.0 - fraction) / fraction : 0.0;
                    callbacks.progress(p);
                },
                callbacks.cancel);
            EmbeddingAlignment report;
            prepared.embeddings = alignEmbeddings(vectors, Vocabulary(prepared.vocabulary),
                                                  static_cast<std::uint32_t>(options.seed), &report);
            note(callbacks, "CBOW embeddings trained on " + std::to_string(texts.size()) + " documents in " +
                                std::to_string(static_cast<int>(secondsSince(start))) + " s; " +
                                std::to_string(report.missing) + " vocabulary words without a vector");
        }
    }
    config.vocabularySize = static_cast<std::int64_t>(prepared.vocabulary.size());
    return prepared;
}

Json configToJson(const ModelConfig& c) {
    return {{"name", c.name},         {"version", c.version}, {"arch", c.arch},
            {"language", c.language}, {"labels", c.labels},   {"options", networkOptionsToJson(c.options)}};
}

ModelConfig configFromJson(const Json& j) {
    ModelConfig c;
    c.name = j.at("name").get<std::string>();
    c.version = j.at("version").get<std::string>();
    c.arch = j.at("arch").get<std::string>();
    c.language = j.at("language").get<std::string>();
    c.labels = j.at("labels").get<std::vector<std::string>>();
    c.options = networkOptionsFromJson(j.at("options"));
    return c;
}

} // namespace

TrainResult train(const TrainOptions& requested, const std::vector<Document>& trainSet,
                  const std::vector<Document>& devSet, const std::string& outDir,
                  const TrainCallbacks& callbacks, bool resume) {
    validate(requested);
    TrainOptions options = requested;
    const int threads = options.threads > 0
                            ? options.threads
                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(threads);

    const std::string workDir = trainingWorkDirectory(outDir);
    const std::string statePath = (fs::path(workDir) / kStateFile).string();

    // --- data, label space, vocabulary, embeddings ---
    const auto trainTokens = trainer::tokenTexts(trainSet);
    Json stateMeta;
    PreparedModel prepared;
    if (resume) {
        stateMeta = trainer::readTrainingStateMeta(statePath);
        const Json& saved = stateMeta.at("trajectory");
        if (saved.at("arch").get<std::string>() != options.arch)
            throw InputError("cannot resume: the saved training is '" + saved.at("arch").get<std::string>() +
                             "', not '" + options.arch + "'");
        options.preset = saved.at("preset").get<std::string>();
        options.learningRate = saved.at("learning_rate").get<double>();
        options.weightDecay = saved.at("weight_decay").get<double>();
        options.batchSize = saved.at("batch_size").get<int>();
        options.seed = saved.at("seed").get<std::uint64_t>();
        options.criterion = saved.at("criterion").get<std::string>();
        options.positiveWeight = saved.at("positive_weight").get<double>();
        options.fineTuneEmbeddings = saved.at("fine_tune_embeddings").get<bool>();
        options.warmupEpochs = saved.value("warmup_epochs", 0);
        options.retrievalPrior = saved.value("retrieval_prior", 0);
        options.evidenceAttentionWeight = saved.value("evidence_attention_weight", 0.0); // issue #13
        prepared.config = configFromJson(stateMeta.at("config"));
        prepared.vocabulary = stateMeta.at("vocabulary").get<std::vector<std::string>>();
        prepared.config.vocabularySize = static_cast<std::int64_t>(prepared.vocabulary.size());
        note(callbacks, "resuming after epoch " + std::to_string(stateMeta.at("epoch").get<int>()));
    } else {
        prepared = prepareModel(options, trainSet, devSet, trainTokens, callbacks);
    }
    ModelConfig& config = prepared.config;
    const Vocabulary vocabulary(prepared.vocabulary);
    const std::int64_t maxTokens = config.options.maxTokens;

    const trainer::EncodedSet trainData =
        trainer::encode(trainSet, trainTokens, vocabulary, config.labels, maxTokens);
    const trainer::EncodedSet devData =
        trainer::encode(devSet, trainer::tokenTexts(devSet), vocabulary, config.labels, maxTokens);
    if (trainData.notes.empty())
        throw InputError("no training document has a code in the label space");
    if (devData.notes.empty())
        throw InputError("no dev document has a code in the label space");
    note(callbacks, "train: " + std::to_string(trainData.notes.size()) + " documents (" +
                        std::to_string(trainData.skipped) + " without a label skipped, " +
                        std::to_string(trainData.truncated) + " truncated to " + std::to_string(maxTokens) +
                        " tokens); dev: " + std::to_string(devData.notes.size()) + " documents (" +
                        std::to_string(devData.skipped) + " skipped, " + std::to_string(devData.truncated) +
                        " truncated)");

    fs::create_directories(workDir);

    // Retrieval prior: the index of the training notes (kept in the work dir, copied into every written
    // model) and the sparse votes of every train (leave-one-out) and dev note.
    std::vector<trainer::SparseVotes> trainVotes, devVotes;
    if (options.retrievalPrior > 0) {
        const auto indexPath = (fs::path(workDir) / "neighbours.tsv").string();
        const NeighbourIndex index = NeighbourIndex::build(trainSet);
        index.save(indexPath);
        config.retrieval.mode = "prior";
        config.retrieval.neighbours = options.retrievalPrior;
        config.retrieval.weight = 0.0f;
        config.retrieval.indexPath = indexPath;
        std::unordered_map<std::string, std::int32_t> labelIndex;
        for (std::size_t i = 0; i < config.labels.size(); ++i)
            labelIndex.emplace(config.labels[i], static_cast<std::int32_t>(i));
        const auto sparse = [&](const std::unordered_map<std::string, float>& votes) {
            trainer::SparseVotes out;
            for (const auto& [code, vote] : votes) {
                const auto it = labelIndex.find(code);
                if (it != labelIndex.end())
                    out.emplace_back(it->second, vote);
            }
            return out;
        };
        for (std::size_t d = 0; d < trainSet.size(); ++d)
            trainVotes.push_back(
                sparse(index.vote(trainSet[d].text, options.retrievalPrior, static_cast<std::int64_t>(d))));
        for (const auto& document : devSet)
            devVotes.push_back(sparse(index.vote(document.text, options.retrievalPrior)));
        note(callbacks, "retrieval prior: " + std::to_string(index.documents()) +
                            " training notes indexed, " + std::to_string(options.retrievalPrior) +
                            " neighbours vote");
    }

    std::vector<torch::Tensor> descriptions;
    if (config.arch == "drcaml")
        descriptions = trainer::descriptionIds(
            config.labels, trainer::readDescriptions(options.descriptionsPath), vocabulary);

    TrainResult result;
    result.criterion = effectiveCriterion(options.criterion, config.labels.size());
    result.trainDocuments = trainData.notes.size();
    result.trainSkipped = trainData.skipped;
    result.devDocuments = devData.notes.size();
    result.devSkipped = devData.skipped;
    result.labels = config.labels.size();
    result.vocabulary = vocabulary.size();

    // --- network and optimiser ---
    torch::manual_seed(options.seed);
    const std::unique_ptr<net::Network> network = net::makeNetwork(config);
    {
        torch::NoGradGuard noGrad;
        for (auto& table : embeddingTables(*network)) {
            if (prepared.embeddings) {
                const EmbeddingMatrix& m = *prepared.embeddings;
                if (table.size(0) != m.rows || table.size(1) != m.dim)
                    throw ModelError("embedding matrix does not match the network");
                table.copy_(
                    torch::from_blob(const_cast<float*>(m.values.data()), {m.rows, m.dim}, torch::kFloat32));
            }
            if (!options.fineTuneEmbeddings)
                table.set_requires_grad(false);
        }
    }
    if (!resume && options.descriptionInit) {
        const auto rows = trainer::initialiseLabelRowsFromDescriptions(
            *network, vocabulary, trainer::readDescriptions(options.descriptionsPath));
        note(callbacks, "description init: " + std::to_string(rows) + " of " +
                            std::to_string(config.labels.size()) + " codes start from their description");
    }
    if (!resume && options.frequencyBias) {
        std::vector<std::size_t> positives(config.labels.size(), 0);
        for (const auto& n : trainData.notes) {
            std::vector<std::int32_t> labels = n.gold.labels;
            std::sort(labels.begin(), labels.end());
            labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
            for (const auto y : labels)
                ++positives[static_cast<std::size_t>(y)];
        }
        trainer::initialiseBiasesFromFrequencies(*network, positives, trainData.notes.size());
    }
    std::vector<torch::Tensor> trainable;
    for (auto& p : network->module().parameters(true))
        if (p.requires_grad())
            trainable.push_back(p);
    torch::optim::Adam optimizer(
        trainable, torch::optim::AdamOptions(options.learningRate).weight_decay(options.weightDecay));

    std::mt19937_64 shuffleRng(options.seed);
    std::vector<double> criterionHistory;
    int firstEpoch = 1;
    if (resume) {
        trainer::restoreTrainingState(statePath, *network, optimizer);
        std::istringstream rngState(stateMeta.at("shuffle_rng").get<std::string>());
        rngState >> shuffleRng;
        for (const auto& record : stateMeta.at("history"))
            result.history.push_back(recordFromJson(record));
        for (const auto& record : result.history)
            criterionHistory.push_back(record.criterion);
        firstEpoch = stateMeta.at("epoch").get<int>() + 1;
        result.epochs = firstEpoch - 1;
        const int best = bestEpochIndex(criterionHistory);
        if (best >= 0) {
            result.bestEpoch = best + 1;
            result.bestCriterion = criterionHistory[static_cast<std::size_t>(best)];
        }
        result.threshold = stateMeta.value("threshold", 0.5f);
        if (shouldStopEarly(criterionHistory, options.patience)) {
            result.stoppedEarly = true;
            note(callbacks, "the saved training had already stopped early");
            return result;
        }
    }

    const auto labelCount = static_cast<std::int64_t>(config.labels.size());
    const auto posWeight = torch::full({labelCount}, options.positiveWeight);
    const bool weighted = options.positiveWeight != 1.0;
    const auto batchSize = static_cast<std::size_t>(options.batchSize);
    const std::size_t batches = (trainData.notes.size() + batchSize - 1) / batchSize;

    std::vector<trainer::EncodedNote> devNotes = devData.notes;
    std::vector<GoldCodes> devGold;
    for (const auto& n : devNotes)
        devGold.push_back(n.gold);

    // issue #13: evidence-supervised label attention (torch/evidence_attention_loss.h); off at weight 0
    const auto evidenceTargets =
        options.evidenceAttentionWeight > 0.0
            ? trainer::evidencePositions(trainSet, trainData.notes, config.labels,
                                         network->geometry().tokensPerPosition, maxTokens)
            : std::vector<trainer::NoteEvidence>();
    if (options.evidenceAttentionWeight > 0.0)
        note(callbacks,
             "evidence attention loss: " + std::to_string(trainer::evidencePairCount(evidenceTargets)) +
                 " (note, code) pairs with evidence");

    for (int epoch = firstEpoch; epoch <= options.maxEpochs; ++epoch) {
        const auto epochStart = Clock::now();
        std::vector<std::size_t> order(trainData.notes.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        shuffle(order, shuffleRng);

        network->module().train();
        double lossSum = 0.0;
        std::size_t examples = 0;
        for (std::size_t b = 0; b < batches; ++b) {
            if (cancelled(callbacks)) {
                result.cancelled = true;
                return result;
            }
            const std::size_t first = b * batchSize;
            const std::size_t count = std::min(batchSize, trainData.notes.size() - first);
            const auto ids = trainer::paddedIds(trainData.notes, order, first, count);
            const auto targets =
                trainer::multiHot(trainData.notes, order, first, count, config.labels.size());
            auto out = network->forward(ids);
            if (!trainVotes.empty())
                out.logits = out.logits + trainer::priorBatch(trainData.notes, order, first, count,
                                                              trainVotes, config.labels.size());
            auto loss = weighted
                            ? torch::nn::functional::binary_cross_entropy_with_logits(
                                  out.logits, targets,
                                  torch::nn::functional::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(
                                      posWeight))
                            : torch::nn::functional::binary_cross_entropy_with_logits(out.logits, targets);
            if (!descriptions.empty())
                loss = loss + network->descriptionLoss(targets, descriptions);
            if (!evidenceTargets.empty()) // issue #13
                loss = loss + options.evidenceAttentionWeight *
                                  trainer::evidenceAttentionBatchLoss(out.attention, evidenceTargets, order,
                                                                      first, count);
            if (!std::isfinite(loss.item<double>()))
                throw std::runtime_error("the training loss became " + std::to_string(loss.item<double>()) +
                                         " in epoch " + std::to_string(epoch) + ", batch " +
                                         std::to_string(b + 1) +
                                         " (learning rate too high, or network options out of range); the "
                                         "last complete epoch is kept");
            if (options.warmupEpochs > 0) {
                const double step = static_cast<double>((epoch - 1) * batches + b + 1);
                const double ramp = static_cast<double>(options.warmupEpochs * batches);
                for (auto& group : optimizer.param_groups())
                    static_cast<torch::optim::AdamOptions&>(group.options())
                        .lr(options.learningRate * std::min(1.0, step / ramp));
            }
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();

            lossSum += loss.item<double>();
            examples += count;
            if (callbacks.progress) {
                const double elapsed = secondsSince(epochStart);
                TrainProgress p;
                p.phase = "train";
                p.epoch = epoch;
                p.maxEpochs = options.maxEpochs;
                p.batch = static_cast<int>(b + 1);
                p.batches = static_cast<int>(batches);
                p.examplesPerSecond = elapsed > 0.0 ? static_cast<double>(examples) / elapsed : 0.0;
                p.loss = lossSum / static_cast<double>(b + 1);
                p.etaSeconds = elapsed / static_cast<double>(b + 1) * static_cast<double>(batches - b - 1);
                callbacks.progress(p);
            }
        }

        // Dev: every note alone (batch 1), as the authors evaluate; padding would change the scores.
        network->module().eval();
        ScoreMatrix devScores(devNotes.size(), config.labels.size());
        {
            torch::InferenceMode inference;
            for (std::size_t d = 0; d < devNotes.size(); ++d) {
                if (cancelled(callbacks)) {
                    result.cancelled = true;
                    return result;
                }
                const auto ids =
                    torch::from_blob(devNotes[d].ids.data(),
                                     {1, static_cast<std::int64_t>(devNotes[d].ids.size())}, torch::kInt64);
                auto logits = network->forward(ids).logits;
                if (!devVotes.empty())
                    logits =
                        logits + trainer::priorBatch(devNotes, {d}, 0, 1, devVotes, config.labels.size());
                const auto scores = torch::sigmoid(logits).contiguous();
                std::copy_n(scores.data_ptr<float>(), config.labels.size(), devScores.row(d));
                if (callbacks.progress && (d + 1) % 16 == 0) {
                    TrainProgress p;
                    p.phase = "dev";
                    p.epoch = epoch;
                    p.maxEpochs = options.maxEpochs;
                    p.batch = static_cast<int>(d + 1);
                    p.batches = static_cast<int>(devNotes.size());
                    callbacks.progress(p);
                }
            }
        }
        EvalMetrics metrics = computeMetrics(devScores, devGold);
        metrics.n_skipped = static_cast<std::int64_t>(devData.skipped);

        EpochRecord record;
        record.epoch = epoch;
        record.trainLoss = lossSum / static_cast<double>(std::max<std::size_t>(batches, 1));
        record.devMetrics = metricValues(metrics);
        record.criterion = record.devMetrics.at(result.criterion);
        criterionHistory.push_back(record.criterion);
        record.improved = bestEpochIndex(criterionHistory) == epoch - 1;
        if (record.improved) {
            const ThresholdChoice tuned = tuneThreshold(devScores, devGold);
            // model.json requires a threshold in (0, 1); the sweep's end points 0 ("every code") and 1
            // ("none") become the nearest values that keep that meaning for sigmoid scores.
            config.threshold = std::clamp(tuned.threshold, 1e-6f, 1.0f - 1e-6f);
            config.placeholder = false;
            net::writeModelDirectory(config, prepared.vocabulary, *network, outDir);
            result.bestEpoch = epoch;
            result.bestCriterion = record.criterion;
            result.threshold = config.threshold;
            note(callbacks, "epoch " + std::to_string(epoch) + ": new best " + result.criterion + " " +
                                std::to_string(record.criterion) + ", threshold " +
                                std::to_string(config.threshold) + " (dev micro-F1 " +
                                std::to_string(tuned.f1) + ")");
        }
        record.seconds = secondsSince(epochStart);
        result.history.push_back(record);
        result.epochs = epoch;
        result.stoppedEarly = shouldStopEarly(criterionHistory, options.patience);

        // Log and resumable state of this epoch; the model directory above is already complete.
        const std::string log = logText(result.history);
        writeTextAtomically((fs::path(workDir) / kLogFile).string(), log);
        Json meta;
        meta["format"] = "fusioncoder-training-state";
        meta["epoch"] = epoch;
        meta["trajectory"] = trajectoryOptions(options);
        meta["config"] = configToJson(config);
        meta["vocabulary"] = prepared.vocabulary;
        std::ostringstream rngState;
        rngState << shuffleRng;
        meta["shuffle_rng"] = rngState.str();
        meta["threshold"] = result.threshold;
        meta["history"] = Json::array();
        for (const auto& r : result.history)
            meta["history"].push_back(recordToJson(r));
        trainer::saveTrainingState(statePath, *network, optimizer, meta);

        const Json summary = {{"preset", options.preset},
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
                              {"max_tokens", maxTokens},
                              {"options", trajectoryOptions(options)},
                              {"max_epochs", options.maxEpochs},
                              {"patience", options.patience}};
        writeTextAtomically((fs::path(workDir) / kSummaryFile).string(), summary.dump(2) + "\n");
        if (result.bestEpoch > 0 && fs::is_directory(outDir)) {
            writeTextAtomically((fs::path(outDir) / kLogFile).string(), log);
            writeTextAtomically((fs::path(outDir) / kSummaryFile).string(), summary.dump(2) + "\n");
        }

        if (callbacks.epochDone)
            callbacks.epochDone(record);
        if (result.stoppedEarly) {
            note(callbacks, "early stop: no new best " + result.criterion + " for " +
                                std::to_string(options.patience) + " epochs");
            break;
        }
    }
    return result;
}

} // namespace fc
