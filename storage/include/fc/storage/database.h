#pragma once
// RAII wrapper of one SQLite connection: WAL, foreign keys, busy timeout, schema migrations on open.
// Not thread-safe: one Database per thread. Every write goes through Transaction.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

struct sqlite3;

namespace fc::storage {

// Any SQLite failure. message() is one line meant for the user: what failed, on which file, and what to do.
class StorageError : public std::runtime_error {
public:
    enum class Kind { Generic, Corrupt, Locked, ReadOnly, DiskFull, TooNew, CannotOpen };
    StorageError(Kind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}
    Kind kind() const { return m_kind; }

private:
    Kind m_kind;
};

class Database {
public:
    // Opens or creates the file (0600), checks `PRAGMA integrity_check` (quick_check for files > 64 MiB),
    // and migrates the schema to the newest version in one transaction. ":memory:" works for tests.
    // Throws StorageError (Corrupt, TooNew when the file was written by a newer fusioncoder, ...).
    explicit Database(const std::string& path);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    int schemaVersion() const;          // PRAGMA user_version
    static int latestSchemaVersion();   // what this build migrates to
    const std::string& path() const { return m_path; }

    void exec(const std::string& sql);  // for statements without results or parameters
    std::int64_t lastInsertId() const;
    sqlite3* handle() const { return m_db; }

private:
    sqlite3* m_db = nullptr;
    std::string m_path;
};

// BEGIN IMMEDIATE on construction, ROLLBACK in the destructor unless commit() was called.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Database& m_db;
    bool m_done = false;
};

} // namespace fc::storage
