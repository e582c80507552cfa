#pragma once
// Extra short training examples made from what coders annotated and from what the code systems say
// (issue #13 item 4): each gold evidence mention with a little context becomes a document of its own for
// its code, and each code's catalog title, inclusion terms and index entries become synthetic documents.
// Written to a dataset file (dataset.h) that training reads beside, or before, the notes.
//
// Why: CodiEsp has ~500 training notes for ~2,900 codes, most of them seen once or twice. A whole note gives
// the network one positive per code buried among hundreds of words; a mention example tells it which words
// carry the code, and a knowledge example gives codes never seen in training something to learn from.
// Torch-free and Qt-free; pure functions, thread-safe.
#include "fc/model/dataset.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fc {

struct MentionExampleOptions {
    // Words kept on each side of the mention (whitespace-separated, within the mention's line).
    int contextWords = 8;
    // At most this many examples per code (the first ones in document order); 0 = no limit.
    int maxPerCode = 0;
};

struct MentionExampleReport {
    std::int64_t mentions = 0;    // evidence annotations read
    std::int64_t examples = 0;    // examples written
    std::int64_t duplicates = 0;  // examples whose (text, codes) repeated an earlier one (dropped)
    std::int64_t capped = 0;      // dropped by maxPerCode
    std::int64_t notAssigned = 0; // annotations whose code is not among the document's codes (skipped)
};

// One example per distinct (text, set of codes) mention window: the mention's span widened by contextWords
// words on each side, never across a line break. Its codes: the mention's code first, then every other code
// of the same document with an evidence span lying wholly inside the window (so that a code written in the
// same words is not taught as absent). Its evidence: those spans, offset into the example's text. Ids are
// "<document id>#m<k>" (k counts the document's examples from 1).
std::vector<Document> mentionExamples(const std::vector<Document>& documents,
                                      const MentionExampleOptions& options = {},
                                      MentionExampleReport* report = nullptr);

// Synthetic documents from code-system knowledge: for every code of `codes` (in that order) and every term
// listed for it in `terms` (title, inclusion terms, index entries, the parent's title: the caller decides),
// one document whose text is the term and whose only code is that code; ids "k:<code>#<n>". Empty and
// repeated terms of a code are skipped. Codes without terms get nothing.
std::vector<Document> knowledgeExamples(const std::vector<std::string>& codes,
                                        const std::map<std::string, std::vector<std::string>>& terms);

} // namespace fc
