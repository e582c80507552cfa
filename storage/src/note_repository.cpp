#include "fc/storage/repositories.h"
#include "fc/storage/sha256.h"

#include "statement.h"

namespace fc::storage {
namespace {

NoteRecord readNote(const detail::Statement& row) {
    NoteRecord note;
    note.id = row.columnInt64(0);
    note.sha256 = row.columnText(1);
    note.text = row.columnText(2);
    note.source = row.columnText(3);
    note.createdAt = row.columnText(4);
    return note;
}

} // namespace

std::int64_t NoteRepository::upsert(const std::string& text, const std::string& source) {
    const std::string digest = sha256Hex(text);
    Transaction transaction(m_db);
    // The first source a text was seen with is kept. Not an UPSERT (ON CONFLICT ... DO NOTHING needs SQLite
    // 3.24; SQLCipher 3.4 is SQLite 3.15), nor INSERT OR IGNORE (which would also hide CHECK failures): the
    // transaction holds the write lock, so nothing can insert the same text between the test and the insert.
    detail::Statement insert(m_db,
                             "INSERT INTO notes (sha256, text, source, created_at) SELECT ?1, ?2, ?3, ?4 "
                             "WHERE NOT EXISTS (SELECT 1 FROM notes WHERE sha256 = ?1)");
    insert.bindText(1, digest).bindText(2, text).bindText(3, source).bindText(4, currentUtcTimestamp()).run();
    detail::Statement select(m_db, "SELECT id FROM notes WHERE sha256 = ?");
    select.bindText(1, digest);
    select.step();
    const std::int64_t id = select.columnInt64(0);
    transaction.commit();
    return id;
}

std::optional<NoteRecord> NoteRepository::find(std::int64_t id) {
    detail::Statement select(m_db, "SELECT id, sha256, text, source, created_at FROM notes WHERE id = ?");
    select.bindInt64(1, id);
    if (!select.step())
        return std::nullopt;
    return readNote(select);
}

std::optional<NoteRecord> NoteRepository::findByText(const std::string& text) {
    detail::Statement select(m_db, "SELECT id, sha256, text, source, created_at FROM notes WHERE sha256 = ?");
    select.bindText(1, sha256Hex(text));
    if (!select.step())
        return std::nullopt;
    NoteRecord note = readNote(select);
    if (note.text != text)
        return std::nullopt; // a SHA-256 collision: not this text
    return note;
}

std::int64_t NoteRepository::count() {
    detail::Statement select(m_db, "SELECT COUNT(*) FROM notes");
    select.step();
    return select.columnInt64(0);
}

} // namespace fc::storage
