#pragma once
// The coder's stored decisions as fine-tuning material: reviewed notes with their positive (accepted, added)
// and negative (rejected, removed) codes, and the feedback counts the Learn dialog shows.
// Threading: uses the given Database on the calling thread (one connection per thread).
#include "fc/model/finetune.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fc {

namespace storage {
class Database;
}

struct FeedbackCounts {
    std::int64_t reviewedNotes = 0;                // notes with at least one decision
    std::map<std::string, std::int64_t> decisions; // kind ("accepted", ...) -> decisions of that kind
};

class FeedbackService {
public:
    explicit FeedbackService(storage::Database& db) : m_db(db) {}
    // Every note with a decision, id = the note's database id in decimal, codes by each code's newest
    // decision (DecisionRepository::history order): accepted/added -> positive, rejected/removed -> negative.
    std::vector<ReviewedNote> reviewedNotes();
    FeedbackCounts counts();

private:
    storage::Database& m_db;
};

} // namespace fc
