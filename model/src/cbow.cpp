// CBOW word vectors through Debian's libfasttext (fastText 0.9.2): the corpus is tokenized into a temporary
// file, one document per line, which fastText's trainer reads.
#include "fc/model/embeddings.h"

#include "fc/model/errors.h"
#include "fc/model/tokenizer.h"

#include <fasttext/fasttext.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <unistd.h>

namespace fc {
namespace {

// A uniquely named file created with mkstemp, removed when this goes out of scope.
class TemporaryCorpus {
public:
    explicit TemporaryCorpus(const std::string& directory) {
        const std::filesystem::path dir =
            directory.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(directory);
        std::string pattern = (dir / "fc-cbow-corpus-XXXXXX").string();
        const int fd = ::mkstemp(pattern.data());
        if (fd < 0)
            throw std::runtime_error("cannot create a temporary corpus file in " + dir.string());
        ::close(fd);
        m_path = pattern;
    }
    ~TemporaryCorpus() { std::remove(m_path.c_str()); }
    TemporaryCorpus(const TemporaryCorpus&) = delete;
    TemporaryCorpus& operator=(const TemporaryCorpus&) = delete;
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

bool cancelled(const std::atomic<bool>* cancel) {
    return cancel && cancel->load(std::memory_order_relaxed);
}

void checkOptions(const CbowOptions& o) {
    if (o.dim < 1 || o.window < 1 || o.epochs < 1 || o.negative < 1 || o.minCount < 1 || o.threads < 1 ||
        o.learningRate <= 0 || o.sample < 0 || o.minn < 0 || o.maxn < o.minn || (o.maxn > 0 && o.buckets < 1))
        throw InputError(
            "invalid CBOW options (dim, window, epochs, negative, minCount, threads must be >= 1, "
            "learningRate > 0, sample >= 0, 0 <= minn <= maxn, buckets >= 1 with n-grams)");
}

// Writes the tokens of each document as one space-separated line; returns the number of tokens written.
std::int64_t writeCorpus(const DocumentSource& documents, const std::string& path,
                         const std::atomic<bool>* cancel) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        throw std::runtime_error("cannot write the temporary corpus " + path);
    std::string text, line;
    std::int64_t documentIndex = 0, tokens = 0;
    while (documents(text)) {
        if (cancelled(cancel))
            throw Cancelled();
        std::vector<Token> words;
        try {
            words = tokenize(std::string_view(text));
        } catch (const InputError& e) {
            throw InputError("document " + std::to_string(documentIndex) + ": " + e.what());
        }
        ++documentIndex;
        if (words.empty())
            continue;
        line.clear();
        for (const Token& token : words) {
            if (!line.empty())
                line.push_back(' ');
            line += token.text;
        }
        line.push_back('\n');
        out << line;
        tokens += static_cast<std::int64_t>(words.size());
    }
    out.flush();
    if (!out)
        throw std::runtime_error("cannot write the temporary corpus " + path);
    return tokens;
}

fasttext::Args fastTextArgs(const CbowOptions& o, const std::string& input) {
    fasttext::Args args;
    args.input = input;
    args.model = fasttext::model_name::cbow;
    args.loss = fasttext::loss_name::ns;
    args.dim = o.dim;
    args.ws = o.window;
    args.epoch = o.epochs;
    args.neg = o.negative;
    args.minCount = o.minCount;
    args.thread = o.threads;
    args.seed = o.seed;
    args.lr = o.learningRate;
    // fastText keeps a word with probability sqrt(t/f) + t/f, so t = 0 would drop every word; gensim's
    // sample = 0 means "keep all", which a huge t gives.
    args.t = o.sample > 0 ? o.sample : 1e30;
    args.minn = o.minn;
    args.maxn = o.maxn;
    args.wordNgrams = 1;
    // Without character n-grams the bucket rows would only waste memory (2M x dim floats by default).
    args.bucket = o.maxn > 0 ? o.buckets : 0;
    args.verbose = 0;
    return args;
}

} // namespace

WordVectors trainCbow(const DocumentSource& documents, const CbowOptions& options,
                      const CbowProgress& progress, const std::atomic<bool>* cancel) {
    checkOptions(options);
    TemporaryCorpus corpus(options.tempDir);
    if (writeCorpus(documents, corpus.path(), cancel) == 0)
        throw InputError("the corpus has no tokens to train word vectors on");

    fasttext::FastText fastText;
    std::mutex callbackMutex;
    double reported = 0;
    // fastText calls this from its training threads; it is also the only place an abort can be requested.
    const auto callback = [&](float fraction, float, double, double, int64_t) {
        if (cancelled(cancel)) {
            fastText.abort();
            return;
        }
        if (progress) {
            std::lock_guard<std::mutex> lock(callbackMutex);
            const double clamped = std::clamp(static_cast<double>(fraction), 0.0, 1.0);
            if (clamped > reported) {
                reported = clamped;
                progress(clamped);
            }
        }
    };
    try {
        fastText.train(fastTextArgs(options, corpus.path()), callback);
    } catch (const fasttext::FastText::AbortError&) {
        throw Cancelled();
    } catch (const std::invalid_argument& e) {
        // fastText reports an empty dictionary (no word reaches minCount) this way.
        throw InputError(std::string("CBOW training: ") + e.what());
    }
    if (cancelled(cancel))
        throw Cancelled();

    const std::shared_ptr<const fasttext::Dictionary> dictionary = fastText.getDictionary();
    std::vector<std::string> words;
    words.reserve(static_cast<std::size_t>(dictionary->nwords()));
    for (std::int32_t i = 0; i < dictionary->nwords(); ++i) {
        std::string word = dictionary->getWord(i);
        if (word != fasttext::Dictionary::EOS)
            words.push_back(std::move(word));
    }
    std::sort(words.begin(), words.end());

    WordVectors result;
    result.dim = options.dim;
    result.values.resize(words.size() * static_cast<std::size_t>(options.dim));
    fasttext::Vector vector(options.dim);
    for (std::size_t i = 0; i < words.size(); ++i) {
        fastText.getWordVector(vector, words[i]);
        std::copy(vector.data(), vector.data() + options.dim,
                  result.values.begin() + static_cast<std::ptrdiff_t>(i * options.dim));
    }
    result.words = std::move(words);
    if (progress && reported < 1.0)
        progress(1.0);
    return result;
}

WordVectors trainCbow(const std::vector<std::string>& documents, const CbowOptions& options,
                      const CbowProgress& progress, const std::atomic<bool>* cancel) {
    std::size_t next = 0;
    const DocumentSource source = [&](std::string& text) {
        if (next == documents.size())
            return false;
        text = documents[next++];
        return true;
    };
    return trainCbow(source, options, progress, cancel);
}

} // namespace fc
