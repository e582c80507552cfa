#include "fc/storage/database.h"

#include <sqlite3.h>

#include <cstdint>

namespace fc::storage {

Transaction::Transaction(Database& db) : m_db(db) {
    if (sqlite3_get_autocommit(db.handle()) != 0) {
        // IMMEDIATE takes the write lock now, so a busy database fails here (after the busy timeout)
        // instead of at the first write or at COMMIT.
        db.exec("BEGIN IMMEDIATE");
        return;
    }
    // Nested: this object's address is unique among the transactions alive on this thread.
    m_savepoint = "fc_tx_" + std::to_string(reinterpret_cast<std::uintptr_t>(this));
    db.exec("SAVEPOINT " + m_savepoint);
}

Transaction::~Transaction() {
    if (m_done)
        return;
    // Errors are ignored: SQLite may already have rolled back (e.g. after SQLITE_FULL), and destructors
    // must not throw.
    if (!m_savepoint.empty()) {
        const std::string sql = "ROLLBACK TO " + m_savepoint + "; RELEASE " + m_savepoint;
        sqlite3_exec(m_db.handle(), sql.c_str(), nullptr, nullptr, nullptr);
    } else if (sqlite3_get_autocommit(m_db.handle()) == 0) {
        sqlite3_exec(m_db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void Transaction::commit() {
    m_db.exec(m_savepoint.empty() ? std::string("COMMIT") : "RELEASE " + m_savepoint);
    m_done = true;
}

} // namespace fc::storage
