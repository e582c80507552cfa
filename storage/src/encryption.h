#pragma once
// SQLCipher keying of a connection and the errors of a passphrase that does not fit the file.
#include "fc/storage/database.h"

#include <string>

struct sqlite3;

namespace fc::storage::detail {

// Throws StorageError(Generic) when `passphrase` is not empty and this build has no SQLCipher. Called before
// anything touches the file.
void requireEncryptionSupport(const std::string& passphrase, const std::string& path);

// Keys the just-opened connection `db` with `passphrase` (nothing when it is empty). Must run before any
// statement: SQLCipher derives the key when the first page is read.
void applyPassphrase(sqlite3* db, const std::string& passphrase, const std::string& path);

// Rethrows `error`, the Corrupt failure of the first read of `path`, as what it most likely means: with a
// passphrase, Encrypted (wrong passphrase, or the file is not encrypted); without one, on a file that looks
// encrypted, Corrupt with a hint about the passphrase.
[[noreturn]] void rethrowUnreadable(const StorageError& error, const std::string& path,
                                    const std::string& passphrase);

} // namespace fc::storage::detail
