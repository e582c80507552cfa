#include "fc/storage/model_repositories.h"
#include "fc/storage/repositories.h"

#include "audit_log_writer.h"
#include "json_object_writer.h"
#include "statement.h"

#include <algorithm>

namespace fc::storage {
namespace {

constexpr const char* kSelectRun =
    "SELECT id, model_version_id, output_model_version_id, settings_json, status, "
    "progress, log, started_at, finished_at FROM finetune_runs";

FineTuneRunRecord readRun(const detail::Statement& row) {
    FineTuneRunRecord run;
    run.id = row.columnInt64(0);
    run.modelVersionId = row.columnIsNull(1) ? 0 : row.columnInt64(1);
    run.outputModelVersionId = row.columnIsNull(2) ? 0 : row.columnInt64(2);
    run.settingsJson = row.columnText(3);
    // The CHECK constraint on finetune_runs.status guarantees a known value.
    run.status = fineTuneStatusFromString(row.columnText(4)).value_or(FineTuneStatus::Failed);
    run.progress = row.columnDouble(5);
    run.log = row.columnText(6);
    run.startedAt = row.columnText(7);
    run.finishedAt = row.columnText(8);
    return run;
}

void bindOptionalId(detail::Statement& statement, int index, std::int64_t id) {
    if (id != 0)
        statement.bindInt64(index, id);
    else
        statement.bindNull(index);
}

void bindOptionalText(detail::Statement& statement, int index, const std::string& text) {
    if (!text.empty())
        statement.bindText(index, text);
    else
        statement.bindNull(index);
}

std::int64_t changedRows(Database& db) {
    detail::Statement select(db, "SELECT changes()");
    select.step();
    return select.columnInt64(0);
}

} // namespace

std::string toString(FineTuneStatus status) {
    switch (status) {
    case FineTuneStatus::Queued:
        return "queued";
    case FineTuneStatus::Running:
        return "running";
    case FineTuneStatus::Succeeded:
        return "succeeded";
    case FineTuneStatus::Failed:
        return "failed";
    case FineTuneStatus::Cancelled:
        return "cancelled";
    }
    return "failed"; // unreachable for valid enumerators
}

std::optional<FineTuneStatus> fineTuneStatusFromString(const std::string& text) {
    for (FineTuneStatus status : {FineTuneStatus::Queued, FineTuneStatus::Running, FineTuneStatus::Succeeded,
                                  FineTuneStatus::Failed, FineTuneStatus::Cancelled}) {
        if (toString(status) == text)
            return status;
    }
    return std::nullopt;
}

std::int64_t FineTuneRunRepository::create(const FineTuneRunRecord& run) {
    std::string startedAt = run.startedAt;
    if (startedAt.empty() && run.status != FineTuneStatus::Queued)
        startedAt = currentUtcTimestamp();
    Transaction transaction(m_db);
    detail::Statement insert(m_db, "INSERT INTO finetune_runs (model_version_id, output_model_version_id, "
                                   "settings_json, status, progress, log, started_at, finished_at) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    bindOptionalId(insert, 1, run.modelVersionId);
    bindOptionalId(insert, 2, run.outputModelVersionId);
    insert.bindText(3, run.settingsJson.empty() ? std::string("{}") : run.settingsJson)
        .bindText(4, toString(run.status))
        .bindDouble(5, std::clamp(run.progress, 0.0, 1.0))
        .bindText(6, run.log);
    bindOptionalText(insert, 7, startedAt);
    bindOptionalText(insert, 8, run.finishedAt);
    insert.run();
    const std::int64_t id = m_db.lastInsertId();
    AuditEntry audit;
    audit.action = "finetune.created";
    audit.detailsJson =
        detail::JsonObjectWriter().add("run_id", id).add("model_version_id", run.modelVersionId).str();
    detail::appendAuditEntry(m_db, audit);
    transaction.commit();
    return id;
}

void FineTuneRunRepository::updateProgress(std::int64_t id, double progress, const std::string& logLines) {
    Transaction transaction(m_db);
    detail::Statement update(m_db,
                             "UPDATE finetune_runs SET status = 'running', progress = ?, log = log || ?, "
                             "started_at = COALESCE(started_at, ?) WHERE id = ?");
    update.bindDouble(1, std::clamp(progress, 0.0, 1.0))
        .bindText(2, logLines)
        .bindText(3, currentUtcTimestamp())
        .bindInt64(4, id)
        .run();
    if (changedRows(m_db) != 1)
        throw StorageError(StorageError::Kind::Generic, "No fine-tune run " + std::to_string(id) + ".");
    transaction.commit();
}

void FineTuneRunRepository::finish(std::int64_t id, FineTuneStatus status, std::int64_t outputModelVersionId,
                                   const std::string& logLines) {
    if (status == FineTuneStatus::Queued || status == FineTuneStatus::Running) {
        throw StorageError(StorageError::Kind::Generic,
                           "Internal error: a fine-tune run cannot finish as " + toString(status) + ".");
    }
    Transaction transaction(m_db);
    detail::Statement update(m_db, "UPDATE finetune_runs SET status = ?, output_model_version_id = ?, "
                                   "log = log || ?, finished_at = ?, progress = CASE WHEN ? = 'succeeded' "
                                   "THEN 1 ELSE progress END WHERE id = ?");
    update.bindText(1, toString(status));
    bindOptionalId(update, 2, outputModelVersionId);
    update.bindText(3, logLines)
        .bindText(4, currentUtcTimestamp())
        .bindText(5, toString(status))
        .bindInt64(6, id);
    update.run();
    if (changedRows(m_db) != 1)
        throw StorageError(StorageError::Kind::Generic, "No fine-tune run " + std::to_string(id) + ".");
    AuditEntry audit;
    audit.action = "finetune." + toString(status);
    audit.detailsJson = detail::JsonObjectWriter()
                            .add("run_id", id)
                            .add("output_model_version_id", outputModelVersionId)
                            .str();
    detail::appendAuditEntry(m_db, audit);
    transaction.commit();
}

std::optional<FineTuneRunRecord> FineTuneRunRepository::find(std::int64_t id) {
    detail::Statement select(m_db, std::string(kSelectRun) + " WHERE id = ?");
    select.bindInt64(1, id);
    if (!select.step())
        return std::nullopt;
    return readRun(select);
}

std::vector<FineTuneRunRecord> FineTuneRunRepository::all() {
    detail::Statement select(m_db, std::string(kSelectRun) + " ORDER BY id");
    std::vector<FineTuneRunRecord> runs;
    while (select.step())
        runs.push_back(readRun(select));
    return runs;
}

} // namespace fc::storage
