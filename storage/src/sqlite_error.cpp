#include "sqlite_error.h"

#include <sqlite3.h>

namespace fc::storage::detail {

std::string describeFile(const std::string& path) {
    if (path.empty() || path == ":memory:")
        return "the in-memory database";
    return "the database file '" + path + "'";
}

StorageError::Kind errorKindOf(int resultCode) {
    switch (resultCode & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return StorageError::Kind::Corrupt;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return StorageError::Kind::Locked;
    case SQLITE_READONLY:
        return StorageError::Kind::ReadOnly;
    case SQLITE_FULL:
        return StorageError::Kind::DiskFull;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
        return StorageError::Kind::CannotOpen;
    default:
        return StorageError::Kind::Generic;
    }
}

std::string errorMessage(StorageError::Kind kind, const std::string& path, const std::string& action,
                         const std::string& detail) {
    const std::string file = describeFile(path);
    const std::string suffix = detail.empty() ? std::string() : " (" + detail + ")";
    switch (kind) {
    case StorageError::Kind::Corrupt:
        return "Error " + action + " " + file + ": the file is damaged or is not a fusioncoder database" +
               suffix + ". Move it aside and start a new database; the damaged file is kept for recovery.";
    case StorageError::Kind::Locked:
        return "Error " + action + " " + file + ": it is locked by another program" + suffix +
               ". Close other fusioncoder windows or tools using it and try again.";
    case StorageError::Kind::ReadOnly:
        return "Error " + action + " " + file + ": it cannot be written" + suffix +
               ". Check the permissions of the file and its folder, or choose another database location.";
    case StorageError::Kind::DiskFull:
        return "Error " + action + " " + file + ": the disk is full" + suffix +
               ". Free some disk space and try again.";
    case StorageError::Kind::TooNew:
        return "Error " + action + " " + file + ": it was written by a newer fusioncoder" + suffix +
               ". Update fusioncoder or choose another database file.";
    case StorageError::Kind::Encrypted:
        return "Error " + action + " " + file + ": the database is encrypted: wrong or missing passphrase" +
               suffix + ". Give the passphrase the database was created with.";
    case StorageError::Kind::CannotOpen:
        return "Error " + action + " " + file + ": it cannot be opened" + suffix +
               ". Check that the folder exists and that you may read and write it.";
    case StorageError::Kind::Generic:
        break;
    }
    return "Error " + action + " " + file + suffix + ".";
}

void throwSqliteError(sqlite3* db, int resultCode, const std::string& path, const std::string& action,
                      const std::string& context) {
    // sqlite3_errmsg describes the most recent failure on db; without a connection use the code's text.
    std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(resultCode);
    if (!context.empty())
        detail += "; in " + context;
    const StorageError::Kind kind = errorKindOf(resultCode);
    throw StorageError(kind, errorMessage(kind, path, action, detail));
}

} // namespace fc::storage::detail
