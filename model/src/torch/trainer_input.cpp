// The data steps of training: encoded notes in memory or a counted stream, dev, the retrieval prior.
#include "torch/trainer_run.h"

#include "fc/model/dataset.h"
#include "fc/model/errors.h"
#include "fc/model/neighbours.h"

#include <filesystem>
#include <set>
#include <unordered_map>

namespace fc::trainer {

namespace {

namespace fs = std::filesystem;

void note(const Run& run, const std::string& message) {
    if (run.callbacks->message)
        run.callbacks->message(message);
}

void noteDevCounts(const Run& run, const TrainingData& data, const std::string& train) {
    note(run, "train: " + train + "; dev: " + std::to_string(data.dev.notes.size()) + " documents (" +
                  std::to_string(data.dev.skipped) + " skipped, " + std::to_string(data.dev.truncated) +
                  " truncated)");
}

void encodeDev(const Run& run, const std::vector<Document>& devSet, const Vocabulary& vocabulary,
               TrainingData& data) {
    const ModelConfig& config = run.prepared.config;
    data.dev = encode(devSet, tokenTexts(devSet), vocabulary, config.labels, config.options.maxTokens);
    if (data.dev.notes.empty())
        throw InputError("no dev document has a code in the label space");
    for (const auto& n : data.dev.notes)
        data.devGold.push_back(n.gold);
}

// The retrieval prior: the index of the training notes (kept in the work dir, copied into every written
// model) and the sparse votes of every train (leave-one-out) and dev note.
void buildRetrievalPrior(Run& run, const std::vector<Document>& trainSet, const std::vector<Document>& devSet,
                         TrainingData& data) {
    ModelConfig& config = run.prepared.config;
    const auto indexPath = (fs::path(run.workDir) / "neighbours.tsv").string();
    const NeighbourIndex index = NeighbourIndex::build(trainSet);
    if (run.master())
        index.save(indexPath);
    config.retrieval.mode = "prior";
    config.retrieval.neighbours = run.options.retrievalPrior;
    config.retrieval.weight = 0.0f;
    config.retrieval.indexPath = indexPath;
    std::unordered_map<std::string, std::int32_t> labelIndex;
    for (std::size_t i = 0; i < config.labels.size(); ++i)
        labelIndex.emplace(config.labels[i], static_cast<std::int32_t>(i));
    const auto sparse = [&](const std::unordered_map<std::string, float>& votes) {
        SparseVotes out;
        for (const auto& [code, vote] : votes) {
            const auto it = labelIndex.find(code);
            if (it != labelIndex.end())
                out.emplace_back(it->second, vote);
        }
        return out;
    };
    for (std::size_t d = 0; d < trainSet.size(); ++d)
        data.trainVotes.push_back(
            sparse(index.vote(trainSet[d].text, run.options.retrievalPrior, static_cast<std::int64_t>(d))));
    for (const auto& document : devSet)
        data.devVotes.push_back(sparse(index.vote(document.text, run.options.retrievalPrior)));
    note(run, "retrieval prior: " + std::to_string(index.documents()) + " training notes indexed, " +
                  std::to_string(run.options.retrievalPrior) + " neighbours vote");
}

} // namespace

// Training and dev notes in memory, as word ids (the batches are made by trainPrepared).
TrainingData encodeInMemory(Run& run, const std::vector<Document>& trainSet,
                            const std::vector<Document>& devSet,
                            const std::vector<std::vector<std::string>>& trainTokens) {
    const ModelConfig& config = run.prepared.config;
    const Vocabulary vocabulary(run.prepared.vocabulary);
    TrainingData data;
    data.train = encode(trainSet, trainTokens, vocabulary, config.labels, config.options.maxTokens);
    if (data.train.notes.empty())
        throw InputError("no training document has a code in the label space");
    encodeDev(run, devSet, vocabulary, data);
    data.trainNotes = data.train.notes.size();
    data.trainSkipped = data.train.skipped;
    data.positives.assign(config.labels.size(), 0);
    for (const auto& n : data.train.notes)
        for (const auto y : std::set<std::int32_t>(n.gold.labels.begin(), n.gold.labels.end()))
            ++data.positives[static_cast<std::size_t>(y)];
    noteDevCounts(run, data,
                  std::to_string(data.trainNotes) + " documents (" + std::to_string(data.train.skipped) +
                      " without a label skipped, " + std::to_string(data.train.truncated) + " truncated to " +
                      std::to_string(config.options.maxTokens) + " tokens)");
    fs::create_directories(run.workDir);
    if (run.options.retrievalPrior > 0)
        buildRetrievalPrior(run, trainSet, devSet, data);
    return data;
}

// The training file as a stream: one pass counts the notes kept and each label's notes; the epochs read it
// again through the shuffle buffer.
TrainingData openStream(Run& run, const std::string& trainPath, const std::vector<Document>& devSet) {
    const ModelConfig& config = run.prepared.config;
    TrainingData data;
    std::unordered_map<std::string, std::size_t> labelIndex;
    for (std::size_t i = 0; i < config.labels.size(); ++i)
        labelIndex.emplace(config.labels[i], i);
    data.positives.assign(config.labels.size(), 0);
    DatasetReader reader(trainPath);
    Document document;
    while (reader.next(document)) {
        bool kept = false;
        for (const auto& code : std::set<std::string>(document.codes.begin(), document.codes.end())) {
            const auto it = labelIndex.find(code);
            if (it != labelIndex.end()) {
                ++data.positives[it->second];
                kept = true;
            }
        }
        ++(kept ? data.trainNotes : data.trainSkipped);
    }
    if (data.trainNotes == 0)
        throw InputError("no training document has a code in the label space");
    encodeDev(run, devSet, Vocabulary(run.prepared.vocabulary), data);
    noteDevCounts(run, data,
                  std::to_string(data.trainNotes) + " documents streamed from " + trainPath + " (" +
                      std::to_string(data.trainSkipped) + " without a label skipped; shuffle buffer " +
                      std::to_string(run.options.shuffleBuffer) + " notes)");
    fs::create_directories(run.workDir);
    return data;
}

} // namespace fc::trainer
