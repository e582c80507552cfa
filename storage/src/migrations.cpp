#include "migrations.h"

#include "statement.h"

#include <string>

namespace fc::storage::detail {
namespace {

// Version 1: the whole first schema. Timestamps are ISO 8601 UTC text with milliseconds
// ("2024-05-01T12:34:56.789Z"); evidence offsets are Unicode code points, half-open [begin, end).
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE notes (
    id         INTEGER PRIMARY KEY,
    sha256     TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    text       TEXT NOT NULL,
    source     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE analyses (
    id            INTEGER PRIMARY KEY,
    note_id       INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    model_version TEXT NOT NULL,
    threshold     REAL NOT NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX analyses_by_note ON analyses(note_id, id);

-- rank: 1-based position in the analysis as presented (highest score first).
CREATE TABLE suggestions (
    id          INTEGER PRIMARY KEY,
    analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
    code        TEXT NOT NULL,
    system      TEXT NOT NULL,
    score       REAL NOT NULL,
    rank        INTEGER NOT NULL CHECK (rank >= 1),
    UNIQUE (analysis_id, rank)
);

-- Rows of one suggestion are read back in insertion (rowid) order.
CREATE TABLE suggestion_evidence (
    suggestion_id INTEGER NOT NULL REFERENCES suggestions(id) ON DELETE CASCADE,
    "begin"       INTEGER NOT NULL CHECK ("begin" >= 0),
    "end"         INTEGER NOT NULL CHECK ("end" >= "begin"),
    weight        REAL NOT NULL
);
CREATE INDEX suggestion_evidence_by_suggestion ON suggestion_evidence(suggestion_id);

-- Append-only history of the coder's decisions; the current state of a code is its newest row.
-- score: model score shown when decided, -1 for codes the coder added. sequence: 1 = principal, 0 = none.
CREATE TABLE decisions (
    id            INTEGER PRIMARY KEY,
    note_id       INTEGER NOT NULL REFERENCES notes(id),
    code          TEXT NOT NULL CHECK (code <> ''),
    system        TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('accepted', 'rejected', 'added', 'removed')),
    poa           TEXT NOT NULL DEFAULT '' CHECK (poa IN ('', 'Y', 'N', 'U', 'W', '1')),
    sequence      INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0),
    score         REAL NOT NULL DEFAULT -1,
    model_version TEXT NOT NULL DEFAULT '',
    who           TEXT NOT NULL,
    decided_at    TEXT NOT NULL
);
CREATE INDEX decisions_by_note_code ON decisions(note_id, system, code, id);

-- At most one row has active = 1 (the model in use).
CREATE TABLE model_versions (
    id               INTEGER PRIMARY KEY,
    parent_id        INTEGER REFERENCES model_versions(id),
    path             TEXT NOT NULL,
    name             TEXT NOT NULL,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    training_summary TEXT NOT NULL DEFAULT '',
    metrics_json     TEXT NOT NULL DEFAULT '{}',
    active           INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
);
CREATE UNIQUE INDEX model_versions_one_active ON model_versions(active) WHERE active = 1;
CREATE INDEX model_versions_by_parent ON model_versions(parent_id);

-- model_version_id: the version the run starts from; output_model_version_id: the version it produced
-- (NULL until it succeeds). progress is a fraction in [0, 1].
CREATE TABLE finetune_runs (
    id                      INTEGER PRIMARY KEY,
    model_version_id        INTEGER REFERENCES model_versions(id),
    output_model_version_id INTEGER REFERENCES model_versions(id),
    settings_json           TEXT NOT NULL DEFAULT '{}',
    status                  TEXT NOT NULL DEFAULT 'queued'
                            CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    progress                REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
    log                     TEXT NOT NULL DEFAULT '',
    started_at              TEXT,
    finished_at             TEXT
);
CREATE INDEX finetune_runs_by_model ON finetune_runs(model_version_id);
CREATE INDEX finetune_runs_by_output ON finetune_runs(output_model_version_id);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    who          TEXT NOT NULL,
    action       TEXT NOT NULL,
    details_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_by_action ON audit_log(action, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
)sql";

} // namespace

const std::vector<Migration>& allMigrations() {
    static const std::vector<Migration> migrations = {
        {1, kSchemaV1},
    };
    return migrations;
}

int readUserVersion(Database& db) {
    Statement query(db, "PRAGMA user_version");
    query.step();
    return static_cast<int>(query.columnInt64(0));
}

void migrate(Database& db) {
    const int latest = Database::latestSchemaVersion();
    if (readUserVersion(db) >= latest)
        return; // no write lock taken: a database in use by another connection still opens
    for (const Migration& migration : allMigrations()) {
        Transaction transaction(db);
        if (readUserVersion(db) >= migration.version)
            continue;
        db.exec(migration.sql);
        db.exec("PRAGMA user_version = " + std::to_string(migration.version));
        transaction.commit();
    }
}

} // namespace fc::storage::detail
