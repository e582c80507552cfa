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
// Encrypted: the passphrase does not open the file (wrong, or given for a file that is not encrypted).
class StorageError : public std::runtime_error {
public:
    enum class Kind { Generic, Corrupt, Locked, ReadOnly, DiskFull, TooNew, CannotOpen, Encrypted };
    StorageError(Kind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}
    Kind kind() const { return m_kind; }

private:
    Kind m_kind;
};

// How a connection is opened. The defaults are what the application uses.
struct DatabaseOptions {
    // How long a write waits for another connection's lock before failing with Kind::Locked, in ms.
    int busyTimeoutMs = 5000;
    // SQLITE_OPEN_READONLY: no schema migration (an outdated file throws ReadOnly); every write throws
    // ReadOnly.
    bool readOnly = false;
    // Run the integrity check on open. Off only for tools that want to salvage a damaged file.
    bool checkIntegrity = true;
    // PRAGMA synchronous. Full (the default) fsyncs the WAL on every commit: a committed decision survives a
    // killed process and also a power loss. Normal survives a killed process but may lose the last commits on
    // power loss; it is faster for bulk writes.
    enum class Synchronous { Normal, Full };
    Synchronous synchronous = Synchronous::Full;
    // SQLCipher passphrase. Empty: a plain SQLite file. Otherwise the connection is keyed with it before
    // anything is read, so a new file is encrypted from its first page; a passphrase that does not open an
    // existing file throws Encrypted and leaves the file as it was. A build without SQLCipher
    // (FC_SQLCIPHER=OFF) throws Generic for any non-empty passphrase.
    std::string passphrase;
};

class Database {
public:
    // Opens or creates the file (0600), checks `PRAGMA integrity_check` (quick_check for files > 64 MiB),
    // and migrates the schema to the newest version, one transaction per version. ":memory:" works for tests.
    // Throws StorageError: Encrypted (see DatabaseOptions::passphrase), Corrupt (damaged or not a database,
    // or an encrypted one opened without passphrase: see moveAsideCorrupt, looksEncrypted), TooNew (written
    // by a newer fusioncoder), ReadOnly (write-protected file), Locked, DiskFull, CannotOpen (e.g. missing
    // folder). An existing file readable by group/others is tightened to 0600 (notes hold health
    // information).
    explicit Database(const std::string& path);
    Database(const std::string& path, const DatabaseOptions& options);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    int schemaVersion() const;        // PRAGMA user_version
    static int latestSchemaVersion(); // what this build migrates to
    const std::string& path() const { return m_path; }

    void exec(const std::string& sql); // for statements without results or parameters
    std::int64_t lastInsertId() const;
    bool isReadOnly() const;
    sqlite3* handle() const { return m_db; }

private:
    sqlite3* m_db = nullptr;
    std::string m_path;
};

// Whether this build can open encrypted databases (configured with FC_SQLCIPHER=ON).
bool encryptionSupported();

// Whether `path` is an existing, non-empty file that does not start with the plain SQLite header
// ("SQLite format 3\0"): an encrypted database, or a file that is not a database at all (the two cannot be
// told apart without the key). Applications use it to know when to ask for a passphrase.
bool looksEncrypted(const std::string& path);

// Renames a damaged database file (and its -wal/-shm companions) to "<path>.corrupt-<UTC time>" so that a new
// database can be created at `path`; returns the new name of the main file. No connection to the file may be
// open. Throws StorageError(Generic) when the rename fails.
std::string moveAsideCorrupt(const std::string& path);

// BEGIN IMMEDIATE on construction, ROLLBACK in the destructor unless commit() was called.
// Inside another transaction on the same connection it is a SAVEPOINT (released on commit, rolled back to
// otherwise), so repository writes compose into a caller's transaction.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Database& m_db;
    std::string m_savepoint; // empty for a top-level transaction
    bool m_done = false;
};

} // namespace fc::storage
