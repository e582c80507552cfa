#include "fc/storage/model_repositories.h"
#include "fc/storage/repositories.h"

#include "audit_log_writer.h"
#include "json_object_writer.h"
#include "statement.h"

namespace fc::storage {
namespace {

constexpr const char* kSelectModelVersion = "SELECT id, parent_id, path, name, created_at, training_summary, "
                                            "metrics_json, active FROM model_versions";

ModelVersionRecord readModelVersion(const detail::Statement& row) {
    ModelVersionRecord record;
    record.id = row.columnInt64(0);
    record.parentId = row.columnIsNull(1) ? 0 : row.columnInt64(1);
    record.path = row.columnText(2);
    record.name = row.columnText(3);
    record.createdAt = row.columnText(4);
    record.trainingSummary = row.columnText(5);
    record.metricsJson = row.columnText(6);
    record.active = row.columnInt64(7) != 0;
    return record;
}

std::optional<ModelVersionRecord> selectOne(Database& db, const std::string& where, std::int64_t id) {
    detail::Statement select(db, std::string(kSelectModelVersion) + " " + where);
    if (id != 0)
        select.bindInt64(1, id);
    if (!select.step())
        return std::nullopt;
    return readModelVersion(select);
}

} // namespace

std::int64_t ModelVersionRepository::add(const ModelVersionRecord& record) {
    Transaction transaction(m_db);
    detail::Statement insert(m_db, "INSERT INTO model_versions (parent_id, path, name, created_at, "
                                   "training_summary, metrics_json, active) VALUES (?, ?, ?, ?, ?, ?, 0)");
    if (record.parentId != 0)
        insert.bindInt64(1, record.parentId);
    else
        insert.bindNull(1);
    insert.bindText(2, record.path)
        .bindText(3, record.name)
        .bindText(4, record.createdAt.empty() ? currentUtcTimestamp() : record.createdAt)
        .bindText(5, record.trainingSummary)
        .bindText(6, record.metricsJson.empty() ? std::string("{}") : record.metricsJson)
        .run();
    const std::int64_t id = m_db.lastInsertId();
    AuditEntry audit;
    audit.action = "model.registered";
    audit.detailsJson = detail::JsonObjectWriter()
                            .add("model_version_id", id)
                            .add("parent_id", record.parentId)
                            .add("name", record.name)
                            .add("path", record.path)
                            .str();
    detail::appendAuditEntry(m_db, audit);
    transaction.commit();
    return id;
}

void ModelVersionRepository::activate(std::int64_t id) {
    Transaction transaction(m_db);
    const auto target = find(id);
    if (!target) {
        throw StorageError(StorageError::Kind::Generic,
                           "Cannot activate model version " + std::to_string(id) + ": it is not registered.");
    }
    detail::Statement(m_db, "UPDATE model_versions SET active = 0 WHERE active = 1").run();
    detail::Statement(m_db, "UPDATE model_versions SET active = 1 WHERE id = ?").bindInt64(1, id).run();
    AuditEntry audit;
    audit.action = "model.activated";
    audit.detailsJson =
        detail::JsonObjectWriter().add("model_version_id", id).add("name", target->name).str();
    detail::appendAuditEntry(m_db, audit);
    transaction.commit();
}

std::optional<ModelVersionRecord> ModelVersionRepository::active() {
    return selectOne(m_db, "WHERE active = 1", 0);
}

std::optional<ModelVersionRecord> ModelVersionRepository::find(std::int64_t id) {
    return selectOne(m_db, "WHERE id = ?", id);
}

std::vector<ModelVersionRecord> ModelVersionRepository::all() {
    detail::Statement select(m_db, std::string(kSelectModelVersion) + " ORDER BY id");
    std::vector<ModelVersionRecord> records;
    while (select.step())
        records.push_back(readModelVersion(select));
    return records;
}

} // namespace fc::storage
