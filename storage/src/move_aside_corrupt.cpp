#include "fc/storage/database.h"

#include "sqlite_error.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <sys/stat.h>

namespace fc::storage {
namespace {

bool exists(const std::string& path) {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0;
}

// "20240501T123456Z" for now, UTC.
std::string compactUtcNow() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
    return text;
}

} // namespace

std::string moveAsideCorrupt(const std::string& path) {
    const std::string stem = path + ".corrupt-" + compactUtcNow();
    std::string target = stem;
    for (int attempt = 2; exists(target) || exists(target + "-wal") || exists(target + "-shm"); ++attempt)
        target = stem + "-" + std::to_string(attempt);

    // The -wal file must travel with the database: left behind, SQLite would replay it into a new file of
    // the same name. The -shm file is only an index of the -wal and is moved along for consistency.
    for (const char* suffix : {"", "-wal", "-shm"}) {
        const std::string from = path + suffix;
        if (std::strlen(suffix) != 0 && !exists(from))
            continue;
        if (std::rename(from.c_str(), (target + suffix).c_str()) != 0) {
            throw StorageError(StorageError::Kind::Generic,
                               detail::errorMessage(StorageError::Kind::Generic, from, "moving aside",
                                                    std::strerror(errno)));
        }
    }
    return target;
}

} // namespace fc::storage
