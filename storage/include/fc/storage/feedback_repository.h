#pragma once
// Read-only queries over the stored decisions that the learning loop needs: which notes were reviewed, how
// many decisions of each kind, and every decision in (note, code, age) order for the feedback insights.
// Reads only: no transaction is needed (each query is one statement, a consistent snapshot in SQLite).
#include "fc/storage/repositories.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fc::storage {

// One decision reduced to what the insights use.
struct DecisionOutcome {
    std::int64_t noteId = 0;
    std::string code;
    DecisionKind kind = DecisionKind::Accepted;
    double score = -1.0; // the model score shown when decided; -1 for codes the coder added
};

class FeedbackRepository {
public:
    explicit FeedbackRepository(Database& db) : m_db(db) {}
    std::vector<std::int64_t> decidedNoteIds();                 // notes with at least one decision, ascending
    std::int64_t decidedNoteCount();                            // how many such notes
    std::map<std::string, std::int64_t> decisionCountsByKind(); // "accepted" -> n, ... (kinds that occur)
    // Every decision, ordered by note, then code, then oldest first.
    std::vector<DecisionOutcome> outcomesByNoteAndCode();

private:
    Database& m_db;
};

} // namespace fc::storage
