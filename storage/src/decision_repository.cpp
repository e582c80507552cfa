#include "fc/storage/repositories.h"

#include "audit_log_writer.h"
#include "json_object_writer.h"
#include "statement.h"

namespace fc::storage {
namespace {

constexpr const char* kDecisionColumns = "d.id, d.note_id, d.code, d.system, d.kind, d.poa, d.sequence, "
                                         "d.score, d.model_version, d.who, d.decided_at";

DecisionRecord readDecision(const detail::Statement& row) {
    DecisionRecord decision;
    decision.id = row.columnInt64(0);
    decision.noteId = row.columnInt64(1);
    decision.code = row.columnText(2);
    decision.system = row.columnText(3);
    // The CHECK constraint on decisions.kind guarantees a known value.
    decision.kind = decisionKindFromString(row.columnText(4)).value_or(DecisionKind::Accepted);
    decision.poa = row.columnText(5);
    decision.sequence = static_cast<int>(row.columnInt64(6));
    decision.score = row.columnDouble(7);
    decision.modelVersion = row.columnText(8);
    decision.who = row.columnText(9);
    decision.decidedAt = row.columnText(10);
    return decision;
}

std::vector<DecisionRecord> readDecisions(detail::Statement& select) {
    std::vector<DecisionRecord> decisions;
    while (select.step())
        decisions.push_back(readDecision(select));
    return decisions;
}

} // namespace

std::int64_t DecisionRepository::record(const DecisionRecord& decision) {
    const std::string who = decision.who.empty() ? currentOsUser() : decision.who;
    const std::string decidedAt = decision.decidedAt.empty() ? currentUtcTimestamp() : decision.decidedAt;
    const std::string kind = toString(decision.kind);

    Transaction transaction(m_db);
    detail::Statement insert(m_db,
                             "INSERT INTO decisions (note_id, code, system, kind, poa, sequence, score, "
                             "model_version, who, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bindInt64(1, decision.noteId)
        .bindText(2, decision.code)
        .bindText(3, decision.system)
        .bindText(4, kind)
        .bindText(5, decision.poa)
        .bindInt64(6, decision.sequence)
        .bindDouble(7, decision.score)
        .bindText(8, decision.modelVersion)
        .bindText(9, who)
        .bindText(10, decidedAt)
        .run();
    const std::int64_t id = m_db.lastInsertId();

    AuditEntry audit;
    audit.at = decidedAt;
    audit.who = who;
    audit.action = "decision." + kind;
    audit.detailsJson = detail::JsonObjectWriter()
                            .add("decision_id", id)
                            .add("note_id", decision.noteId)
                            .add("system", decision.system)
                            .add("code", decision.code)
                            .add("kind", kind)
                            .add("poa", decision.poa)
                            .add("sequence", static_cast<std::int64_t>(decision.sequence))
                            .add("score", decision.score)
                            .add("model_version", decision.modelVersion)
                            .str();
    detail::appendAuditEntry(m_db, audit);
    transaction.commit();
    return id;
}

std::vector<DecisionRecord> DecisionRepository::currentForNote(std::int64_t noteId) {
    // Newest = highest id (insertion order), not decided_at: a clock change cannot reorder decisions.
    detail::Statement select(m_db, std::string("SELECT ") + kDecisionColumns +
                                       " FROM decisions d JOIN (SELECT MAX(id) AS id FROM decisions "
                                       "WHERE note_id = ? GROUP BY system, code) newest ON newest.id = d.id "
                                       "WHERE d.kind <> 'removed' "
                                       "ORDER BY d.sequence = 0, d.sequence, d.code, d.system");
    select.bindInt64(1, noteId);
    return readDecisions(select);
}

std::vector<DecisionRecord> DecisionRepository::historyForNote(std::int64_t noteId) {
    detail::Statement select(m_db, std::string("SELECT ") + kDecisionColumns +
                                       " FROM decisions d WHERE d.note_id = ? ORDER BY d.id");
    select.bindInt64(1, noteId);
    return readDecisions(select);
}

std::int64_t DecisionRepository::count() {
    detail::Statement select(m_db, "SELECT COUNT(*) FROM decisions");
    select.step();
    return select.columnInt64(0);
}

} // namespace fc::storage
