#pragma once
// SHA-256 (FIPS 180-4) of a byte string; used to store each distinct note text once.
#include <string>

namespace fc::storage {

// Returns the digest of `bytes` as 64 lowercase hexadecimal characters.
std::string sha256Hex(const std::string& bytes);

} // namespace fc::storage
