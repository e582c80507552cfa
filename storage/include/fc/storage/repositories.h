#pragma once
// Repositories: one per aggregate. Each write is one transaction; all offsets are code points.
#include "fc/storage/database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fc::storage {

struct NoteRecord {
    std::int64_t id = 0;
    std::string sha256; // of the UTF-8 text; a note is stored once per distinct text
    std::string text;
    std::string source;    // file path, "clipboard", "pasted"
    std::string createdAt; // ISO 8601 UTC
};

struct SpanRecord {
    std::int64_t begin = 0;
    std::int64_t end = 0;
    double weight = 0.0;
};

struct SuggestionRecord {
    std::string code;
    std::string system; // "icd-10-cm", ...
    double score = 0.0;
    std::vector<SpanRecord> evidence;
};

struct AnalysisRecord {
    std::int64_t id = 0;
    std::int64_t noteId = 0;
    std::string modelVersion;
    double threshold = 0.5;
    std::string createdAt;
    std::vector<SuggestionRecord> suggestions;
};

enum class DecisionKind { Accepted, Rejected, Added, Removed };
std::string toString(DecisionKind kind); // "accepted", "rejected", "added", "removed" (as stored)
std::optional<DecisionKind> decisionKindFromString(const std::string& text);

// The defaults the repositories fill in.
std::string currentUtcTimestamp(); // "2024-05-01T12:34:56.789Z": ISO 8601 UTC with milliseconds
std::string currentOsUser();       // $USER, else the passwd name of the effective uid, else "uid:<n>"

struct DecisionRecord {
    std::int64_t id = 0;
    std::int64_t noteId = 0;
    std::string code;
    std::string system;
    DecisionKind kind = DecisionKind::Accepted;
    std::string poa;          // "", "Y", "N", "U", "W", "1"
    int sequence = 0;         // 1 = principal; 0 = not sequenced
    double score = -1.0;      // model score shown when decided; -1 for codes added by the coder
    std::string modelVersion; // model that produced the suggestion shown
    std::string who;          // OS user name
    std::string decidedAt;    // ISO 8601 UTC, set by the repository when empty
};

class NoteRepository {
public:
    explicit NoteRepository(Database& db) : m_db(db) {}
    // Returns the id of the note with this text, inserting it if new.
    std::int64_t upsert(const std::string& text, const std::string& source);
    std::optional<NoteRecord> find(std::int64_t id);
    std::optional<NoteRecord> findByText(const std::string& text);
    std::int64_t count();

private:
    Database& m_db;
};

class AnalysisRepository {
public:
    explicit AnalysisRepository(Database& db) : m_db(db) {}
    std::int64_t record(const AnalysisRecord& analysis); // writes analysis + suggestions, returns id
    // The most recently recorded analysis of the note, suggestions by rank, evidence in recorded order.
    std::optional<AnalysisRecord> latestForNote(std::int64_t noteId);

private:
    Database& m_db;
};

class DecisionRepository {
public:
    explicit DecisionRepository(Database& db) : m_db(db) {}
    // Appends the decision and its audit_log row in one transaction; returns the decision id. Empty who and
    // decidedAt are filled with currentOsUser() and currentUtcTimestamp(). Throws StorageError (Generic for a
    // missing note or a value the schema rejects, e.g. poa "X").
    std::int64_t record(const DecisionRecord& decision);
    // The newest decision per (system, code) for this note, without codes whose newest decision is Removed,
    // ordered by sequence (1, 2, ...; 0 = unsequenced last) then code.
    std::vector<DecisionRecord> currentForNote(std::int64_t noteId);
    std::vector<DecisionRecord> historyForNote(std::int64_t noteId); // every decision, oldest first
    std::int64_t count();                                            // all decisions in the database

private:
    Database& m_db;
};

struct AuditEntry {
    std::int64_t id = 0;
    std::string at; // ISO 8601 UTC
    std::string who;
    std::string action;      // "decision.accepted", "decision.rejected", ...
    std::string detailsJson; // one JSON object
};

// The append-only audit trail (UPDATE and DELETE on audit_log are refused by the schema).
class AuditLogRepository {
public:
    explicit AuditLogRepository(Database& db) : m_db(db) {}
    // Appends one entry; empty who/at are filled like decisions. detailsJson must be a JSON object.
    std::int64_t append(const AuditEntry& entry);
    std::vector<AuditEntry> all(); // oldest first
    std::int64_t count();

private:
    Database& m_db;
};

} // namespace fc::storage
