// Training presets, the JSON config file, the criterion choice and the authors' early-stopping rule.
// No tensors here; it lives beside the trainer because it is the trainer's input.
#include "fc/model/errors.h"
#include "fc/model/training.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace fc {

namespace {

using Json = nlohmann::json;

std::string resolvePath(const std::string& path, const std::string& baseDir) {
    if (path.empty() || baseDir.empty() || std::filesystem::path(path).is_absolute())
        return path;
    return (std::filesystem::path(baseDir) / path).lexically_normal().string();
}

} // namespace

const std::vector<std::string>& trainingPresets() {
    static const std::vector<std::string> presets{
        "fusion",    "fusion-maxpool", "fusion-doclevel", "multirescnn", "caml",   "drcaml",   "laat",
        "jointlaat", "fusion-plus",    "clstm-att",       "msatt-kg",    "cmemnn", "hypercore"};
    return presets;
}

TrainOptions presetOptions(const std::string& preset) {
    TrainOptions options;
    options.preset = preset;
    if (preset == "fusion" || preset == "fusion-maxpool" || preset == "fusion-doclevel") {
        options.arch = preset;
        options.maxEpochs = 30; // Fusion options.py n_epochs
    } else if (preset == "multirescnn") {
        options.arch = preset;
        options.maxEpochs = 500; // MultiResCNN options.py n_epochs
    } else if (preset == "caml" || preset == "drcaml") {
        // caml-mimic's published run lines: 200 epochs, patience 10, lr 1e-4, batch 16, kernel 10, 50 maps,
        // dropout 0.2; DR-CAML lambda 10.
        options.arch = preset;
        options.maxEpochs = 200;
    } else if (preset == "laat" || preset == "jointlaat") {
        // Vu et al. 2020 / aehrc/LAAT run.sh + args_parser.py: AdamW (weight decay 0, i.e. Adam), lr 1e-3,
        // batch 8, 50 epochs, patience 5, micro-F1 selection, 4000 tokens, dropout 0.3; u, d_a and the level
        // projection come from the network defaults (jointlaat.cpp). docs/MODELS.md.
        options.arch = preset;
        options.learningRate = 1e-3;
        options.batchSize = 8;
        options.maxEpochs = 50;
        options.patience = 5;
        options.criterion = "micro_f1";
        options.network.dropout = 0.3;
        options.network.maxTokens = 4000;
    } else if (preset == "clstm-att") {
        // Shi et al. 2017 (docs/MODELS.md): the paper's training settings were not available to this port;
        // Adam lr 1e-3 (the usual rate for an LSTM with Adam), batch 16, early stop on dev micro-F1 (the
        // paper reports F1 and AUC) with the harness's patience. Network defaults in clstm_att.cpp.
        options.arch = preset;
        options.learningRate = 1e-3;
        options.maxEpochs = 50;
        options.criterion = "micro_f1";
    } else if (preset == "msatt-kg") {
        // Xie et al. CIKM 2019 (docs/MODELS.md): densely connected CNN + multi-scale feature attention + code
        // graph GCN. Training settings not available to this port: Adam lr 1e-4, batch 16, 200 epochs and
        // patience 10 as the CAML-family baselines it is compared with; network defaults in msatt_kg.cpp.
        options.arch = preset;
        options.maxEpochs = 200;
    } else if (preset == "cmemnn") {
        // Prakash et al. AAAI 2017 (docs/MODELS.md): memory network over one memory per code, its text the
        // code's description (`descriptions_file` is required). Training settings not available to this
        // port: Adam lr 1e-3 (the usual rate of end-to-end memory networks with Adam), batch 16, 50 epochs,
        // the harness's patience and selection. Network defaults in cmemnn.cpp.
        options.arch = preset;
        options.learningRate = 1e-3;
        options.maxEpochs = 50;
    } else if (preset == "hypercore") {
        // Cao et al. ACL 2020 (docs/MODELS.md): CNN encoder, code-wise attention, hyperbolic document and
        // code representations, co-occurrence GCN. Training settings not available to this port: Adam
        // lr 1e-4, batch 16, 200 epochs, patience 10 as the CAML-family baselines (and MSATT-KG); network
        // defaults in hypercore.cpp.
        options.arch = preset;
        options.maxEpochs = 200;
    } else if (preset == "fusion-plus") {
        // Fusion+ (Fusion paper Table 3; fusion-spec.md 1.0): Fusion trained on every note of the full
        // training split, scored on the 50 most frequent codes (notes with none of them are dropped).
        options.arch = "fusion";
        options.maxEpochs = 30;
        options.topLabels = 50;
    } else {
        std::string known;
        for (const auto& name : trainingPresets())
            known += (known.empty() ? "" : ", ") + name;
        throw InputError("unknown preset '" + preset + "' (known: " + known + ")");
    }
    return options;
}

const std::vector<std::string>& trainConfigKeys() {
    static const std::vector<std::string> keys{"preset",
                                               "learning_rate",
                                               "weight_decay",
                                               "batch_size",
                                               "max_epochs",
                                               "patience",
                                               "criterion",
                                               "seed",
                                               "threads",
                                               "embeddings",
                                               "embeddings_file",
                                               "corpus",
                                               "min_document_frequency",
                                               "fine_tune_embeddings",
                                               "cbow_epochs",
                                               "labels_file",
                                               "top_labels",
                                               "labels_include_dev",
                                               "positive_weight",
                                               "descriptions_file",
                                               "description_init",
                                               "frequency_bias",
                                               "warmup_epochs",
                                               "retrieval_prior",
                                               "evidence_attention_weight",
                                               "length_bucket_batches",
                                               "name",
                                               "version",
                                               "language",
                                               "network"};
    return keys;
}

TrainOptions applyTrainConfig(const std::string& jsonText, const TrainOptions& base,
                              const std::string& baseDir, const std::string& sourceName) {
    Json config;
    try {
        config = Json::parse(jsonText);
    } catch (const Json::parse_error& e) {
        throw InputError(sourceName + ": invalid JSON at byte " + std::to_string(e.byte));
    } catch (const Json::exception& e) {
        throw InputError(sourceName + ": invalid JSON (" + std::string(e.what()) + ")");
    }
    if (!config.is_object())
        throw InputError(sourceName + ": the config must be a JSON object");

    TrainOptions options = base;
    std::string key;
    try {
        if (config.contains("preset")) {
            key = "preset";
            const TrainOptions preset = presetOptions(config.at("preset").get<std::string>());
            // A preset resets the architecture and its defaults; everything set so far on the command line is
            // re-applied by the caller after the config.
            options = preset;
        }
        const auto& known = trainConfigKeys();
        for (const auto& item : config.items()) {
            key = item.key();
            if (std::find(known.begin(), known.end(), key) == known.end())
                throw InputError(sourceName + ": unknown key '" + key + "'");
            const Json& v = item.value();
            if (key == "learning_rate")
                options.learningRate = v.get<double>();
            else if (key == "weight_decay")
                options.weightDecay = v.get<double>();
            else if (key == "batch_size")
                options.batchSize = v.get<int>();
            else if (key == "max_epochs")
                options.maxEpochs = v.get<int>();
            else if (key == "patience")
                options.patience = v.get<int>();
            else if (key == "criterion")
                options.criterion = v.get<std::string>();
            else if (key == "seed")
                options.seed = v.get<std::uint64_t>();
            else if (key == "threads")
                options.threads = v.get<int>();
            else if (key == "embeddings") {
                const auto source = v.get<std::string>();
                if (source == "random" || source == "none")
                    options.embeddings = EmbeddingSource::Random;
                else if (source == "file")
                    options.embeddings = EmbeddingSource::File;
                else if (source == "cbow")
                    options.embeddings = EmbeddingSource::TrainCbow;
                else
                    throw InputError(sourceName +
                                     ": \"embeddings\" must be \"random\", \"file\" or \"cbow\"");
            } else if (key == "embeddings_file") {
                options.embeddingsPath = resolvePath(v.get<std::string>(), baseDir);
                if (!config.contains("embeddings"))
                    options.embeddings = EmbeddingSource::File;
            } else if (key == "corpus") {
                options.corpusPaths.clear();
                for (const auto& p : v)
                    options.corpusPaths.push_back(resolvePath(p.get<std::string>(), baseDir));
            } else if (key == "min_document_frequency")
                options.minDocumentFrequency = v.get<int>();
            else if (key == "fine_tune_embeddings")
                options.fineTuneEmbeddings = v.get<bool>();
            else if (key == "cbow_epochs")
                options.cbowEpochs = v.get<int>();
            else if (key == "labels_file")
                options.labelsPath = resolvePath(v.get<std::string>(), baseDir);
            else if (key == "top_labels")
                options.topLabels = v.get<int>();
            else if (key == "labels_include_dev")
                options.labelsIncludeDev = v.get<bool>();
            else if (key == "positive_weight")
                options.positiveWeight = v.get<double>();
            else if (key == "descriptions_file")
                options.descriptionsPath = resolvePath(v.get<std::string>(), baseDir);
            else if (key == "description_init")
                options.descriptionInit = v.get<bool>();
            else if (key == "frequency_bias")
                options.frequencyBias = v.get<bool>();
            else if (key == "warmup_epochs")
                options.warmupEpochs = v.get<int>();
            else if (key == "retrieval_prior")
                options.retrievalPrior = v.get<int>();
            else if (key == "evidence_attention_weight") // issue #13
                options.evidenceAttentionWeight = v.get<double>();
            else if (key == "length_bucket_batches") // issue #13
                options.lengthBucketBatches = v.get<int>();
            else if (key == "name")
                options.modelName = v.get<std::string>();
            else if (key == "version")
                options.modelVersion = v.get<std::string>();
            else if (key == "language")
                options.language = v.get<std::string>();
            else if (key == "network") {
                NetworkOptions& n = options.network;
                for (const auto& field : v.items()) {
                    key = "network." + field.key();
                    const Json& f = field.value();
                    if (field.key() == "embedding_dim")
                        n.embeddingDim = f.get<std::int64_t>();
                    else if (field.key() == "filter_sizes")
                        n.filterSizes = f.get<std::vector<std::int64_t>>();
                    else if (field.key() == "filter_maps")
                        n.filterMaps = f.get<std::int64_t>();
                    else if (field.key() == "dropout")
                        n.dropout = f.get<double>();
                    else if (field.key() == "pool_size")
                        n.poolSize = f.get<std::int64_t>();
                    else if (field.key() == "heads")
                        n.heads = f.get<std::int64_t>();
                    else if (field.key() == "ffn_dim")
                        n.ffnDim = f.get<std::int64_t>();
                    else if (field.key() == "authors_heads")
                        n.authorsHeads = f.get<bool>();
                    else if (field.key() == "max_tokens")
                        n.maxTokens = f.get<std::int64_t>();
                    else if (field.key() == "caml_kernel")
                        n.camlKernel = f.get<std::int64_t>();
                    else if (field.key() == "caml_filter_maps")
                        n.camlFilterMaps = f.get<std::int64_t>();
                    else if (field.key() == "drcaml_lambda")
                        n.drcamlLambda = f.get<double>();
                    else if (field.key() == "rnn_hidden")
                        n.rnnHidden = f.get<std::int64_t>();
                    else if (field.key() == "attention_dim")
                        n.attentionDim = f.get<std::int64_t>();
                    else if (field.key() == "level_projection")
                        n.levelProjection = f.get<std::int64_t>();
                    else if (field.key() == "segment_tokens")
                        n.segmentTokens = f.get<std::int64_t>();
                    else if (field.key() == "dense_layers")
                        n.denseLayers = f.get<std::int64_t>();
                    else if (field.key() == "dense_growth")
                        n.denseGrowth = f.get<std::int64_t>();
                    else if (field.key() == "memory_hops")
                        n.memoryHops = f.get<std::int64_t>();
                    else if (field.key() == "memory_tokens")
                        n.memoryTokens = f.get<std::int64_t>();
                    else if (field.key() == "ball_dim")
                        n.ballDim = f.get<std::int64_t>();
                    else if (field.key() == "conv_maps")
                        n.convMaps = f.get<std::int64_t>();
                    else
                        throw InputError(sourceName + ": unknown key '" + key + "'");
                }
            }
        }
    } catch (const Json::exception&) {
        throw InputError(sourceName + ": key '" + key + "' has the wrong type");
    }
    return options;
}

TrainOptions loadTrainConfig(const std::string& path, const TrainOptions& base) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError("cannot read config " + path);
    std::ostringstream text;
    text << in.rdbuf();
    const auto dir = std::filesystem::absolute(path).parent_path().string();
    return applyTrainConfig(text.str(), base, dir, path);
}

std::string effectiveCriterion(const std::string& criterion, std::size_t labelCount) {
    static const std::vector<std::string> known{"p_at_5",   "p_at_8",   "p_at_15",           "map",
                                                "micro_f1", "macro_f1", "macro_f1_per_code", "macro_auc",
                                                "micro_auc"};
    if (criterion.empty())
        return labelCount <= 50 ? "p_at_5" : "p_at_8";
    if (std::find(known.begin(), known.end(), criterion) == known.end())
        throw InputError("unknown criterion '" + criterion +
                         "' (known: p_at_5, p_at_8, p_at_15, map, micro_f1, macro_f1, macro_f1_per_code, "
                         "macro_auc, micro_auc)");
    return criterion;
}

int bestEpochIndex(const std::vector<double>& history) {
    int best = -1;
    for (std::size_t i = 0; i < history.size(); ++i) {
        if (std::isnan(history[i]))
            continue;
        if (best < 0 || history[i] > history[static_cast<std::size_t>(best)])
            best = static_cast<int>(i);
    }
    return best;
}

bool shouldStopEarly(const std::vector<double>& history, int patience) {
    const int best = bestEpochIndex(history);
    if (best < 0)
        return !history.empty(); // np.all(np.isnan([])) is True, but the authors never call it before epoch 1
    const int n = static_cast<int>(history.size());
    return n >= patience && best < n - patience;
}

std::string trainingWorkDirectory(const std::string& outDir) {
    std::string dir = outDir;
    while (dir.size() > 1 && dir.back() == '/')
        dir.pop_back();
    return dir + ".training";
}

} // namespace fc
