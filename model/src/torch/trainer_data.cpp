#include "torch/trainer_data.h"

#include "fc/model/neighbours.h"

#include "fc/model/dataset.h"
#include "fc/model/errors.h"
#include "fc/model/tokenizer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_set>

namespace fc::trainer {

namespace {

std::string trimmed(std::string s) {
    const auto notSpace = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
    s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
    return s;
}

std::vector<std::string> readLabelsFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError("cannot read labels file " + path);
    std::set<std::string> labels;
    std::string line;
    while (std::getline(in, line)) {
        line = trimmed(line);
        if (!line.empty())
            labels.insert(line);
    }
    return {labels.begin(), labels.end()};
}

} // namespace

std::vector<std::string> chooseLabels(const TrainOptions& options, const std::vector<Document>& trainSet,
                                      const std::vector<Document>& devSet) {
    std::map<std::string, std::size_t> counts; // document frequency in trainSet
    if (options.labelsPath.empty())
        for (const Document& doc : trainSet) {
            const std::set<std::string> unique(doc.codes.begin(), doc.codes.end());
            for (const auto& code : unique)
                ++counts[code];
        }
    return chooseLabels(options, counts, devSet);
}

std::vector<std::string> chooseLabels(const TrainOptions& options,
                                      const std::map<std::string, std::size_t>& counts,
                                      const std::vector<Document>& devSet) {
    std::vector<std::string> labels;
    if (!options.labelsPath.empty()) {
        labels = readLabelsFile(options.labelsPath);
        if (labels.empty())
            throw InputError("labels file " + options.labelsPath + " holds no code");
        return labels;
    }
    if (options.topLabels > 0) {
        std::vector<std::pair<std::string, std::size_t>> ranked(counts.begin(), counts.end());
        std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
            return a.second > b.second;
        }); // ties: code order
        ranked.resize(std::min(ranked.size(), static_cast<std::size_t>(options.topLabels)));
        for (const auto& entry : ranked)
            labels.push_back(entry.first);
        std::sort(labels.begin(), labels.end());
    } else {
        std::set<std::string> all;
        for (const auto& entry : counts)
            all.insert(entry.first);
        if (options.labelsIncludeDev)
            for (const Document& doc : devSet)
                all.insert(doc.codes.begin(), doc.codes.end());
        labels.assign(all.begin(), all.end());
    }
    if (labels.empty())
        throw InputError("the training data has no codes");
    return labels;
}

std::vector<std::vector<std::string>> tokenTexts(const std::vector<Document>& documents) {
    std::vector<std::vector<std::string>> out;
    out.reserve(documents.size());
    for (const Document& doc : documents) {
        std::vector<std::string> words;
        for (Token& token : tokenize(doc.text))
            words.push_back(std::move(token.text));
        out.push_back(std::move(words));
    }
    return out;
}

std::vector<std::string>
frequentWords(const std::vector<const std::vector<std::vector<std::string>>*>& corpora,
              int minDocumentFrequency) {
    std::unordered_map<std::string, int> frequency;
    for (const auto* corpus : corpora)
        for (const auto& doc : *corpus) {
            const std::unordered_set<std::string> unique(doc.begin(), doc.end());
            for (const auto& word : unique)
                ++frequency[word];
        }
    std::vector<std::string> words;
    for (const auto& [word, count] : frequency)
        if (count >= minDocumentFrequency)
            words.push_back(word);
    std::sort(words.begin(), words.end());
    return words;
}

std::vector<std::string> readCorpusTexts(const std::vector<std::string>& paths) {
    namespace fs = std::filesystem;
    std::vector<std::string> texts;
    const auto readWhole = [](const fs::path& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in)
            throw InputError("cannot read corpus file " + path.string());
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    };
    for (const auto& path : paths) {
        std::error_code error;
        if (fs::is_directory(path, error)) {
            std::vector<fs::path> files;
            for (const auto& entry : fs::recursive_directory_iterator(path))
                if (entry.is_regular_file() && entry.path().extension() == ".txt")
                    files.push_back(entry.path());
            std::sort(files.begin(), files.end());
            for (const auto& file : files)
                texts.push_back(readWhole(file));
        } else if (fs::path(path).extension() == ".jsonl") {
            for (Document& doc : loadDataset(path))
                texts.push_back(std::move(doc.text));
        } else {
            std::ifstream in(path, std::ios::binary);
            if (!in)
                throw InputError("cannot read corpus file " + path);
            std::string line;
            while (std::getline(in, line))
                if (!line.empty())
                    texts.push_back(line);
        }
    }
    return texts;
}

EncodedSet encode(const std::vector<Document>& documents, const std::vector<std::vector<std::string>>& tokens,
                  const Vocabulary& vocabulary, const std::vector<std::string>& labels,
                  std::int64_t maxTokens) {
    std::unordered_map<std::string, std::int32_t> labelIndex;
    for (std::size_t i = 0; i < labels.size(); ++i)
        labelIndex.emplace(labels[i], static_cast<std::int32_t>(i));
    EncodedSet set;
    for (std::size_t d = 0; d < documents.size(); ++d) {
        EncodedNote note;
        const std::set<std::string> codes(documents[d].codes.begin(), documents[d].codes.end());
        for (const auto& code : codes) {
            const auto it = labelIndex.find(code);
            if (it == labelIndex.end())
                ++note.gold.outsideLabelSet;
            else
                note.gold.labels.push_back(it->second);
        }
        if (note.gold.labels.empty()) {
            ++set.skipped;
            continue;
        }
        const auto& words = tokens[d];
        note.tokens = words.size();
        const std::size_t kept =
            std::min(words.size(), static_cast<std::size_t>(std::max<std::int64_t>(maxTokens, 1)));
        if (kept < words.size())
            ++set.truncated;
        note.ids.reserve(std::max<std::size_t>(kept, 1));
        for (std::size_t t = 0; t < kept; ++t)
            note.ids.push_back(vocabulary.id(words[t]));
        if (note.ids.empty())
            note.ids.push_back(Vocabulary::kPad);
        note.source = d;
        set.notes.push_back(std::move(note));
    }
    return set;
}

torch::Tensor priorBatch(const std::vector<EncodedNote>& notes, const std::vector<std::size_t>& order,
                         std::size_t first, std::size_t count, const std::vector<SparseVotes>& votesBySource,
                         std::size_t labelCount) {
    auto prior = torch::full({static_cast<std::int64_t>(count), static_cast<std::int64_t>(labelCount)},
                             retrievalPrior(0.0f));
    auto p = prior.accessor<float, 2>();
    for (std::size_t i = 0; i < count; ++i)
        for (const auto& [label, vote] : votesBySource.at(notes[order[first + i]].source))
            p[static_cast<std::int64_t>(i)][label] = retrievalPrior(vote);
    return prior;
}

torch::Tensor paddedIds(const std::vector<EncodedNote>& notes, const std::vector<std::size_t>& order,
                        std::size_t first, std::size_t count) {
    std::size_t longest = 1;
    for (std::size_t i = first; i < first + count; ++i)
        longest = std::max(longest, notes[order[i]].ids.size());
    auto ids =
        torch::zeros({static_cast<std::int64_t>(count), static_cast<std::int64_t>(longest)}, torch::kInt64);
    auto* data = ids.data_ptr<std::int64_t>();
    for (std::size_t i = 0; i < count; ++i) {
        const auto& note = notes[order[first + i]].ids;
        std::copy(note.begin(), note.end(), data + i * longest);
    }
    return ids;
}

torch::Tensor multiHot(const std::vector<EncodedNote>& notes, const std::vector<std::size_t>& order,
                       std::size_t first, std::size_t count, std::size_t labelCount) {
    auto targets = torch::zeros({static_cast<std::int64_t>(count), static_cast<std::int64_t>(labelCount)});
    auto* data = targets.data_ptr<float>();
    for (std::size_t i = 0; i < count; ++i)
        for (const auto label : notes[order[first + i]].gold.labels)
            data[i * labelCount + static_cast<std::size_t>(label)] = 1.0f;
    return targets;
}

std::unordered_map<std::string, std::string> readDescriptions(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError("cannot read descriptions file " + path);
    std::unordered_map<std::string, std::string> descriptions;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        auto split = line.find('\t');
        if (split == std::string::npos)
            split = line.find(' ');
        if (split == std::string::npos || split == 0)
            continue;
        descriptions.emplace(trimmed(line.substr(0, split)), line.substr(split + 1));
    }
    return descriptions;
}

std::vector<torch::Tensor> descriptionIds(const std::vector<std::string>& labels,
                                          const std::unordered_map<std::string, std::string>& descriptions,
                                          const Vocabulary& vocabulary) {
    std::vector<torch::Tensor> out;
    out.reserve(labels.size());
    for (const auto& label : labels) {
        std::vector<std::int64_t> ids;
        const auto it = descriptions.find(label);
        if (it != descriptions.end())
            for (const Token& token : tokenize(it->second))
                ids.push_back(vocabulary.id(token.text));
        out.push_back(torch::tensor(ids, torch::kInt64));
    }
    return out;
}

} // namespace fc::trainer
