#include "torch/trainer_prepare.h"

#include "fc/model/errors.h"
#include "fc/model/tokenizer.h"
#include "fc/model/vocabulary.h"

#include "torch/trainer_data.h"
#include "torch/trainer_records.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>
#include <unordered_set>

namespace fc::trainer {

namespace {

using Clock = std::chrono::steady_clock;

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

void note(const TrainCallbacks& callbacks, const std::string& message) {
    if (callbacks.message)
        callbacks.message(message);
}

ModelConfig baseConfig(const TrainOptions& options) {
    ModelConfig config;
    config.name = options.modelName.empty() ? options.preset + " model" : options.modelName;
    config.version = options.modelVersion.empty() ? utcStamp("%Y.%m.%d-%H%M") : options.modelVersion;
    config.arch = options.arch;
    config.language = options.language;
    config.options = options.network;
    return config;
}

// The vocabulary and aligned vectors of a .embed file.
void useEmbeddingFile(const TrainOptions& options, PreparedModel& prepared, const TrainCallbacks& callbacks) {
    const WordVectors vectors = readEmbedFile(options.embeddingsPath);
    for (const auto& word : vectors.words)
        if (word != "**PAD**" && word != "**UNK**")
            prepared.vocabulary.push_back(word);
    const Vocabulary vocabulary(prepared.vocabulary);
    prepared.vocabulary = vocabulary.words();
    EmbeddingAlignment report;
    prepared.embeddings =
        alignEmbeddings(vectors, vocabulary, static_cast<std::uint32_t>(options.seed), &report);
    prepared.config.options.embeddingDim = vectors.dim;
    note(callbacks, "embeddings " + options.embeddingsPath + ": " + std::to_string(vocabulary.size()) +
                        " words, dimension " + std::to_string(vectors.dim));
}

} // namespace

PreparedModel prepareModel(const TrainOptions& options, const std::vector<Document>& trainSet,
                           const std::vector<Document>& devSet,
                           const std::vector<std::vector<std::string>>& trainTokens,
                           const TrainCallbacks& callbacks) {
    PreparedModel prepared;
    prepared.config = baseConfig(options);
    ModelConfig& config = prepared.config;
    config.labels = chooseLabels(options, trainSet, devSet);
    note(callbacks, std::to_string(config.labels.size()) + " labels");

    if (options.embeddings == EmbeddingSource::File) {
        useEmbeddingFile(options, prepared, callbacks);
    } else {
        std::vector<std::string> corpusTexts = readCorpusTexts(options.corpusPaths);
        std::vector<std::vector<std::string>> corpusTokens;
        if (!corpusTexts.empty()) {
            std::vector<Document> corpusDocs(corpusTexts.size());
            for (std::size_t i = 0; i < corpusTexts.size(); ++i)
                corpusDocs[i].text = corpusTexts[i];
            corpusTokens = tokenTexts(corpusDocs);
        }
        prepared.vocabulary = frequentWords({&trainTokens, &corpusTokens}, options.minDocumentFrequency);
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

CorpusCounts countTrainingFile(const std::string& path, const std::atomic<bool>* cancel) {
    CorpusCounts counts;
    DatasetReader reader(path);
    Document document;
    while (reader.next(document)) {
        if (cancel != nullptr && cancel->load(std::memory_order_relaxed))
            throw Cancelled();
        ++counts.documents;
        for (const auto& code : std::set<std::string>(document.codes.begin(), document.codes.end()))
            ++counts.codes[code];
        std::unordered_set<std::string> words;
        for (Token& token : tokenize(document.text))
            words.insert(std::move(token.text));
        for (const auto& word : words)
            ++counts.words[word];
    }
    return counts;
}

PreparedModel prepareModelFromCounts(const TrainOptions& options, const CorpusCounts& counts,
                                     const std::vector<Document>& devSet, const TrainCallbacks& callbacks) {
    PreparedModel prepared;
    prepared.config = baseConfig(options);
    prepared.config.labels = chooseLabels(options, counts.codes, devSet);
    note(callbacks, std::to_string(prepared.config.labels.size()) + " labels");
    if (options.embeddings == EmbeddingSource::File) {
        useEmbeddingFile(options, prepared, callbacks);
    } else {
        for (const auto& [word, frequency] : counts.words)
            if (frequency >= options.minDocumentFrequency)
                prepared.vocabulary.push_back(word);
        std::sort(prepared.vocabulary.begin(), prepared.vocabulary.end());
        if (prepared.vocabulary.empty())
            throw InputError("no word occurs in " + std::to_string(options.minDocumentFrequency) +
                             " training documents: the vocabulary is empty");
        note(callbacks, "vocabulary: " + std::to_string(prepared.vocabulary.size()) +
                            " words in >= " + std::to_string(options.minDocumentFrequency) + " of " +
                            std::to_string(counts.documents) + " training documents");
    }
    prepared.config.vocabularySize = static_cast<std::int64_t>(prepared.vocabulary.size());
    return prepared;
}

PreparedModel restoredModel(const nlohmann::json& stateMeta) {
    PreparedModel prepared;
    prepared.config = configFromJson(stateMeta.at("config"));
    prepared.vocabulary = stateMeta.at("vocabulary").get<std::vector<std::string>>();
    prepared.config.vocabularySize = static_cast<std::int64_t>(prepared.vocabulary.size());
    return prepared;
}

} // namespace fc::trainer
