#pragma once
// Word embeddings of the paper (fusion-spec.md 3.4): the `.embed` text file, its alignment to a Vocabulary
// as the authors' loader does it, and CBOW training of new vectors with fastText's library.
//
// `.embed` format: UTF-8 text, no header, one row per line: a word, then `dim` decimal floats, separated by
// spaces. The authors' file starts with "**PAD**" and zeros, followed by the vocabulary words in sorted
// order.
#include "fc/model/vocabulary.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace fc {

// Dense row-major float matrix, rows x dim.
struct EmbeddingMatrix {
    std::int64_t rows = 0;
    std::int64_t dim = 0;
    std::vector<float> values; // rows * dim

    float* row(std::int64_t r) { return values.data() + r * dim; }
    const float* row(std::int64_t r) const { return values.data() + r * dim; }
};

// Raw vectors keyed by word, in file (or training) order.
struct WordVectors {
    std::int64_t dim = 0;
    std::vector<std::string> words;
    std::vector<float> values; // words.size() * dim, row i belongs to words[i]

    const float* vector(std::size_t i) const { return values.data() + i * static_cast<std::size_t>(dim); }
};

// Reads a `.embed` file (a first line "<count> <dim>" as fastText/word2vec `.vec` files have is accepted and
// skipped). Every row must have the same number of finite floats; words must be unique. Throws InputError
// "<path>:<line>: <what>".
WordVectors readEmbedFile(const std::string& path);

// Writes the authors' layout atomically: "**PAD**" with zeros, then every vocabulary word, in id order, that
// `vectors` has (words without a vector are left out, so such a file is aligned by word, not by row).
// Floats are written in shortest round-trip form. Returns how many vocabulary words had no vector.
// std::runtime_error when the file cannot be written.
std::int64_t writeEmbedFile(const std::string& path, const Vocabulary& vocabulary,
                            const WordVectors& vectors);

struct EmbeddingAlignment {
    std::int64_t found = 0;   // vocabulary words that had a vector
    std::int64_t missing = 0; // vocabulary words that got a random vector
    std::int64_t unused = 0;  // vectors of words outside the vocabulary (PAD/UNK rows not counted)
};

// The embedding matrix of a model, vocabulary.rows() x vectors.dim, as caml-mimic's load_embeddings builds
// it: row 0 (PAD) zeros; row id(w) = v_w / (||v_w|| + 1e-6); row UNK = a standard-normal vector normalised
// the same way. Unlike the authors' loader (which takes rows by position), rows are matched by word, so a
// file in the authors' layout gives their matrix and any other order works too. Vocabulary words without a
// vector get an UNK-style random vector of their own. Random vectors come from std::mt19937(seed) with
// std::normal_distribution<double>: first the UNK row, then missing words in id order. A "**UNK**" row in
// `vectors` is used (normalised) instead of a random UNK row; a "**PAD**" row is ignored.
EmbeddingMatrix alignEmbeddings(const WordVectors& vectors, const Vocabulary& vocabulary,
                                std::uint32_t seed = 1, EmbeddingAlignment* report = nullptr);
EmbeddingMatrix loadEmbeddings(const std::string& path, const Vocabulary& vocabulary, std::uint32_t seed = 1,
                               EmbeddingAlignment* report = nullptr);

// The paper's word2vec settings (gensim 3 Word2Vec(size=100, min_count=0, iter=5) with defaults: CBOW with
// averaged context, window 5, 5 negative samples, alpha 0.025 decaying linearly, sample 1e-3), run by
// fastText's trainer. minn = maxn = 0 disables fastText's character n-grams, i.e. plain word2vec CBOW.
struct CbowOptions {
    int dim = 100;
    int window = 5;
    int epochs = 5;
    int negative = 5;
    int minCount = 1;            // words seen fewer times get no vector
    int threads = 1;             // > 1 is faster but not reproducible (lock-free updates)
    int seed = 1;                // with threads == 1 the vectors are a function of (corpus, options)
    double learningRate = 0.025; // decays linearly to 0 over training
    double sample = 1e-3;        // sub-sampling threshold of frequent words, 0 = keep every word
    int minn = 0;                // character n-gram lengths (fastText subwords), 0 = none
    int maxn = 0;
    int buckets = 2000000; // hash buckets of the n-grams, used only when maxn > 0
    std::string tempDir;   // where the tokenized corpus is written; empty = the system temp directory
};

// Fills `text` with the next document (UTF-8) and returns true, or returns false at the end.
using DocumentSource = std::function<bool(std::string& text)>;
// Fraction of training done in [0, 1], non-decreasing. Called from training threads (serialised, never
// concurrently); must be quick.
using CbowProgress = std::function<void(double fraction)>;

// Tokenizes every document with fc::tokenize into one line of a temporary file (removed afterwards) and
// trains CBOW vectors on it. Returns a vector for every word seen at least minCount times, sorted by word
// (byte-wise). Blocks the calling thread. Setting *cancel stops writing or training within a fraction of a
// second and throws fc::Cancelled. Throws InputError (invalid UTF-8 in document N, no word reaching minCount,
// bad options).
WordVectors trainCbow(const DocumentSource& documents, const CbowOptions& options = {},
                      const CbowProgress& progress = {}, const std::atomic<bool>* cancel = nullptr);
WordVectors trainCbow(const std::vector<std::string>& documents, const CbowOptions& options = {},
                      const CbowProgress& progress = {}, const std::atomic<bool>* cancel = nullptr);

} // namespace fc
