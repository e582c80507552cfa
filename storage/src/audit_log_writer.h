#pragma once
// Appends to audit_log inside the caller's transaction (repositories that audit their writes use this).
#include "fc/storage/repositories.h"

namespace fc::storage::detail {

// Inserts one row; empty who/at are filled with currentOsUser()/currentUtcTimestamp(). Returns its id.
std::int64_t appendAuditEntry(Database& db, const AuditEntry& entry);

} // namespace fc::storage::detail
