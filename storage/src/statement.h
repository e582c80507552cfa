#pragma once
// RAII wrapper of one prepared SQLite statement. Parameter indices start at 1 (SQLite's convention);
// column indices start at 0. Errors throw StorageError naming the database file.
#include "fc/storage/database.h"

#include <cstdint>
#include <string>

struct sqlite3_stmt;

namespace fc::storage::detail {

class Statement {
public:
    // Prepares one SQL statement (trailing text after the first statement is an error).
    Statement(Database& db, const std::string& sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bindInt64(int index, std::int64_t value);
    Statement& bindDouble(int index, double value);
    Statement& bindText(int index, const std::string& value); // copied; may contain NUL bytes
    Statement& bindNull(int index);
    // Named parameters (":name", "@name", "$name"), spelled with their prefix. Unknown names throw.
    Statement& bindInt64(const char* name, std::int64_t value);
    Statement& bindDouble(const char* name, double value);
    Statement& bindText(const char* name, const std::string& value);
    Statement& bindNull(const char* name);

    // Runs to the next row: true when a row is available through the column getters, false when done.
    bool step();
    // Runs a statement that returns no rows (or ignores them) to completion.
    void run();
    // Makes the statement runnable again; bindings are kept.
    void reset();

    int columnCount() const;
    bool columnIsNull(int column) const;
    std::int64_t columnInt64(int column) const;
    double columnDouble(int column) const;
    std::string columnText(int column) const; // "" for NULL

private:
    int parameterIndex(const char* name) const;
    void check(int resultCode) const;

    Database& m_db;
    sqlite3_stmt* m_stmt = nullptr;
    std::string m_sql;
};

} // namespace fc::storage::detail
