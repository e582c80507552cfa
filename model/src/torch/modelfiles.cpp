#include "fc/model/modelfiles.h"

#include "fc/model/errors.h"
#include "fc/model/unicode.h"
#include "fc/model/vocabulary.h"
#include "pickle_scan.h"
#include "torch/bounded_read_adapter.h"
#include "torch/checkpoint.h"
#include "torch/state_dict_reader.h"

#include <caffe2/serialize/inline_container.h>
#include <nlohmann/json.hpp>
#include <torch/csrc/jit/serialization/import_read.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <sstream>

#include <unistd.h>

namespace fs = std::filesystem;
using nlohmann::json;

namespace fc {

namespace {

constexpr const char* kFormat = "fusioncoder-model";
constexpr int kFormatVersion = 1;
constexpr const char* kNeighbourFile = "neighbours.tsv";
constexpr const char* kDescriptionFile = "label-descriptions.tsv";
constexpr const char* kLexiconFile = "lexicon.tsv";

std::string shapeText(const std::vector<std::int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::string firstLine(const std::string& text) {
    const auto nl = text.find('\n');
    return nl == std::string::npos ? text : text.substr(0, nl);
}

std::string trim(const std::string& s) {
    std::size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
        ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
        --e;
    return s.substr(b, e - b);
}

// A code or a vocabulary word: valid UTF-8 without control characters (a damaged or binary list file must be
// refused, not turned into labels nobody can type or match).
void checkListEntry(const std::string& entry, const std::string& where) {
    if (!isValidUtf8(entry))
        throw ModelError(where + ": not valid UTF-8");
    for (const char c : entry)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            throw ModelError(where + ": control character in an entry");
}

void checkListEntries(const std::vector<std::string>& entries, const char* what) {
    for (std::size_t i = 0; i < entries.size(); ++i)
        checkListEntry(entries[i], std::string(what) + " entry " + std::to_string(i + 1));
}

// Non-empty trimmed lines of a text file; each a valid entry (checkListEntry).
std::vector<std::string> readLines(const fs::path& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ModelError(std::string(what) + " not found or unreadable: " + path.string());
    std::vector<std::string> lines;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        line = trim(line);
        if (line.empty())
            continue;
        checkListEntry(line, path.string() + ":" + std::to_string(number));
        lines.push_back(line);
    }
    return lines;
}

std::vector<std::string> sortedUnique(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

std::string utcNow() {
    const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

json optionsToJson(const NetworkOptions& o) {
    return json{{"embedding_dim", o.embeddingDim},
                {"filter_sizes", o.filterSizes},
                {"filter_maps", o.filterMaps},
                {"dropout", o.dropout},
                {"pool_size", o.poolSize},
                {"heads", o.heads},
                {"ffn_dim", o.ffnDim},
                {"authors_heads", o.authorsHeads},
                {"max_tokens", o.maxTokens},
                {"caml_kernel", o.camlKernel},
                {"caml_filter_maps", o.camlFilterMaps},
                {"drcaml_lambda", o.drcamlLambda},
                {"rnn_hidden", o.rnnHidden},
                {"attention_dim", o.attentionDim},
                {"level_projection", o.levelProjection},
                {"segment_tokens", o.segmentTokens},
                {"dense_layers", o.denseLayers},
                {"dense_growth", o.denseGrowth},
                {"memory_hops", o.memoryHops},
                {"memory_tokens", o.memoryTokens},
                {"ball_dim", o.ballDim},
                {"conv_maps", o.convMaps}};
}

NetworkOptions optionsFromJson(const json& j) {
    NetworkOptions o;
    o.embeddingDim = j.value("embedding_dim", o.embeddingDim);
    o.filterSizes = j.value("filter_sizes", o.filterSizes);
    o.filterMaps = j.value("filter_maps", o.filterMaps);
    o.dropout = j.value("dropout", o.dropout);
    o.poolSize = j.value("pool_size", o.poolSize);
    o.heads = j.value("heads", o.heads);
    o.ffnDim = j.value("ffn_dim", o.ffnDim);
    o.authorsHeads = j.value("authors_heads", o.authorsHeads);
    o.maxTokens = j.value("max_tokens", o.maxTokens);
    o.camlKernel = j.value("caml_kernel", o.camlKernel);
    o.camlFilterMaps = j.value("caml_filter_maps", o.camlFilterMaps);
    o.drcamlLambda = j.value("drcaml_lambda", o.drcamlLambda);
    o.rnnHidden = j.value("rnn_hidden", o.rnnHidden);
    o.attentionDim = j.value("attention_dim", o.attentionDim);
    o.levelProjection = j.value("level_projection", o.levelProjection);
    o.segmentTokens = j.value("segment_tokens", o.segmentTokens);
    o.denseLayers = j.value("dense_layers", o.denseLayers);
    o.denseGrowth = j.value("dense_growth", o.denseGrowth);
    o.memoryHops = j.value("memory_hops", o.memoryHops);
    o.memoryTokens = j.value("memory_tokens", o.memoryTokens);
    o.ballDim = j.value("ball_dim", o.ballDim);
    o.convMaps = j.value("conv_maps", o.convMaps);
    return o;
}

bool isDigits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}
bool isAlnum(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c); });
}

void writeText(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        throw ModelError("cannot write " + path.string());
}

// Replaces `outDir` by a directory that `fill` writes into a fresh sibling: readers see the old directory or
// the complete new one, never a partial one. `outDir` may be the directory `fill` reads from.
void replaceDirectory(const std::string& outDir, const std::function<void(const fs::path& temp)>& fill) {
    fs::path target = fs::path(outDir).lexically_normal();
    if (target.filename().empty())
        target = target.parent_path();
    if (target.empty())
        throw ModelError("empty output directory");
    const auto parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    fs::create_directories(parent, ec);
    std::mt19937_64 rng(std::random_device{}());
    const auto tag = std::to_string(::getpid()) + "-" + std::to_string(rng() % 1000000000ULL);
    const auto temp = parent / ("." + target.filename().string() + ".tmp-" + tag);
    const auto old = parent / ("." + target.filename().string() + ".old-" + tag);
    try {
        fs::create_directory(temp);
        fill(temp);
        const bool replacing = fs::exists(target);
        if (replacing)
            fs::rename(target, old);
        fs::rename(temp, target);
        if (replacing)
            fs::remove_all(old, ec);
    } catch (const fs::filesystem_error& e) {
        fs::remove_all(temp, ec);
        throw ModelError("cannot write model directory " + target.string() + ": " + e.code().message());
    } catch (...) {
        fs::remove_all(temp, ec);
        throw;
    }
}

// model.json's "retrieval" object, with the index (and descriptions) copied into `dir` under their fixed
// names; no object when the model has no retrieval component.
void writeRetrieval(const RetrievalOptions& retrieval, const fs::path& dir, json& modelJson) {
    modelJson.erase("retrieval");
    if (!retrieval.enabled())
        return;
    if (retrieval.indexPath.empty())
        throw ModelError("the model has a retrieval component but no neighbour index");
    fs::copy_file(retrieval.indexPath, dir / kNeighbourFile, fs::copy_options::overwrite_existing);
    json r{{"mode", retrieval.mode},
           {"file", kNeighbourFile},
           {"neighbours", retrieval.neighbours},
           {"weight", retrieval.weight}};
    if (retrieval.descriptionWeight > 0.0f) {
        fs::copy_file(retrieval.descriptionsPath, dir / kDescriptionFile,
                      fs::copy_options::overwrite_existing);
        r["description_weight"] = retrieval.descriptionWeight;
    }
    if (retrieval.lexiconWeight > 0.0f) {
        if (retrieval.lexiconPath.empty())
            throw ModelError("the retrieval component has a lexicon weight but no lexicon file");
        fs::copy_file(retrieval.lexiconPath, dir / kLexiconFile, fs::copy_options::overwrite_existing);
        r["lexicon_weight"] = retrieval.lexiconWeight;
    } else {
        std::error_code ignored; // a copied model's old lexicon, no longer used
        fs::remove(dir / kLexiconFile, ignored);
    }
    modelJson["retrieval"] = std::move(r);
}

} // namespace

const std::vector<std::string>& knownArchitectures() {
    static const std::vector<std::string> archs{
        "fusion", "fusion-maxpool", "fusion-doclevel", "multirescnn", "caml",   "drcaml",
        "laat",   "jointlaat",      "clstm-att",       "msatt-kg",    "cmemnn", "hypercore"};
    return archs;
}

std::string labelSystem(const std::string& rawCode, bool icd10Context) {
    std::string code;
    for (const char c : rawCode)
        code += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto dot = code.find('.');
    const std::string head = code.substr(0, dot);
    const std::string tail = dot == std::string::npos ? std::string() : code.substr(dot + 1);
    if (dot != std::string::npos && (tail.empty() || !isAlnum(tail) || tail.find('.') != std::string::npos))
        return "unknown";
    if (dot == std::string::npos && code.size() == 7 && isAlnum(code))
        return "icd-10-pcs";
    // A 4-character PCS table prefix ("5A1D", "B030"): ICD-10-CM codes longer than 3 characters always carry
    // a dot, so among ICD-10 labels any undotted 4-character code is PCS; without that context, "E888" or
    // "4019" may be undotted ICD-9, so only a letter after the first character decides.
    if (dot == std::string::npos && code.size() == 4 && isAlnum(code) && !isDigits(code) &&
        (icd10Context ||
         std::any_of(code.begin() + 1, code.end(), [](unsigned char c) { return std::isalpha(c); })))
        return "icd-10-pcs";
    if (isDigits(head) && (tail.empty() || isDigits(tail))) {
        if (head.size() == 2 && !tail.empty())
            return "icd-9-pcs";
        if (head.size() == 3 && tail.size() <= 2)
            return "icd-9-cm";
        return "unknown";
    }
    if (head.size() == 4 && head[0] == 'E' && isDigits(head.substr(1)) && tail.size() <= 1 &&
        isDigits(tail + "0"))
        return "icd-9-cm";
    if (head.size() == 3 && head[0] == 'V' && isDigits(head.substr(1)) && tail.size() <= 2 &&
        isDigits(tail + "0") && !icd10Context)
        return "icd-9-cm";
    if (head.size() == 3 && std::isalpha(static_cast<unsigned char>(head[0])) && isAlnum(head) &&
        std::isdigit(static_cast<unsigned char>(head[1])) && tail.size() <= 4)
        return "icd-10-cm";
    return "unknown";
}

std::vector<std::string> labelSystems(const std::vector<std::string>& labels) {
    bool icd10 = false;
    for (const auto& code : labels) {
        const auto s = labelSystem(code, false);
        if (s == "icd-10-pcs" ||
            (s == "icd-10-cm" && !code.empty() && std::toupper(static_cast<unsigned char>(code[0])) != 'V'))
            icd10 = true;
    }
    std::vector<std::string> out;
    out.reserve(labels.size());
    for (const auto& code : labels)
        out.push_back(labelSystem(code, icd10));
    return out;
}

ModelConfig readModelConfig(const std::string& directory) {
    const fs::path dir(directory);
    if (!fs::is_directory(dir))
        throw ModelError("model directory not found: " + directory);
    const auto jsonPath = dir / "model.json";
    std::ifstream in(jsonPath, std::ios::binary);
    if (!in)
        throw ModelError("model.json missing in " + directory);
    json j;
    try {
        j = json::parse(in);
    } catch (const json::exception& e) {
        throw ModelError(jsonPath.string() + ": not valid JSON (" + firstLine(e.what()) + ")");
    }
    ModelConfig c;
    std::int64_t expectedLabels = -1;
    try {
        if (!j.is_object() || j.value("format", std::string()) != kFormat)
            throw ModelError(jsonPath.string() + ": not a fusioncoder model (format must be \"" + kFormat +
                             "\")");
        const int version = j.value("format_version", 0);
        if (version != kFormatVersion)
            throw ModelError(jsonPath.string() + ": unsupported format_version " + std::to_string(version) +
                             " (this build reads " + std::to_string(kFormatVersion) + ")");
        c.name = j.value("name", c.name);
        c.version = j.value("version", c.version);
        c.arch = j.at("arch").get<std::string>();
        c.language = j.value("language", c.language);
        c.placeholder = j.value("placeholder", false);
        c.threshold = j.value("threshold", 0.5f);
        c.created = j.value("created", std::string());
        c.weightsType = j.value("weights", c.weightsType);
        if (j.contains("options"))
            c.options = optionsFromJson(j.at("options"));
        expectedLabels = j.value("label_count", expectedLabels);
        if (j.contains("retrieval")) {
            const auto& r = j.at("retrieval");
            c.retrieval.mode = r.value("mode", std::string("mix"));
            c.retrieval.weight = r.value("weight", 0.0f);
            c.retrieval.neighbours = r.at("neighbours").get<int>();
            const auto file = r.at("file").get<std::string>();
            if (file.empty() || file.find('/') != std::string::npos || file == "." || file == "..")
                throw ModelError(jsonPath.string() +
                                 ": retrieval.file must be a file name in the model directory");
            c.retrieval.indexPath = (dir / file).string();
            c.retrieval.descriptionWeight = r.value("description_weight", 0.0f);
            if (c.retrieval.descriptionWeight > 0.0f)
                c.retrieval.descriptionsPath = (dir / kDescriptionFile).string();
            c.retrieval.lexiconWeight = r.value("lexicon_weight", 0.0f);
            if (c.retrieval.lexiconWeight > 0.0f)
                c.retrieval.lexiconPath = (dir / kLexiconFile).string();
        }
    } catch (const json::exception& e) {
        throw ModelError(jsonPath.string() + ": " + firstLine(e.what()));
    }
    if (std::find(knownArchitectures().begin(), knownArchitectures().end(), c.arch) ==
        knownArchitectures().end())
        throw ModelError(jsonPath.string() + ": unknown architecture '" + c.arch + "'");
    if (!(c.threshold > 0.0f && c.threshold < 1.0f))
        throw ModelError(jsonPath.string() + ": threshold must be in (0, 1)");
    if (c.weightsType != "float32" && c.weightsType != "float16")
        throw ModelError(jsonPath.string() + ": weights must be \"float32\" or \"float16\"");
    if (!(c.retrieval.descriptionWeight >= 0.0f && c.retrieval.descriptionWeight <= 100.0f))
        throw ModelError(jsonPath.string() + ": retrieval description_weight must be in [0, 100]");
    if (!(c.retrieval.lexiconWeight >= 0.0f && c.retrieval.lexiconWeight <= 100.0f))
        throw ModelError(jsonPath.string() + ": retrieval lexicon_weight must be in [0, 100]");
    if (c.retrieval.enabled() && c.retrieval.mode != "mix" && c.retrieval.mode != "prior")
        throw ModelError(jsonPath.string() + ": retrieval mode must be \"mix\" or \"prior\"");
    if (!(c.retrieval.weight >= 0.0f && c.retrieval.weight <= 1.0f) || c.retrieval.neighbours < 1 ||
        c.retrieval.neighbours > 10000)
        throw ModelError(jsonPath.string() +
                         ": retrieval weight must be in [0, 1] and neighbours in 1..10000");
    c.labels = readLines(dir / "labels.txt", "labels.txt");
    if (c.labels.empty())
        throw ModelError("labels.txt in " + directory + " has no codes");
    if (sortedUnique(c.labels).size() != c.labels.size())
        throw ModelError("labels.txt in " + directory + " lists a code twice");
    if (expectedLabels >= 0 && expectedLabels != static_cast<std::int64_t>(c.labels.size()))
        throw ModelError("labels.txt in " + directory + " has " + std::to_string(c.labels.size()) +
                         " codes but model.json says " + std::to_string(expectedLabels));
    c.vocabularySize = static_cast<std::int64_t>(readLines(dir / "vocab.txt", "vocab.txt").size());
    const auto expectedVocab = j.value("vocabulary_size", c.vocabularySize);
    if (expectedVocab != c.vocabularySize)
        throw ModelError("vocab.txt in " + directory + " has " + std::to_string(c.vocabularySize) +
                         " words but model.json says " + std::to_string(expectedVocab));
    return c;
}

std::vector<std::pair<std::string, std::vector<std::int64_t>>> checkpointSchema(const ModelConfig& config) {
    torch::NoGradGuard noGrad;
    const auto network = net::makeNetwork(config);
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> out;
    for (const auto& [name, tensor] : net::stateDict(*network))
        out.emplace_back(name, tensor.sizes().vec());
    return out;
}

void createModel(ModelConfig config, const std::vector<std::string>& vocabulary, std::uint64_t seed,
                 const std::string& outDir) {
    checkListEntries(config.labels, "label");
    checkListEntries(vocabulary, "vocabulary");
    if (vocabulary.empty())
        throw ModelError("the vocabulary has no words");
    std::vector<std::string> words;
    try {
        words = Vocabulary(vocabulary).words();
    } catch (const InputError& e) {
        throw ModelError(std::string("invalid vocabulary: ") + e.what());
    }
    config.vocabularySize = static_cast<std::int64_t>(words.size());
    torch::manual_seed(seed);
    const auto network = net::makeNetwork(config);
    net::writeModelDirectory(config, words, *network, outDir);
}

void importPytorch(const std::string& stateDictPath, const std::string& vocabPath,
                   const std::string& labelsPath, const std::string& arch, const std::string& outDir,
                   const ImportMetadata& metadata) {
    const auto tensors = net::readTensorFile(stateDictPath);
    ModelConfig config;
    config.name = metadata.name;
    config.version = metadata.version;
    config.language = metadata.language;
    config.threshold = metadata.threshold;
    config.options = metadata.options;
    config.arch = arch;
    // The authors' loaders: vocabulary = set of stripped non-empty lines, sorted; labels sorted as strings.
    std::vector<std::string> words;
    try {
        words = Vocabulary::load(vocabPath).words();
    } catch (const InputError& e) {
        throw ModelError(vocabPath + ": " + e.what());
    }
    config.labels = sortedUnique(readLines(labelsPath, "labels file"));
    if (config.labels.empty())
        throw ModelError(labelsPath + ": no codes");
    config.vocabularySize = static_cast<std::int64_t>(words.size());
    for (const auto& [name, tensor] : tensors) {
        if (name == "transfer.pos_embedding.position_encoding.weight" && tensor.dim() == 2)
            config.options.maxTokens = tensor.size(0) - 1;
    }
    torch::NoGradGuard noGrad;
    const auto network = net::makeNetwork(config);
    net::assignStateDict(*network, tensors, stateDictPath);
    net::writeModelDirectory(config, words, *network, outDir);
}

void writeWithRetrieval(const std::string& modelDirectory, const RetrievalOptions& retrieval, float threshold,
                        const std::string& outDir) {
    if (!(threshold > 0.0f && threshold < 1.0f))
        throw ModelError("threshold must be in (0, 1)");
    replaceDirectory(outDir, [&](const fs::path& temp) {
        for (const auto& entry : fs::directory_iterator(modelDirectory))
            if (entry.is_regular_file())
                fs::copy_file(entry.path(), temp / entry.path().filename());
        json j;
        {
            std::ifstream in(temp / "model.json", std::ios::binary);
            j = json::parse(in);
        }
        writeRetrieval(retrieval, temp, j);
        j["threshold"] = threshold;
        writeText(temp / "model.json", j.dump(2) + "\n");
        readModelConfig(temp.string()); // what was written must load
    });
}

void convertModel(const std::string& modelDirectory, const std::string& weightsType,
                  const std::string& outDir) {
    if (weightsType != "float32" && weightsType != "float16")
        throw InputError("weights type must be float32 or float16, not '" + weightsType + "'");
    ModelConfig config = readModelConfig(modelDirectory);
    const auto network = net::loadNetwork(modelDirectory, config);
    std::vector<std::string> words;
    try {
        words = Vocabulary::load((fs::path(modelDirectory) / "vocab.txt").string()).words();
    } catch (const InputError& e) {
        throw ModelError(modelDirectory + "/vocab.txt: " + e.what());
    }
    config.weightsType = weightsType;
    net::writeModelDirectory(config, words, *network, outDir);
}

namespace net {

std::vector<std::pair<std::string, torch::Tensor>> readTensorFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ModelError(path + ": missing or unreadable");
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty())
        throw ModelError(path + ": empty file");
    // LibTorch 1.13's pickle_load reads torch::pickle_save output and a plain dict saved from Python, but
    // not an OrderedDict (every model.state_dict()); those go through readPythonStateDict. The legacy
    // (pre-zip) format is read by neither (tst_interop proves both).
    const bool zip =
        bytes.size() >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
    if (!zip) {
        if (static_cast<unsigned char>(bytes[0]) == 0x80)
            throw ModelError(path +
                             ": legacy PyTorch format (torch.save with _use_new_zipfile_serialization="
                             "False or PyTorch < 1.6), which LibTorch cannot read; convert it in Python "
                             "with torch.save(torch.load(f), f2)");
        throw ModelError(path + ": not a PyTorch checkpoint (no zip archive header)");
    }
    std::string pickleProblem; // checked before LibTorch's unpickler allocates what the pickle declares
    try {
        caffe2::serialize::PyTorchStreamReader reader(std::make_shared<BoundedReadAdapter>(bytes));
        if (reader.hasRecord("data.pkl")) {
            const auto [pickle, size] = reader.getRecord("data.pkl");
            pickleProblem = picklePastItsEnd(static_cast<const char*>(pickle.get()), size);
        }
    } catch (const std::exception&) {
        // A damaged zip: the readers below say so.
    }
    if (!pickleProblem.empty())
        throw ModelError(path + ": truncated or corrupt PyTorch archive (" + pickleProblem + ")");
    torch::IValue value;
    try {
        // torch::pickle_load, but through a reader that cannot run past the end of a damaged archive.
        caffe2::serialize::PyTorchStreamReader reader(std::make_shared<BoundedReadAdapter>(bytes));
        value = torch::jit::readArchiveAndTensors("data", "", "", c10::nullopt, c10::nullopt, c10::nullopt,
                                                  reader);
    } catch (const std::exception&) {
        try {
            return readPythonStateDict(bytes);
        } catch (const std::exception& e) {
            throw ModelError(path + ": truncated or corrupt PyTorch archive (" + firstLine(e.what()) + ")");
        }
    }
    if (!value.isGenericDict())
        throw ModelError(path + ": expected a dictionary of tensors (a state_dict), found " +
                         value.tagKind());
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& item : value.toGenericDict()) {
        if (!item.key().isString() || !item.value().isTensor())
            throw ModelError(path + ": expected a dictionary of name -> tensor (a state_dict)");
        const torch::Tensor& t = item.value().toTensor();
        // LibTorch's unpickler does not check a tensor against its storage: a damaged archive gives a tensor
        // whose elements lie beyond its (possibly empty) storage, and the first read of it crashes.
        if (t.numel() > 0) {
            std::int64_t last = t.storage_offset();
            for (std::int64_t d = 0; d < t.dim(); ++d)
                last += (t.size(d) - 1) * t.stride(d);
            const auto needed = static_cast<std::uint64_t>(last + 1) * t.element_size();
            if (!t.has_storage() || t.storage().data() == nullptr || t.storage_offset() < 0 ||
                needed > t.storage().nbytes())
                throw ModelError(path + ": truncated or corrupt PyTorch archive (tensor '" +
                                 item.key().toStringRef() + "' exceeds its storage)");
        }
        out.emplace_back(item.key().toStringRef(), t);
    }
    return out;
}

void writeTensorFile(const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                     const std::string& path) {
    c10::Dict<std::string, at::Tensor> dict;
    for (const auto& [name, tensor] : tensors)
        dict.insert(name, tensor.detach().contiguous());
    const auto bytes = torch::pickle_save(dict);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out)
        throw ModelError("cannot write " + path);
}

void assignStateDict(Network& network, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                     const std::string& what) {
    const auto target = stateDict(network);
    std::map<std::string, torch::Tensor> given;
    for (const auto& [name, tensor] : tensors) {
        if (!given.emplace(name, tensor).second)
            throw ModelError(what + ": tensor '" + name + "' appears twice");
    }
    const auto& config = network.config();
    for (const auto& [name, dest] : target) {
        const auto it = given.find(name);
        if (it == given.end())
            throw ModelError(what + ": missing tensor '" + name + "' (architecture " + config.arch + ")");
        const auto& src = it->second;
        if (src.sizes() != dest.sizes()) {
            std::string hint;
            if (name.find("embed") != std::string::npos)
                hint = " (vocabulary of " + std::to_string(config.vocabularySize) + " words needs " +
                       std::to_string(config.vocabularySize + 2) + " rows)";
            else if (!dest.sizes().empty() && dest.size(0) == static_cast<std::int64_t>(config.labels.size()))
                hint = " (the label list has " + std::to_string(config.labels.size()) + " codes)";
            throw ModelError(what + ": tensor '" + name + "' has shape " + shapeText(src.sizes().vec()) +
                             ", expected " + shapeText(dest.sizes().vec()) + hint);
        }
        if (src.is_floating_point() != dest.is_floating_point())
            throw ModelError(what + ": tensor '" + name + "' has type " + std::string(src.dtype().name()) +
                             ", expected " + std::string(dest.dtype().name()));
        if (src.is_floating_point() && !torch::isfinite(src).all().item<bool>())
            throw ModelError(what + ": tensor '" + name + "' contains NaN or infinite values");
    }
    if (given.size() != target.size()) {
        std::set<std::string> known;
        for (const auto& entry : target)
            known.insert(entry.first);
        for (const auto& entry : given) {
            if (!known.count(entry.first))
                throw ModelError(what + ": unexpected tensor '" + entry.first + "' for architecture " +
                                 config.arch);
        }
    }
    torch::NoGradGuard noGrad;
    for (const auto& [name, dest] : target) {
        const auto src = given.at(name);
        auto d = dest; // shares storage with the module's tensor
        d.copy_(src.to(dest.dtype()));
    }
}

void writeModelDirectory(const ModelConfig& config, const std::vector<std::string>& vocabulary,
                         const Network& network, const std::string& outDir) {
    replaceDirectory(outDir, [&](const fs::path& temp) {
        std::int64_t parameters = 0;
        for (const auto& p : network.module().parameters(true))
            parameters += p.numel();
        json j{{"format", kFormat},
               {"format_version", kFormatVersion},
               {"name", config.name},
               {"version", config.version},
               {"arch", config.arch},
               {"options", optionsToJson(config.options)},
               {"threshold", config.threshold},
               {"language", config.language},
               {"placeholder", config.placeholder},
               {"label_count", config.labels.size()},
               {"label_systems", labelSystems(config.labels)},
               {"vocabulary_size", vocabulary.size()},
               {"parameters", parameters},
               {"created", config.created.empty() ? utcNow() : config.created},
               {"weights", config.weightsType}};
        writeRetrieval(config.retrieval, temp, j);
        writeText(temp / "model.json", j.dump(2) + "\n");
        std::string labels, words;
        for (const auto& code : config.labels)
            labels += code + "\n";
        for (const auto& word : vocabulary)
            words += word + "\n";
        writeText(temp / "labels.txt", labels);
        writeText(temp / "vocab.txt", words);
        auto tensors = stateDict(network);
        if (config.weightsType == "float16")
            for (auto& entry : tensors)
                if (entry.second.is_floating_point())
                    entry.second = entry.second.detach().to(torch::kFloat16);
        writeTensorFile(tensors, (temp / "weights.pt").string());
    });
}

std::unique_ptr<Network> loadNetwork(const std::string& directory, const ModelConfig& config) {
    torch::NoGradGuard noGrad;
    auto network = makeNetwork(config);
    const auto path = (fs::path(directory) / "weights.pt").string();
    assignStateDict(*network, readTensorFile(path), path);
    return network;
}

} // namespace net
} // namespace fc
