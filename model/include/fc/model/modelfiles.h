#pragma once
// Model directories on disk (format "fusioncoder-model", format_version 1; layout in engine.h): what a
// model is (ModelConfig), how one is created with random weights, imported from the authors' PyTorch
// checkpoint, and read back. Every writer is atomic: the directory is built under a temporary name beside
// outDir and renamed into place, so a reader sees the old directory or the new one, never a mix.
// Every reader throws ModelError with one line naming the file and the problem.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace fc {

// Architecture hyper-parameters; defaults are the paper's / authors' code (fusion-spec.md 1.1, 2).
// Stored in model.json under "options"; absent keys take these defaults.
struct NetworkOptions {
    std::int64_t embeddingDim = 100;
    std::vector<std::int64_t> filterSizes{3, 5, 9, 15, 19, 25}; // Fusion/MultiResCNN branches (odd)
    std::int64_t filterMaps = 50;                               // per branch (Fusion, MultiResCNN)
    double dropout = 0.2;                                       // embedding and post-transformer dropout
    std::int64_t poolSize = 2;                                  // Fusion compression window g
    std::int64_t heads = 4;                                     // transformer "heads"
    std::int64_t ffnDim = 1024;                                 // transformer feed-forward width
    bool authorsHeads = true;      // true: the authors' raw-view head split and 1/sqrt(floor(dh/heads)) scale
                                   // (fusion-spec.md 1.2 step 5b); false: standard heads, 1/sqrt(dh)
    std::int64_t maxTokens = 2500; // model window in tokens; Fusion's positional table has maxTokens+1 rows
    std::int64_t camlKernel = 10;  // CAML / DR-CAML convolution width
    std::int64_t camlFilterMaps = 50;
    double drcamlLambda = 10.0; // DR-CAML description-regulariser weight (training only)
    // Issue 17 networks (docs/MODELS.md). 0 = the architecture's paper default for MIMIC-III-50, so a value
    // that was never written (older model.json, a resumed run) still builds the paper's network.
    std::int64_t rnnHidden = 0;       // LSTM hidden size per direction (LAAT u, C-LSTM-Att)
    std::int64_t attentionDim = 0;    // label-attention projection d_a (LAAT, JointLAAT)
    std::int64_t levelProjection = 0; // JointLAAT: size of the projected parent-level prediction
    std::int64_t segmentTokens = 0;   // C-LSTM-Att: tokens per encoded segment ("description")
    std::int64_t denseLayers = 0;     // MSATT-KG: densely connected convolution layers (scales)
    std::int64_t denseGrowth = 0;     // MSATT-KG: feature maps of each dense layer (the growth rate)
    std::int64_t memoryHops = 0;      // C-MemNN: memory hops
    std::int64_t memoryTokens = 0;    // C-MemNN: tokens kept of each label's memory text (its description)
    std::int64_t ballDim = 0;         // HyperCore: dimension of the Poincaré ball of the code embeddings
    std::int64_t convMaps = 0;        // HyperCore: feature maps of its convolutional note encoder
};

// Optional retrieval component (neighbours.h), two ways of using the nearest-neighbour vote v of a code:
//  "mix":   score = (1 - weight) x the network's probability + weight x (v + d m) / (1 + d), where m is the
//           description match of the code (description_match.h) and d = descriptionWeight (added to a trained
//           network by fusioncoder-cli retrieval); with a mention lexicon (mention_lexicon.h, weight
//           l = lexiconWeight > 0) the retrieval part is (v + d m + l x) / (1 + d + l), x the lexicon score;
//  "prior": score = sigmoid(network logit + logit(eps + (1 - 2 eps) v)), eps = kRetrievalPriorFloor: the
//           network was trained with the vote as a fixed prior (train --retrieval-prior) and learned how the
//           note's text corrects it.
constexpr float kRetrievalPriorFloor = 0.02f;
struct RetrievalOptions {
    std::string mode;               // "" (none), "mix" or "prior"
    float weight = 0.0f;            // "mix" only, in [0, 1]
    float descriptionWeight = 0.0f; // "mix" only, >= 0; > 0 needs descriptionsPath
    std::string descriptionsPath;   // code<TAB>description lines; readModelConfig sets it, writers copy it
    float lexiconWeight = 0.0f;     // "mix" only, >= 0; > 0 needs lexiconPath
    std::string lexiconPath;        // the mention lexicon file; readModelConfig sets it, writers copy it
    int neighbours = 20;            // k
    std::string indexPath;          // the neighbour index file; readModelConfig sets it, writers copy it
    bool enabled() const { return !mode.empty(); }
};

struct ModelConfig {
    std::string name = "Untitled model";
    std::string version = "1";
    // "fusion", "fusion-maxpool", "fusion-doclevel", "multirescnn", "caml", "drcaml", "laat", "jointlaat",
    // "clstm-att", "msatt-kg", "cmemnn", "hypercore"
    std::string arch = "fusion";
    std::string language = "en";
    bool placeholder = false; // random weights
    float threshold = 0.5f;
    NetworkOptions options;
    std::vector<std::string> labels; // output row order
    std::int64_t vocabularySize = 0; // V words; the embedding has V + 2 rows (PAD, words, UNK)
    std::string created;             // ISO-8601 UTC, set by the writers
    RetrievalOptions retrieval;
    // How weights.pt stores floating-point tensors: "float32" (default; what PyTorch writes) or "float16"
    // (half the size; loaded back into float32, so inference runs at full precision).
    std::string weightsType = "float32";
};

// Architectures makeNetwork() accepts.
const std::vector<std::string>& knownArchitectures();

// "icd-10-pcs", "icd-10-cm", "icd-9-cm", "icd-9-pcs" or "unknown", from the code's shape:
// 7 alphanumerics without a dot, or a 4-character PCS prefix with a letter after the first character
// ("5A1D") -> icd-10-pcs; digits only: 2 digits before a dot -> icd-9-pcs, otherwise icd-9-cm;
// E + 3 digits -> icd-9-cm; V + 2 digits (+ dot + 1-2 digits) -> icd-9-cm unless icd10Context (the model's
// other labels are ICD-10), then icd-10-cm; a letter + 2 alphanumerics (+ dot + 1-4) -> icd-10-cm.
std::string labelSystem(const std::string& code, bool icd10Context);
// labelSystem() for every label, with icd10Context = some label is unambiguously ICD-10.
std::vector<std::string> labelSystems(const std::vector<std::string>& labels);

// Writes a model directory with freshly initialised weights (the spec's initialisers; embedding rows are
// random unit vectors with row 0 = PAD zeros), seeded with `seed`. `vocabulary` is sorted and de-duplicated;
// config.vocabularySize is set from it. Throws ModelError on an unknown arch or empty labels.
void createModel(ModelConfig config, const std::vector<std::string>& vocabulary, std::uint64_t seed,
                 const std::string& outDir);

// Writes a copy of `modelDirectory` (every file in it) to `outDir` with the given retrieval component (its
// index and descriptions files copied in) and decision threshold in (0, 1); atomic like every writer, and
// `outDir` may be the model directory itself. Throws ModelError.
void writeWithRetrieval(const std::string& modelDirectory, const RetrievalOptions& retrieval, float threshold,
                        const std::string& outDir);

// Rewrites a model directory with its weights stored as `weightsType` ("float32" or "float16"), everything
// else (labels, vocabulary, threshold, retrieval index) unchanged; atomic like every writer. Throws
// ModelError / InputError.
void convertModel(const std::string& modelDirectory, const std::string& weightsType,
                  const std::string& outDir);

// What a model directory says about itself (model.json + labels.txt, vocabulary size from vocab.txt);
// weights are not read.
ModelConfig readModelConfig(const std::string& directory);

// Turns a checkpoint saved with the authors' code (`torch.save(model.state_dict(), f)`, zip format, the
// default since PyTorch 1.6) into a model directory. vocabPath: the authors' vocab.csv (one word per line,
// any order; blank lines skipped; sorted as their loader does). labelsPath: one code per line; sorted
// lexicographically as their loader assigns output rows (TOP_50_CODES.csv may be in frequency order).
// Tensors are checked against the architecture's schema (names and shapes) before anything is written.
struct ImportMetadata {
    std::string name = "Imported PyTorch model";
    std::string version = "1";
    std::string language = "en";
    float threshold = 0.5f;
    NetworkOptions options;
};
void importPytorch(const std::string& stateDictPath, const std::string& vocabPath,
                   const std::string& labelsPath, const std::string& arch, const std::string& outDir,
                   const ImportMetadata& metadata = {});

// Names and shapes of every tensor in the checkpoint of `config` (parameters then buffers, in registration
// order); no weights are initialised beyond what construction needs.
std::vector<std::pair<std::string, std::vector<std::int64_t>>> checkpointSchema(const ModelConfig& config);

} // namespace fc
