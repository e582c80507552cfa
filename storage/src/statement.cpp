#include "statement.h"

#include "sqlite_error.h"

#include <sqlite3.h>

namespace fc::storage::detail {
namespace {

// First words of a statement, to say which one failed without dumping a whole schema into a message.
std::string abbreviate(const std::string& sql) {
    constexpr std::size_t kMaxLength = 60;
    std::string text;
    for (char c : sql) {
        const bool space = c == '\n' || c == '\t' || c == ' ' || c == '\r';
        if (space && (text.empty() || text.back() == ' '))
            continue;
        text.push_back(space ? ' ' : c);
        if (text.size() >= kMaxLength) {
            text += "...";
            break;
        }
    }
    return text;
}

} // namespace

Statement::Statement(Database& db, const std::string& sql) : m_db(db), m_sql(sql) {
    const char* tail = nullptr;
    const int rc =
        sqlite3_prepare_v2(db.handle(), sql.c_str(), static_cast<int>(sql.size() + 1), &m_stmt, &tail);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
        throwSqliteError(db.handle(), rc, db.path(), "accessing", "\"" + abbreviate(sql) + "\"");
    }
    for (; tail != nullptr && *tail != '\0'; ++tail) {
        if (*tail != ' ' && *tail != '\n' && *tail != '\t' && *tail != '\r' && *tail != ';') {
            sqlite3_finalize(m_stmt);
            m_stmt = nullptr;
            throw StorageError(StorageError::Kind::Generic,
                               "Internal error: more than one SQL statement in \"" + abbreviate(sql) + "\"");
        }
    }
}

Statement::~Statement() {
    sqlite3_finalize(m_stmt);
}

void Statement::check(int resultCode) const {
    if (resultCode != SQLITE_OK)
        throwSqliteError(m_db.handle(), resultCode, m_db.path(), "accessing",
                         "\"" + abbreviate(m_sql) + "\"");
}

Statement& Statement::bindInt64(int index, std::int64_t value) {
    check(sqlite3_bind_int64(m_stmt, index, value));
    return *this;
}

Statement& Statement::bindDouble(int index, double value) {
    check(sqlite3_bind_double(m_stmt, index, value));
    return *this;
}

Statement& Statement::bindText(int index, const std::string& value) {
    check(sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
}

Statement& Statement::bindNull(int index) {
    check(sqlite3_bind_null(m_stmt, index));
    return *this;
}

int Statement::parameterIndex(const char* name) const {
    const int index = sqlite3_bind_parameter_index(m_stmt, name);
    if (index == 0) {
        throw StorageError(StorageError::Kind::Generic, "Internal error: no parameter " + std::string(name) +
                                                            " in \"" + abbreviate(m_sql) + "\"");
    }
    return index;
}

Statement& Statement::bindInt64(const char* name, std::int64_t value) {
    return bindInt64(parameterIndex(name), value);
}

Statement& Statement::bindDouble(const char* name, double value) {
    return bindDouble(parameterIndex(name), value);
}

Statement& Statement::bindText(const char* name, const std::string& value) {
    return bindText(parameterIndex(name), value);
}

Statement& Statement::bindNull(const char* name) {
    return bindNull(parameterIndex(name));
}

bool Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    check(rc);
    return false;
}

void Statement::run() {
    while (step()) {
    }
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
}

int Statement::columnCount() const {
    return sqlite3_column_count(m_stmt);
}

bool Statement::columnIsNull(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::int64_t Statement::columnInt64(int column) const {
    return sqlite3_column_int64(m_stmt, column);
}

double Statement::columnDouble(int column) const {
    return sqlite3_column_double(m_stmt, column);
}

std::string Statement::columnText(int column) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    if (text == nullptr)
        return std::string();
    return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column)));
}

} // namespace fc::storage::detail
