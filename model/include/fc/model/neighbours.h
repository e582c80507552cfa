#pragma once
// Nearest-neighbour code vote over TF-IDF vectors of training notes: the retrieval baseline of
// codiesp-notes.md, and the retrieval component a model directory may carry (model.json "retrieval":
// a code's final score mixes the network's probability with this vote, which helps the long tail of codes
// the network saw too rarely to learn; the network still gives every code its evidence).
//
// Weights: (1 + log tf) x log(N / df) over the training notes' tokens (tokenizer.h), L2-normalised; the
// similarity is the cosine. vote(code) = sum of the similarities of the k nearest notes that carry the code
// / sum of the similarities of the k nearest notes, in [0, 1].
#include "fc/model/dataset.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fc {

// The log-odds a vote contributes as a prior (modelfiles.h RetrievalOptions "prior"):
// logit(0.02 + 0.96 vote), the same floor as kRetrievalPriorFloor.
float retrievalPrior(float vote);

class NeighbourIndex {
public:
    NeighbourIndex() = default;
    // Every document of `train` with at least one code and one token; codes are kept as they are written.
    static NeighbourIndex build(const std::vector<Document>& train);

    // Text file (format in neighbours.cpp); save writes atomically. load throws ModelError naming the file
    // and line when it is missing, truncated or malformed.
    void save(const std::string& path) const;
    static NeighbourIndex load(const std::string& path);

    std::size_t documents() const { return m_documentCodes.size(); }
    std::size_t words() const { return m_idf.size(); }
    // The IDF of a word over the indexed notes; log(documents) (the largest) for a word they never use.
    float idf(const std::string& word) const;

    // Votes for the codes of the k nearest training notes (codes without a vote are absent). `exclude`: the
    // row (in build()'s input) of a note to leave out, so a training note is not its own neighbour.
    std::unordered_map<std::string, float> vote(std::string_view utf8Text, int k,
                                                std::int64_t exclude = -1) const;

    // Adds one more coded note (fine-tuning adds the notes the coder reviewed, with the codes the coder
    // left). Weights use the index's IDF as it is (the other notes' vectors stay valid); a word the index has
    // never seen joins it with idf() of an unseen word. A note whose vector is nearly the one of an indexed
    // note (cosine >= 0.999: the same text again, e.g. when a later fine-tuning run sees the same reviewed
    // notes) replaces that note's codes instead of adding a copy. Skipped: no code, or no word with weight.
    enum class AddOutcome { Added, Replaced, Skipped };
    AddOutcome add(const Document& document);

    // How often each code occurs in the indexed notes (the frequency baseline's ranking).
    std::unordered_map<std::string, std::size_t> codeCounts() const;

private:
    struct Posting {
        std::uint32_t document;
        float weight;
    };
    void addDocument(std::vector<std::string> codes,
                     const std::vector<std::pair<std::uint32_t, float>>& vector);

    std::unordered_map<std::string, std::uint32_t> m_wordIds;
    std::vector<std::string> m_words;
    std::vector<float> m_idf;
    std::vector<std::vector<Posting>> m_postings;                                // per word
    std::vector<std::vector<std::string>> m_documentCodes;                       // per document
    std::vector<std::vector<std::pair<std::uint32_t, float>>> m_documentVectors; // for save()
    std::vector<std::int64_t> m_sources; // per document: its row in build()'s input (-1 after load())
};

} // namespace fc
