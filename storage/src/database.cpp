#include "fc/storage/database.h"

#include "encryption.h"
#include "migrations.h"
#include "sqlite_error.h"
#include "statement.h"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace fc::storage {
namespace {

constexpr mode_t kPrivateFileMode = 0600;
constexpr long long kQuickCheckAboveBytes = 64LL * 1024 * 1024;
constexpr int kMaxIntegrityProblemsReported = 3;

bool isInMemory(const std::string& path) {
    return path.empty() || path == ":memory:";
}

// Creates `path` empty with mode 0600 if it does not exist, so SQLite never creates it with its default 0644.
// SQLite's unix VFS gives the -wal and -shm files the mode of the database file.
void createPrivateFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kPrivateFileMode);
    if (fd >= 0) {
        ::fchmod(fd, kPrivateFileMode); // the umask cannot widen the mode, but make it exact
        ::close(fd);
        return;
    }
    if (errno == EEXIST)
        return;
    const StorageError::Kind kind = errno == ENOSPC  ? StorageError::Kind::DiskFull
                                    : errno == EROFS ? StorageError::Kind::ReadOnly
                                                     : StorageError::Kind::CannotOpen;
    throw StorageError(kind, detail::errorMessage(kind, path, "creating", std::strerror(errno)));
}

// Removes group/other permissions from an existing file we own; failures are ignored (not our file).
void tightenPermissions(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && (info.st_mode & 077) != 0)
        ::chmod(path.c_str(), info.st_mode & 0700);
}

long long fileSize(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 ? static_cast<long long>(info.st_size) : 0;
}

std::string firstRowText(Database& db, const std::string& sql) {
    detail::Statement query(db, sql);
    return query.step() ? query.columnText(0) : std::string();
}

void checkIntegrity(Database& db) {
    const bool quick = !isInMemory(db.path()) && fileSize(db.path()) > kQuickCheckAboveBytes;
    detail::Statement check(
        db, quick ? "PRAGMA quick_check(" + std::to_string(kMaxIntegrityProblemsReported) + ")"
                  : "PRAGMA integrity_check(" + std::to_string(kMaxIntegrityProblemsReported) + ")");
    std::string problems;
    while (check.step()) {
        const std::string row = check.columnText(0);
        if (row == "ok")
            continue;
        problems += problems.empty() ? row : "; " + row;
    }
    if (!problems.empty()) {
        throw StorageError(StorageError::Kind::Corrupt,
                           detail::errorMessage(StorageError::Kind::Corrupt, db.path(), "checking",
                                                (quick ? "quick_check: " : "integrity_check: ") + problems));
    }
}

} // namespace

Database::Database(const std::string& path) : Database(path, DatabaseOptions()) {}

Database::Database(const std::string& path, const DatabaseOptions& options) : m_path(path) {
    const bool onDisk = !isInMemory(path);
    detail::requireEncryptionSupport(options.passphrase, path);
    if (onDisk && !options.readOnly) {
        createPrivateFile(path);
        tightenPermissions(path);
    }
    const int flags = options.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    const int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        // sqlite3_errmsg is valid on the handle SQLite returns even when opening fails.
        const std::string detailText = m_db != nullptr ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        const StorageError::Kind kind = detail::errorKindOf(rc);
        throw StorageError(kind, detail::errorMessage(kind, path, "opening", detailText));
    }
    try {
        detail::applyPassphrase(m_db, options.passphrase, path); // before anything reads the file
        sqlite3_extended_result_codes(m_db, 1);
        sqlite3_busy_timeout(m_db, options.busyTimeoutMs);
        if (!options.readOnly && isReadOnly()) {
            throw StorageError(StorageError::Kind::ReadOnly,
                               detail::errorMessage(StorageError::Kind::ReadOnly, path, "opening",
                                                    "the file or its folder is write-protected"));
        }
        // The first read of the file: a file that is not a database, or that the passphrase does not
        // decrypt, fails here.
        int version = 0;
        try {
            version = detail::readUserVersion(*this);
        } catch (const StorageError& error) {
            if (error.kind() != StorageError::Kind::Corrupt)
                throw;
            detail::rethrowUnreadable(error, path, options.passphrase);
        }
        if (version > latestSchemaVersion()) {
            throw StorageError(StorageError::Kind::TooNew,
                               detail::errorMessage(StorageError::Kind::TooNew, path, "opening",
                                                    "schema version " + std::to_string(version) +
                                                        ", this build knows up to " +
                                                        std::to_string(latestSchemaVersion())));
        }
        if (options.checkIntegrity)
            checkIntegrity(*this);
        exec("PRAGMA foreign_keys = ON");
        if (options.readOnly) {
            if (version < latestSchemaVersion()) {
                throw StorageError(
                    StorageError::Kind::ReadOnly,
                    detail::errorMessage(StorageError::Kind::ReadOnly, path, "opening",
                                         "schema version " + std::to_string(version) +
                                             " must be upgraded, but the file is opened read-only"));
            }
        } else {
            firstRowText(*this, "PRAGMA journal_mode = WAL"); // returns the mode in effect ("memory" in RAM)
            exec(options.synchronous == DatabaseOptions::Synchronous::Full ? "PRAGMA synchronous = FULL"
                                                                           : "PRAGMA synchronous = NORMAL");
            detail::migrate(*this);
            if (onDisk) {
                tightenPermissions(path + "-wal");
                tightenPermissions(path + "-shm");
            }
        }
    } catch (...) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        throw;
    }
}

Database::~Database() {
    sqlite3_close_v2(m_db);
}

int Database::schemaVersion() const {
    return detail::readUserVersion(const_cast<Database&>(*this));
}

int Database::latestSchemaVersion() {
    return detail::allMigrations().back().version;
}

void Database::exec(const std::string& sql) {
    const int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        std::string context = sql.substr(0, 60);
        for (char& c : context) {
            if (c == '\n' || c == '\t')
                c = ' ';
        }
        detail::throwSqliteError(m_db, rc, m_path, "accessing",
                                 "\"" + context + (sql.size() > 60 ? "...\"" : "\""));
    }
}

std::int64_t Database::lastInsertId() const {
    return sqlite3_last_insert_rowid(m_db);
}

bool Database::isReadOnly() const {
    return sqlite3_db_readonly(m_db, "main") == 1;
}

} // namespace fc::storage
