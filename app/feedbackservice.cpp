#include "feedbackservice.h"

#include "fc/storage/repositories.h"

#include <sqlite3.h>

#include <stdexcept>

namespace fc {

namespace {

// Runs a read-only query and calls `row` for each result row. Throws StorageError on failure.
template <typename Row> void query(storage::Database& db, const char* sql, Row row) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db.handle(), sql, -1, &statement, nullptr) != SQLITE_OK)
        throw storage::StorageError(storage::StorageError::Kind::Generic,
                                    std::string("feedback query failed: ") + sqlite3_errmsg(db.handle()));
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW)
        row(statement);
    sqlite3_finalize(statement);
    if (rc != SQLITE_DONE)
        throw storage::StorageError(storage::StorageError::Kind::Generic,
                                    std::string("feedback query failed: ") + sqlite3_errmsg(db.handle()));
}

} // namespace

std::vector<ReviewedNote> FeedbackService::reviewedNotes() {
    std::vector<std::int64_t> ids;
    query(m_db, "SELECT DISTINCT note_id FROM decisions ORDER BY note_id",
          [&](sqlite3_stmt* s) { ids.push_back(sqlite3_column_int64(s, 0)); });
    storage::NoteRepository notes(m_db);
    storage::DecisionRepository decisions(m_db);
    std::vector<ReviewedNote> result;
    for (const auto id : ids) {
        const auto note = notes.find(id);
        if (!note)
            continue;
        std::map<std::string, storage::DecisionKind> newest; // history is oldest first
        for (const auto& decision : decisions.historyForNote(id))
            newest[decision.code] = decision.kind;
        ReviewedNote reviewed;
        reviewed.id = std::to_string(id);
        reviewed.text = note->text;
        for (const auto& [code, kind] : newest)
            (kind == storage::DecisionKind::Accepted || kind == storage::DecisionKind::Added
                 ? reviewed.positive
                 : reviewed.negative)
                .push_back(code);
        result.push_back(std::move(reviewed));
    }
    return result;
}

FeedbackCounts FeedbackService::counts() {
    FeedbackCounts counts;
    query(m_db, "SELECT COUNT(DISTINCT note_id) FROM decisions",
          [&](sqlite3_stmt* s) { counts.reviewedNotes = sqlite3_column_int64(s, 0); });
    query(m_db, "SELECT kind, COUNT(*) FROM decisions GROUP BY kind", [&](sqlite3_stmt* s) {
        counts.decisions[reinterpret_cast<const char*>(sqlite3_column_text(s, 0))] =
            sqlite3_column_int64(s, 1);
    });
    return counts;
}

} // namespace fc
