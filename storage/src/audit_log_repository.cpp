#include "audit_log_writer.h"
#include "statement.h"

namespace fc::storage {

std::int64_t detail::appendAuditEntry(Database& db, const AuditEntry& entry) {
    Statement insert(db, "INSERT INTO audit_log (at, who, action, details_json) VALUES (?, ?, ?, ?)");
    insert.bindText(1, entry.at.empty() ? currentUtcTimestamp() : entry.at)
        .bindText(2, entry.who.empty() ? currentOsUser() : entry.who)
        .bindText(3, entry.action)
        .bindText(4, entry.detailsJson.empty() ? std::string("{}") : entry.detailsJson)
        .run();
    return db.lastInsertId();
}

std::int64_t AuditLogRepository::append(const AuditEntry& entry) {
    Transaction transaction(m_db);
    const std::int64_t id = detail::appendAuditEntry(m_db, entry);
    transaction.commit();
    return id;
}

std::vector<AuditEntry> AuditLogRepository::all() {
    detail::Statement select(m_db, "SELECT id, at, who, action, details_json FROM audit_log ORDER BY id");
    std::vector<AuditEntry> entries;
    while (select.step()) {
        AuditEntry entry;
        entry.id = select.columnInt64(0);
        entry.at = select.columnText(1);
        entry.who = select.columnText(2);
        entry.action = select.columnText(3);
        entry.detailsJson = select.columnText(4);
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::int64_t AuditLogRepository::count() {
    detail::Statement select(m_db, "SELECT COUNT(*) FROM audit_log");
    select.step();
    return select.columnInt64(0);
}

} // namespace fc::storage
