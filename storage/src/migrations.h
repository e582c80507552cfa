#pragma once
// Numbered schema migrations keyed on PRAGMA user_version. Version N's SQL turns a version N-1 database into
// version N; version 0 is an empty file.
#include "fc/storage/database.h"

#include <vector>

namespace fc::storage::detail {

struct Migration {
    int version;     // user_version after this migration; 1, 2, 3, ... without gaps
    const char* sql; // one or more statements; must not BEGIN/COMMIT
};

// All migrations in ascending version order.
const std::vector<Migration>& allMigrations();

// PRAGMA user_version of the connection.
int readUserVersion(Database& db);

// Applies every migration newer than the file's user_version, each in its own transaction that also sets
// user_version, so a crash leaves the file at a whole version. Re-reads the version inside each transaction:
// two processes opening a new file at once migrate it once.
void migrate(Database& db);

} // namespace fc::storage::detail
