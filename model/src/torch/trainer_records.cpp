#include "torch/trainer_records.h"

#include "atomic_file.h"

#include <cmath>
#include <limits>

namespace fc::trainer {

using Json = nlohmann::json;

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

namespace {

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
            {"drcaml_lambda", n.drcamlLambda},
            {"rnn_hidden", n.rnnHidden},
            {"attention_dim", n.attentionDim},
            {"level_projection", n.levelProjection},
            {"segment_tokens", n.segmentTokens},
            {"dense_layers", n.denseLayers},
            {"dense_growth", n.denseGrowth},
            {"memory_hops", n.memoryHops},
            {"memory_tokens", n.memoryTokens},
            {"ball_dim", n.ballDim},
            {"conv_maps", n.convMaps}};
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
    // Issue-17 sizes (0 = the architecture's default); a state written before they existed has none.
    n.rnnHidden = j.value("rnn_hidden", n.rnnHidden);
    n.attentionDim = j.value("attention_dim", n.attentionDim);
    n.levelProjection = j.value("level_projection", n.levelProjection);
    n.segmentTokens = j.value("segment_tokens", n.segmentTokens);
    n.denseLayers = j.value("dense_layers", n.denseLayers);
    n.denseGrowth = j.value("dense_growth", n.denseGrowth);
    n.memoryHops = j.value("memory_hops", n.memoryHops);
    n.memoryTokens = j.value("memory_tokens", n.memoryTokens);
    n.ballDim = j.value("ball_dim", n.ballDim);
    n.convMaps = j.value("conv_maps", n.convMaps);
    return n;
}

} // namespace

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
            {"evidence_attention_weight", o.evidenceAttentionWeight},
            {"length_bucket_batches", o.lengthBucketBatches}};
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

void applyTrajectory(const Json& saved, TrainOptions& options) {
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
    options.lengthBucketBatches = saved.value("length_bucket_batches", 0);           // issue #13
}

} // namespace fc::trainer
