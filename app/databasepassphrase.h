#pragma once
// The passphrases of the encrypted databases this process opens. Kept in memory only, never in the settings
// or any file: the GUI's prompt or the CLI's options remember one per database path, and every place that
// opens that database (worker threads included) takes its options from databaseOptions().
// FUSIONCODER_DB_PASSPHRASE is for scripts and headless runs; any process of the same user can read a
// process's environment, so interactive users should prefer the prompt.
#include "fc/storage/database.h"

#include <QString>

#include <string>

namespace fc {

inline constexpr char kDatabasePassphraseVariable[] = "FUSIONCODER_DB_PASSPHRASE";

// Remembers `passphrase` for the database at `path`, replacing any earlier one; a new file at `path` is then
// created encrypted with it. Thread-safe, like the two functions below.
void rememberDatabasePassphrase(const QString& path, const std::string& passphrase);

// The passphrase remembered for `path`, or "".
std::string rememberedDatabasePassphrase(const QString& path);

// FUSIONCODER_DB_PASSPHRASE, or "" when it is not set.
std::string environmentDatabasePassphrase();

// `options` with the passphrase the database at `path` needs: for a file that looks encrypted, the remembered
// passphrase, else FUSIONCODER_DB_PASSPHRASE; for a new (missing or empty) file, the remembered one, so
// that it is created encrypted only when asked; for a plain SQLite file, none.
storage::DatabaseOptions databaseOptions(const QString& path, storage::DatabaseOptions options = {});

} // namespace fc
