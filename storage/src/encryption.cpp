#include "encryption.h"

#include "sqlite_error.h"

#include <sqlite3.h>

#include <cstring>
#include <fstream>

namespace fc::storage {
namespace {

constexpr char kPlainHeader[16] = "SQLite format 3"; // with its terminating NUL: the file's first 16 bytes

// Reads up to 16 bytes of the file's start; 0 for a missing, unreadable or empty file.
std::streamsize readHeader(const std::string& path, char (&header)[16]) {
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return 0;
    file.read(header, sizeof header);
    return file.gcount();
}

} // namespace

bool encryptionSupported() {
#ifdef FC_HAVE_SQLCIPHER
    return true;
#else
    return false;
#endif
}

bool looksEncrypted(const std::string& path) {
    char header[16] = {};
    const std::streamsize size = readHeader(path, header);
    return size > 0 && (size < static_cast<std::streamsize>(sizeof header) ||
                        std::memcmp(header, kPlainHeader, sizeof header) != 0);
}

namespace detail {

void requireEncryptionSupport(const std::string& passphrase, const std::string& path) {
    if (passphrase.empty() || encryptionSupported())
        return;
    throw StorageError(StorageError::Kind::Generic,
                       errorMessage(StorageError::Kind::Generic, path, "opening",
                                    "this build of fusioncoder has no encryption support, so it cannot use a "
                                    "passphrase; use an unencrypted database, or a build configured with "
                                    "-DFC_SQLCIPHER=ON"));
}

void applyPassphrase(sqlite3* db, const std::string& passphrase, const std::string& path) {
    if (passphrase.empty())
        return;
#ifdef FC_HAVE_SQLCIPHER
    const int rc = sqlite3_key(db, passphrase.data(), static_cast<int>(passphrase.size()));
    if (rc != SQLITE_OK)
        throwSqliteError(db, rc, path, "opening", "setting the passphrase");
#else
    (void)db;
    requireEncryptionSupport(passphrase, path);
#endif
}

void rethrowUnreadable(const StorageError& error, const std::string& path, const std::string& passphrase) {
    if (!passphrase.empty()) {
        if (!looksEncrypted(path)) {
            throw StorageError(StorageError::Kind::Encrypted,
                               "Error opening " + describeFile(path) +
                                   ": the database is not encrypted, but a passphrase was given. Open it "
                                   "without a passphrase.");
        }
        throw StorageError(StorageError::Kind::Encrypted,
                           errorMessage(StorageError::Kind::Encrypted, path, "opening", std::string()));
    }
    if (!looksEncrypted(path))
        throw error;
    throw StorageError(error.kind(), std::string(error.what()) +
                                         (encryptionSupported()
                                              ? " Or the database is encrypted: wrong or missing passphrase; "
                                                "then open it with its passphrase."
                                              : " Or the database is encrypted, and this build cannot open "
                                                "it: it has no encryption support (FC_SQLCIPHER=OFF)."));
}

} // namespace detail
} // namespace fc::storage
