#include "fc/storage/repositories.h"

#include <cstdlib>
#include <pwd.h>
#include <unistd.h>
#include <vector>

namespace fc::storage {

std::string currentOsUser() {
    if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0')
        return user;
    const uid_t uid = ::geteuid();
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd* result = nullptr;
    if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &result) == 0 && result != nullptr &&
        result->pw_name != nullptr && *result->pw_name != '\0')
        return result->pw_name;
    return "uid:" + std::to_string(uid);
}

} // namespace fc::storage
