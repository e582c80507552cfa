#pragma once
// Turns SQLite result codes into StorageError with a one-line message for the user.
#include "fc/storage/database.h"

#include <string>

struct sqlite3;

namespace fc::storage::detail {

// "the database file '<path>'", or "the in-memory database".
std::string describeFile(const std::string& path);

// The StorageError kind of a (primary or extended) SQLite result code.
StorageError::Kind errorKindOf(int resultCode);

// Builds the user-facing message: what failed (`action`, e.g. "opening"), on which file, and what to do.
// `detail` is SQLite's own message, kept in parentheses for support.
std::string errorMessage(StorageError::Kind kind, const std::string& path, const std::string& action,
                         const std::string& detail);

// Throws the StorageError for `resultCode`, using sqlite3_errmsg(db) as detail when db is not null.
// `context` (e.g. the abbreviated SQL) is appended to the detail.
[[noreturn]] void throwSqliteError(sqlite3* db, int resultCode, const std::string& path,
                                   const std::string& action, const std::string& context = std::string());

} // namespace fc::storage::detail
