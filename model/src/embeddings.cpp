#include "fc/model/embeddings.h"

#include "fc/model/errors.h"
#include "fc/model/unicode.h"

#include "atomic_file.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <random>
#include <unordered_map>

namespace fc {
namespace {

const char* const kPadWord = "**PAD**";
const char* const kUnkWord = "**UNK**";

std::vector<std::string_view> splitFields(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t')
            ++i;
        if (i > start)
            fields.push_back(line.substr(start, i - start));
    }
    return fields;
}

bool isInteger(std::string_view field) {
    long long value = 0;
    const auto result = std::from_chars(field.data(), field.data() + field.size(), value);
    return result.ec == std::errc() && result.ptr == field.data() + field.size() && value >= 0;
}

// v / (||v|| + 1e-6), computed in double as numpy does for the authors' float64 rows.
void normaliseInto(const float* source, float* target, std::int64_t dim) {
    double squares = 0;
    for (std::int64_t k = 0; k < dim; ++k)
        squares += static_cast<double>(source[k]) * source[k];
    const double scale = 1.0 / (std::sqrt(squares) + 1e-6);
    for (std::int64_t k = 0; k < dim; ++k)
        target[k] = static_cast<float>(source[k] * scale);
}

void randomUnitRow(std::mt19937& rng, float* target, std::int64_t dim) {
    std::normal_distribution<double> normal(0.0, 1.0);
    std::vector<float> draw(static_cast<std::size_t>(dim));
    for (float& x : draw)
        x = static_cast<float>(normal(rng));
    normaliseInto(draw.data(), target, dim);
}

} // namespace

WordVectors readEmbedFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError("cannot open embedding file " + path);
    WordVectors vectors;
    std::unordered_map<std::string, std::int64_t> seen;
    std::string line;
    std::int64_t lineNumber = 0;
    while (std::getline(in, line)) {
        ++lineNumber;
        const auto fail = [&](const std::string& what) {
            throw InputError(path + ":" + std::to_string(lineNumber) + ": " + what);
        };
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        const std::vector<std::string_view> fields = splitFields(line);
        if (fields.empty())
            continue;
        if (lineNumber == 1 && fields.size() == 2 && isInteger(fields[0]) && isInteger(fields[1]))
            continue; // "<count> <dim>" header of .vec files
        if (fields.size() < 2)
            fail("expected a word followed by floats");
        const auto dim = static_cast<std::int64_t>(fields.size()) - 1;
        if (vectors.dim == 0)
            vectors.dim = dim;
        else if (dim != vectors.dim)
            fail(std::to_string(dim) + " values where earlier rows have " + std::to_string(vectors.dim));
        std::string word(fields[0]);
        if (!isValidUtf8(word))
            fail("word is not valid UTF-8");
        if (!seen.emplace(word, lineNumber).second)
            fail("duplicate word \"" + word + "\" (first on line " + std::to_string(seen[word]) + ")");
        for (std::size_t k = 1; k < fields.size(); ++k) {
            float value = 0;
            const std::string_view field = fields[k];
            const auto result = std::from_chars(field.data(), field.data() + field.size(), value);
            if (result.ec != std::errc() || result.ptr != field.data() + field.size() ||
                !std::isfinite(value))
                fail("value " + std::to_string(k) + " is not a finite number: \"" + std::string(field) +
                     "\"");
            vectors.values.push_back(value);
        }
        vectors.words.push_back(std::move(word));
    }
    if (in.bad())
        throw InputError("cannot read embedding file " + path);
    if (vectors.words.empty())
        throw InputError(path + ": no embedding rows");
    return vectors;
}

std::int64_t writeEmbedFile(const std::string& path, const Vocabulary& vocabulary,
                            const WordVectors& vectors) {
    std::unordered_map<std::string_view, std::size_t> index;
    index.reserve(vectors.words.size());
    for (std::size_t i = 0; i < vectors.words.size(); ++i)
        index.emplace(vectors.words[i], i);

    AtomicFile file(path);
    std::ofstream& out = file.stream();
    std::string row;
    char number[32];
    const auto writeRow = [&](const std::string& word, const float* values) {
        row.assign(word);
        for (std::int64_t k = 0; k < vectors.dim; ++k) {
            const float value = values ? values[k] : 0.0f;
            const auto result = std::to_chars(number, number + sizeof number, value);
            row.push_back(' ');
            row.append(number, result.ptr);
        }
        row.push_back('\n');
        out << row;
    };
    writeRow(kPadWord, nullptr);
    std::int64_t missing = 0;
    for (const std::string& word : vocabulary.words()) {
        const auto it = index.find(word);
        if (it == index.end())
            ++missing;
        else
            writeRow(word, vectors.vector(it->second));
    }
    file.commit();
    return missing;
}

EmbeddingMatrix alignEmbeddings(const WordVectors& vectors, const Vocabulary& vocabulary, std::uint32_t seed,
                                EmbeddingAlignment* report) {
    if (vectors.dim <= 0)
        throw InputError("embeddings have no dimension");
    EmbeddingMatrix matrix;
    matrix.rows = vocabulary.rows();
    matrix.dim = vectors.dim;
    matrix.values.assign(static_cast<std::size_t>(matrix.rows * matrix.dim), 0.0f);

    EmbeddingAlignment counts;
    std::vector<bool> filled(static_cast<std::size_t>(matrix.rows), false);
    filled[0] = true; // PAD stays zero
    const std::int64_t unk = vocabulary.unkId();
    for (std::size_t i = 0; i < vectors.words.size(); ++i) {
        const std::string& word = vectors.words[i];
        if (word == kPadWord)
            continue;
        const std::int64_t id = word == kUnkWord ? unk : vocabulary.id(word);
        if (id == unk && word != kUnkWord) {
            ++counts.unused;
            continue;
        }
        if (filled[static_cast<std::size_t>(id)])
            continue; // a duplicate row; readEmbedFile rejects them, other sources keep the first
        normaliseInto(vectors.vector(i), matrix.row(id), matrix.dim);
        filled[static_cast<std::size_t>(id)] = true;
        if (id != unk)
            ++counts.found;
    }
    std::mt19937 rng(seed);
    if (!filled[static_cast<std::size_t>(unk)])
        randomUnitRow(rng, matrix.row(unk), matrix.dim);
    for (std::int64_t id = 1; id < unk; ++id) {
        if (!filled[static_cast<std::size_t>(id)]) {
            randomUnitRow(rng, matrix.row(id), matrix.dim);
            ++counts.missing;
        }
    }
    if (report)
        *report = counts;
    return matrix;
}

EmbeddingMatrix loadEmbeddings(const std::string& path, const Vocabulary& vocabulary, std::uint32_t seed,
                               EmbeddingAlignment* report) {
    return alignEmbeddings(readEmbedFile(path), vocabulary, seed, report);
}

} // namespace fc
