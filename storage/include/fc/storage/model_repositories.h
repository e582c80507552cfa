#pragma once
// Repositories of the learning loop: registered model versions (one of them active) and fine-tune runs.
// Each write is one transaction and leaves an audit_log row.
#include "fc/storage/database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fc::storage {

struct ModelVersionRecord {
    std::int64_t id = 0;
    std::int64_t parentId = 0; // the version it was fine-tuned from; 0 = none (e.g. the shipped model)
    std::string path;          // model directory
    std::string name;          // shown to the coder
    std::string createdAt;     // ISO 8601 UTC, set by the repository when empty
    std::string trainingSummary;
    std::string metricsJson = "{}"; // one JSON object
    bool active = false;
};

class ModelVersionRepository {
public:
    explicit ModelVersionRepository(Database& db) : m_db(db) {}
    // Registers a version (inactive, whatever record.active says); returns its id.
    std::int64_t add(const ModelVersionRecord& record);
    // Makes `id` the only active version. Throws StorageError(Generic) for an unknown id.
    void activate(std::int64_t id);
    std::optional<ModelVersionRecord> active();
    std::optional<ModelVersionRecord> find(std::int64_t id);
    std::vector<ModelVersionRecord> all(); // oldest first

private:
    Database& m_db;
};

enum class FineTuneStatus { Queued, Running, Succeeded, Failed, Cancelled };
std::string toString(FineTuneStatus status); // "queued", "running", "succeeded", "failed", "cancelled"
std::optional<FineTuneStatus> fineTuneStatusFromString(const std::string& text);

struct FineTuneRunRecord {
    std::int64_t id = 0;
    std::int64_t modelVersionId = 0;       // the version the run starts from; 0 = none registered
    std::int64_t outputModelVersionId = 0; // the version it produced; 0 until it succeeds
    std::string settingsJson = "{}";       // one JSON object
    FineTuneStatus status = FineTuneStatus::Queued;
    double progress = 0.0; // fraction in [0, 1]
    std::string log;
    std::string startedAt;  // ISO 8601 UTC; "" = not started
    std::string finishedAt; // ISO 8601 UTC; "" = not finished
};

class FineTuneRunRepository {
public:
    explicit FineTuneRunRepository(Database& db) : m_db(db) {}
    // Inserts the run as given; a Running run without startedAt gets the current time. Returns its id.
    std::int64_t create(const FineTuneRunRecord& run);
    // Sets status Running, progress (clamped to [0, 1]) and appends `logLines` to the log.
    void updateProgress(std::int64_t id, double progress, const std::string& logLines = std::string());
    // Sets the final status (Succeeded, Failed or Cancelled), finishedAt = now, the produced version
    // (0 = none) and appends `logLines`. Throws StorageError(Generic) for an unknown id.
    void finish(std::int64_t id, FineTuneStatus status, std::int64_t outputModelVersionId,
                const std::string& logLines = std::string());
    std::optional<FineTuneRunRecord> find(std::int64_t id);
    std::vector<FineTuneRunRecord> all(); // oldest first

private:
    Database& m_db;
};

} // namespace fc::storage
