#include "fc/storage/feedback_repository.h"

#include "statement.h"

namespace fc::storage {

std::vector<std::int64_t> FeedbackRepository::decidedNoteIds() {
    detail::Statement select(m_db, "SELECT DISTINCT note_id FROM decisions ORDER BY note_id");
    std::vector<std::int64_t> ids;
    while (select.step())
        ids.push_back(select.columnInt64(0));
    return ids;
}

std::int64_t FeedbackRepository::decidedNoteCount() {
    detail::Statement select(m_db, "SELECT COUNT(DISTINCT note_id) FROM decisions");
    select.step();
    return select.columnInt64(0);
}

std::map<std::string, std::int64_t> FeedbackRepository::decisionCountsByKind() {
    detail::Statement select(m_db, "SELECT kind, COUNT(*) FROM decisions GROUP BY kind");
    std::map<std::string, std::int64_t> counts;
    while (select.step())
        counts[select.columnText(0)] = select.columnInt64(1);
    return counts;
}

std::vector<DecisionOutcome> FeedbackRepository::outcomesByNoteAndCode() {
    detail::Statement select(m_db,
                             "SELECT note_id, code, kind, score FROM decisions ORDER BY note_id, code, id");
    std::vector<DecisionOutcome> outcomes;
    while (select.step()) {
        DecisionOutcome outcome;
        outcome.noteId = select.columnInt64(0);
        outcome.code = select.columnText(1);
        // The CHECK constraint on decisions.kind guarantees a known value.
        outcome.kind = decisionKindFromString(select.columnText(2)).value_or(DecisionKind::Accepted);
        outcome.score = select.columnIsNull(3) ? -1.0 : select.columnDouble(3);
        outcomes.push_back(std::move(outcome));
    }
    return outcomes;
}

} // namespace fc::storage
