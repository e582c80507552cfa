#pragma once
// Turning datasets into model inputs for training (internal to fc::model): label space, vocabulary,
// word ids, padded batches, DR-CAML description ids.
#include "fc/model/metrics.h"
#include "fc/model/training.h"
#include "fc/model/vocabulary.h"

#include <torch/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace fc::trainer {

// One note as the network sees it: word ids of the first maxTokens tokens and its gold labels.
struct EncodedNote {
    std::vector<std::int64_t> ids; // never empty: a note without tokens gets one PAD id
    GoldCodes gold;                // indices into the label space + codes outside it
    std::size_t tokens = 0;        // tokens before truncation
    std::size_t source = 0;        // row of the document in encode()'s input
};

struct EncodedSet {
    std::vector<EncodedNote> notes;
    std::size_t skipped = 0;   // notes without any code in the label space (dropped, as the authors do)
    std::size_t truncated = 0; // notes longer than maxTokens
};

// The label space, sorted lexicographically (byte order): the labels file, or the topLabels most frequent
// codes of trainSet (document frequency; ties by code), or every code of trainSet (+ devSet).
// Throws InputError when the result is empty or the file is unreadable.
std::vector<std::string> chooseLabels(const TrainOptions& options, const std::vector<Document>& trainSet,
                                      const std::vector<Document>& devSet);
// The same from the training set's code document frequencies.
std::vector<std::string> chooseLabels(const TrainOptions& options,
                                      const std::map<std::string, std::size_t>& trainCodeCounts,
                                      const std::vector<Document>& devSet);

// Lower-cased token texts of every document (no truncation), in document order.
std::vector<std::vector<std::string>> tokenTexts(const std::vector<Document>& documents);

// Words occurring in >= minDocumentFrequency of the given token lists.
std::vector<std::string>
frequentWords(const std::vector<const std::vector<std::vector<std::string>>*>& corpora,
              int minDocumentFrequency);

// Texts of the extra unlabelled corpus files (see TrainOptions::corpusPaths). Throws InputError.
std::vector<std::string> readCorpusTexts(const std::vector<std::string>& paths);

EncodedSet encode(const std::vector<Document>& documents, const std::vector<std::vector<std::string>>& tokens,
                  const Vocabulary& vocabulary, const std::vector<std::string>& labels,
                  std::int64_t maxTokens);

// [B, n] int64 ids of notes[order[first..first+count)], right-padded with 0 to the longest one.
torch::Tensor paddedIds(const std::vector<EncodedNote>& notes, const std::vector<std::size_t>& order,
                        std::size_t first, std::size_t count);
// [B, Y] float multi-hot targets of the same notes.
torch::Tensor multiHot(const std::vector<EncodedNote>& notes, const std::vector<std::size_t>& order,
                       std::size_t first, std::size_t count, std::size_t labelCount);

// Sparse retrieval votes of one note: (label index, vote); the other labels have vote 0.
using SparseVotes = std::vector<std::pair<std::int32_t, float>>;
// [B, Y] retrieval priors (neighbours.h retrievalPrior) of the same notes, from their votes by note.source.
torch::Tensor priorBatch(const std::vector<EncodedNote>& notes, const std::vector<std::size_t>& order,
                         std::size_t first, std::size_t count, const std::vector<SparseVotes>& votesBySource,
                         std::size_t labelCount);

// `code<TAB>description` lines (caml-mimic's ICD9_descriptions format; also `code description` with a space
// when there is no tab). Later lines do not override earlier ones. Throws InputError if unreadable.
std::unordered_map<std::string, std::string> readDescriptions(const std::string& path);
// Per label: 1-D int64 ids of its description's tokens (UNK for unknown words), empty if it has none.
std::vector<torch::Tensor> descriptionIds(const std::vector<std::string>& labels,
                                          const std::unordered_map<std::string, std::string>& descriptions,
                                          const Vocabulary& vocabulary);

} // namespace fc::trainer
