// Database/Transaction: creation, migrations, file safety (permissions, corruption, locks, read-only files,
// full disk), durability of committed writes when the writing process is killed, and encryption with a
// passphrase (SQLCipher builds; other builds refuse a passphrase).
#include "fc/storage/database.h"
#include "fc/storage/repositories.h"

#include "statement.h" // storage/src: the internal Statement wrapper, to inspect the file directly

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <random>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using fc::storage::Database;
using fc::storage::DatabaseOptions;
using fc::storage::StorageError;
using fc::storage::Transaction;
using fc::storage::detail::Statement;

Q_DECLARE_METATYPE(StorageError::Kind)

namespace {

std::int64_t queryInt(Database& db, const std::string& sql) {
    Statement query(db, sql);
    if (!query.step())
        throw std::runtime_error("no row: " + sql);
    return query.columnInt64(0);
}

std::string queryText(Database& db, const std::string& sql) {
    Statement query(db, sql);
    return query.step() ? query.columnText(0) : std::string();
}

mode_t fileMode(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return 0;
    return info.st_mode & 07777;
}

bool fileExists(const std::string& path) {
    return ::access(path.c_str(), F_OK) == 0;
}

// Runs `open` and returns the StorageError it throws; fails the test if it throws nothing.
template <typename Function> std::optional<StorageError> errorOf(Function function) {
    try {
        function();
    } catch (const StorageError& error) {
        return error;
    }
    return std::nullopt;
}

void writeBytes(const std::string& path, long offset, const std::vector<char>& bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT, 0600);
    QVERIFY(fd >= 0);
    QCOMPARE(::pwrite(fd, bytes.data(), bytes.size(), offset), static_cast<ssize_t>(bytes.size()));
    ::close(fd);
}

std::vector<char> randomBytes(std::size_t count, unsigned seed) {
    std::mt19937 generator(seed);
    std::vector<char> bytes(count);
    for (char& byte : bytes)
        byte = static_cast<char>(generator() & 0xff);
    return bytes;
}

[[maybe_unused]] std::string readFile(const std::string& path) { // used by the SQLCipher cases
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = f.readAll();
    return std::string(bytes.constData(), static_cast<std::size_t>(bytes.size()));
}

DatabaseOptions withPassphrase(const std::string& passphrase) {
    DatabaseOptions options;
    options.passphrase = passphrase;
    return options;
}

void fillWithNotes(Database& db, int count) {
    Transaction transaction(db); // one commit: each upsert nests as a savepoint
    fc::storage::NoteRepository notes(db);
    for (int i = 0; i < count; ++i)
        notes.upsert("Patient " + std::to_string(i) + ": " + std::string(400, char('a' + i % 26)), "test");
    transaction.commit();
}

} // namespace

class TstDatabase : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string file(const char* name) const { return (m_dir.path() + "/" + name).toStdString(); }

private Q_SLOTS:
    void init() { QVERIFY(m_dir.isValid()); }

    void newFileIsMigratedToLatestVersion() {
        const std::string path = file("new.db");
        Database db(path);
        QCOMPARE(Database::latestSchemaVersion(), 1);
        QCOMPARE(db.schemaVersion(), Database::latestSchemaVersion());
        QCOMPARE(queryText(db, "PRAGMA journal_mode"), std::string("wal"));
        QCOMPARE(queryInt(db, "PRAGMA foreign_keys"), 1);
        QCOMPARE(queryInt(db, "PRAGMA synchronous"), 2); // FULL
        for (const char* table : {"notes", "analyses", "suggestions", "suggestion_evidence", "decisions",
                                  "model_versions", "finetune_runs", "audit_log"}) {
            QVERIFY2(queryInt(db, std::string("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
                                              "name = '") +
                                      table + "'") == 1,
                     table);
        }
        QCOMPARE(queryInt(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'"), 2);
    }

    void filesArePrivate() {
        const std::string path = file("private.db");
        ::umask(022); // the usual umask, which would leave SQLite's own files at 0644
        Database db(path);
        fc::storage::NoteRepository(db).upsert("text", "test");
        QCOMPARE(fileMode(path), mode_t(0600));
        QVERIFY(fileExists(path + "-wal"));
        QCOMPARE(fileMode(path + "-wal"), mode_t(0600));
        QCOMPARE(fileMode(path + "-shm"), mode_t(0600));
    }

    void existingEmptyFileIsMigratedAndTightened() {
        const std::string path = file("empty.db");
        writeBytes(path, 0, {});
        QVERIFY(::chmod(path.c_str(), 0644) == 0);
        Database db(path);
        QCOMPARE(db.schemaVersion(), 1);
        QCOMPARE(fileMode(path), mode_t(0600));
    }

    void reopenKeepsDataAndVersion() {
        const std::string path = file("reopen.db");
        std::int64_t noteId = 0;
        {
            Database db(path);
            noteId = fc::storage::NoteRepository(db).upsert("kept text", "test");
        }
        Database db(path);
        QCOMPARE(db.schemaVersion(), Database::latestSchemaVersion());
        const auto note = fc::storage::NoteRepository(db).find(noteId);
        QVERIFY(note.has_value());
        QCOMPARE(note->text, std::string("kept text"));
        QCOMPARE(queryInt(db, "SELECT COUNT(*) FROM notes"), 1);
    }

    void inMemoryDatabaseWorks() {
        Database db(":memory:");
        QCOMPARE(db.schemaVersion(), Database::latestSchemaVersion());
        fc::storage::NoteRepository(db).upsert("x", "test");
        QCOMPARE(queryInt(db, "SELECT COUNT(*) FROM notes"), 1);
    }

    void newerSchemaIsRefused() {
        const std::string path = file("newer.db");
        {
            Database db(path);
            db.exec("PRAGMA user_version = " + std::to_string(Database::latestSchemaVersion() + 1));
        }
        const auto error = errorOf([&] { Database db(path); });
        QVERIFY(error.has_value());
        QCOMPARE(error->kind(), StorageError::Kind::TooNew);
        const std::string message = error->what();
        QVERIFY2(message.find(path) != std::string::npos, message.c_str());
        QVERIFY2(message.find("newer fusioncoder") != std::string::npos, message.c_str());
        // The file is left untouched: user_version is the big-endian 32-bit integer at offset 60.
        QFile raw(QString::fromStdString(path));
        QVERIFY(raw.open(QIODevice::ReadOnly));
        const QByteArray header = raw.read(64);
        const int stored = (uchar(header[60]) << 24) | (uchar(header[61]) << 16) | (uchar(header[62]) << 8) |
                           uchar(header[63]);
        QCOMPARE(stored, Database::latestSchemaVersion() + 1);
    }

    void damagedFileIsRefused_data() {
        QTest::addColumn<QString>("damage");
        QTest::newRow("random bytes") << "random";
        QTest::newRow("header overwritten") << "header";
        QTest::newRow("page in the middle overwritten") << "page";
        QTest::newRow("truncated to half") << "truncate";
    }

    void damagedFileIsRefused() {
        QFETCH(QString, damage);
        const std::string path = file("damaged.db") + "." + damage.toStdString();
        if (damage == "random") {
            writeBytes(path, 0, randomBytes(64 * 1024, 7));
        } else {
            {
                Database db(path);
                fillWithNotes(db, 200);
            } // closing the last connection checkpoints the WAL into the file and removes it
            QVERIFY(!fileExists(path + "-wal"));
            struct stat info {};
            QVERIFY(::stat(path.c_str(), &info) == 0);
            const long pageSize = 4096;
            const long pages = static_cast<long>(info.st_size) / pageSize;
            QVERIFY(pages > 10);
            if (damage == "header")
                writeBytes(path, 0, randomBytes(100, 11));
            else if (damage == "page")
                writeBytes(path, (pages / 2) * pageSize, randomBytes(pageSize, 13));
            else
                QVERIFY(::truncate(path.c_str(), (pages / 2) * pageSize) == 0);
        }
        const auto error = errorOf([&] { Database db(path); });
        QVERIFY(error.has_value());
        const std::string message = error->what();
        QVERIFY2(error->kind() == StorageError::Kind::Corrupt, message.c_str());
        QVERIFY2(message.find(path) != std::string::npos, message.c_str());
        QVERIFY2(message.find("damaged") != std::string::npos, message.c_str());
        QVERIFY2(message.find("Move it aside") != std::string::npos, message.c_str());
        QVERIFY2(message.find('\n') == std::string::npos, message.c_str());
    }

    void movedAsideCorruptFileMakesRoomForANewOne() {
        const std::string path = file("aside.db");
        writeBytes(path, 0, randomBytes(8192, 3));
        QVERIFY(errorOf([&] { Database db(path); }).has_value());
        writeBytes(path + "-wal", 0, randomBytes(4096, 5)); // a stale WAL must travel with its database
        const std::string moved = fc::storage::moveAsideCorrupt(path);
        QVERIFY(moved != path);
        QVERIFY2(moved.rfind(path + ".corrupt-", 0) == 0, moved.c_str());
        QVERIFY(fileExists(moved));
        QVERIFY(fileExists(moved + "-wal"));
        QVERIFY(!fileExists(path));
        QVERIFY(!fileExists(path + "-wal"));
        QCOMPARE(randomBytes(8192, 3), [&] {
            QFile f(QString::fromStdString(moved));
            f.open(QIODevice::ReadOnly);
            const QByteArray bytes = f.readAll();
            return std::vector<char>(bytes.begin(), bytes.end());
        }());
        {
            Database db(path);
            QCOMPARE(db.schemaVersion(), 1);
        }
        // A second damaged file in the same second gets a distinct name.
        writeBytes(path, 0, randomBytes(8192, 4));
        ::unlink((path + "-wal").c_str());
        ::unlink((path + "-shm").c_str());
        const std::string second = fc::storage::moveAsideCorrupt(path);
        QVERIFY(second != moved);
        QVERIFY(fileExists(second));
    }

    void foreignKeysAreEnforced() {
        Database db(file("fk.db"));
        const auto error = errorOf([&] {
            db.exec("INSERT INTO analyses (note_id, model_version, threshold) VALUES (12345, 'v1', 0.5)");
        });
        QVERIFY(error.has_value());
        QVERIFY2(std::string(error->what()).find("FOREIGN KEY") != std::string::npos, error->what());
        QCOMPARE(queryInt(db, "SELECT COUNT(*) FROM analyses"), 0);
    }

    void auditLogIsAppendOnly() {
        Database db(file("audit.db"));
        db.exec("INSERT INTO audit_log (who, action) VALUES ('tester', 'test.action')");
        for (const char* sql : {"UPDATE audit_log SET who = 'someone else'", "DELETE FROM audit_log"}) {
            const auto error = errorOf([&] { db.exec(sql); });
            QVERIFY2(error.has_value(), sql);
            QVERIFY2(std::string(error->what()).find("append-only") != std::string::npos, error->what());
        }
        QCOMPARE(queryText(db, "SELECT who FROM audit_log"), std::string("tester"));
        QCOMPARE(queryInt(db, "SELECT COUNT(*) FROM audit_log"), 1);
    }

    void transactionRollsBackOnException() {
        Database db(file("rollback.db"));
        try {
            Transaction transaction(db);
            db.exec("INSERT INTO audit_log (who, action) VALUES ('a', 'first')");
            fc::storage::NoteRepository(db).upsert("inside the transaction", "test"); // nests as a savepoint
            throw std::runtime_error("interrupted");
        } catch (const std::runtime_error&) {
        }
        QCOMPARE(queryInt(db, "SELECT COUNT(*) FROM audit_log"), 0);
        QCOMPARE(queryInt(db, "SELECT COUNT(*) FROM notes"), 0);

        // A failed inner transaction rolls back to its savepoint; the outer one still commits.
        {
            Transaction outer(db);
            db.exec("INSERT INTO audit_log (who, action) VALUES ('a', 'kept')");
            try {
                Transaction inner(db);
                db.exec("INSERT INTO audit_log (who, action) VALUES ('a', 'dropped')");
                throw std::runtime_error("inner failure");
            } catch (const std::runtime_error&) {
            }
            outer.commit();
        }
        QCOMPARE(queryInt(db, "SELECT COUNT(*) FROM audit_log"), 1);
        QCOMPARE(queryText(db, "SELECT action FROM audit_log"), std::string("kept"));
    }

    void readOnlyOption() {
        const std::string path = file("readonly.db");
        {
            Database db(path);
            fc::storage::NoteRepository(db).upsert("stored", "test");
        }
        DatabaseOptions options;
        options.readOnly = true;
        Database db(path, options);
        QVERIFY(db.isReadOnly());
        QVERIFY(fc::storage::NoteRepository(db).findByText("stored").has_value());
        const auto error = errorOf([&] { fc::storage::NoteRepository(db).upsert("new", "test"); });
        QVERIFY(error.has_value());
        QCOMPARE(error->kind(), StorageError::Kind::ReadOnly);
        QVERIFY2(std::string(error->what()).find(path) != std::string::npos, error->what());

        // A file that needs a migration cannot be opened read-only.
        const std::string old = file("old.db");
        writeBytes(old, 0, {});
        const auto oldError = errorOf([&] { Database oldDb(old, options); });
        QVERIFY(oldError.has_value());
        QCOMPARE(oldError->kind(), StorageError::Kind::ReadOnly);
    }

    void writeProtectedFileIsRefused() {
        if (::geteuid() == 0)
            QSKIP("running as root: file permissions do not stop writes (readOnlyOption covers ReadOnly)");
        const std::string path = file("protected.db");
        { Database db(path); }
        QVERIFY(::chmod(path.c_str(), 0400) == 0);
        const auto error = errorOf([&] { Database db(path); });
        QVERIFY(error.has_value());
        QCOMPARE(error->kind(), StorageError::Kind::ReadOnly);
    }

    void lockedDatabaseFailsAfterTheBusyTimeout() {
        const std::string path = file("locked.db");
        Database holder(path);
        holder.exec("BEGIN EXCLUSIVE");
        holder.exec("INSERT INTO audit_log (who, action) VALUES ('holder', 'lock')");

        DatabaseOptions options;
        options.busyTimeoutMs = 100;
        Database waiter(path, options); // reading still works in WAL mode
        QElapsedTimer timer;
        timer.start();
        const auto error = errorOf([&] { fc::storage::NoteRepository(waiter).upsert("blocked", "test"); });
        QVERIFY(error.has_value());
        QCOMPARE(error->kind(), StorageError::Kind::Locked);
        QVERIFY2(std::string(error->what()).find("locked") != std::string::npos, error->what());
        QVERIFY(timer.elapsed() >= 90);
        QVERIFY(timer.elapsed() < 2000);

        holder.exec("COMMIT");
        fc::storage::NoteRepository(waiter).upsert("now it works", "test");
        QCOMPARE(queryInt(waiter, "SELECT COUNT(*) FROM notes"), 1);
    }

    void fullDiskIsReported() {
        Database db(file("full.db"));
        // max_page_count makes SQLite report SQLITE_FULL exactly as for a full disk.
        db.exec("PRAGMA max_page_count = " + std::to_string(queryInt(db, "PRAGMA page_count") + 2));
        const auto error =
            errorOf([&] { fc::storage::NoteRepository(db).upsert(std::string(100000, 'x'), "t"); });
        QVERIFY(error.has_value());
        QCOMPARE(error->kind(), StorageError::Kind::DiskFull);
        QVERIFY2(std::string(error->what()).find("disk is full") != std::string::npos, error->what());
        QCOMPARE(queryInt(db, "SELECT COUNT(*) FROM notes"), 0);
    }

    void missingFolderCannotBeOpened() {
        const std::string path = file("no/such/folder/x.db");
        const auto error = errorOf([&] { Database db(path); });
        QVERIFY(error.has_value());
        QCOMPARE(error->kind(), StorageError::Kind::CannotOpen);
        QVERIFY2(std::string(error->what()).find(path) != std::string::npos, error->what());
    }

    void looksEncryptedTellsPlainFilesFromOthers() {
        using fc::storage::looksEncrypted;
        const std::string plain = file("plain.db");
        { Database db(plain); }
        QVERIFY(!looksEncrypted(plain));
        QVERIFY(!looksEncrypted(file("missing.db")));
        const std::string empty = file("empty.db");
        writeBytes(empty, 0, {});
        QVERIFY(!looksEncrypted(empty)); // a new database
        const std::string other = file("other.db");
        writeBytes(other, 0, randomBytes(4096, 17));
        QVERIFY(looksEncrypted(other));
        const std::string tiny = file("tiny.db");
        writeBytes(tiny, 0, {'S', 'Q', 'L'});
        QVERIFY(looksEncrypted(tiny));
    }

    // Without a passphrase a file that may be encrypted is refused as Corrupt (it may equally be damaged),
    // and the message says what to do in either case.
    void unreadableFileMentionsThePassphrase() {
        const std::string path = file("unknown.db");
        writeBytes(path, 0, randomBytes(8192, 19));
        const auto error = errorOf([&] { Database db(path); });
        QVERIFY(error.has_value());
        const std::string message = error->what();
        QVERIFY2(error->kind() == StorageError::Kind::Corrupt, message.c_str());
        QVERIFY2(message.find("Move it aside") != std::string::npos, message.c_str());
        QVERIFY2(message.find(fc::storage::encryptionSupported()
                                  ? "wrong or missing passphrase"
                                  : "no encryption support") != std::string::npos,
                 message.c_str());
    }

#ifndef FC_HAVE_SQLCIPHER
    void passphraseNeedsEncryptionSupport() {
        QVERIFY(!fc::storage::encryptionSupported());
        const std::string path = file("wants-encryption.db");
        const auto error = errorOf([&] { Database db(path, withPassphrase("secret")); });
        QVERIFY(error.has_value());
        const std::string message = error->what();
        QVERIFY2(error->kind() == StorageError::Kind::Generic, message.c_str());
        QVERIFY2(message.find("no encryption support") != std::string::npos, message.c_str());
        QVERIFY2(message.find(path) != std::string::npos, message.c_str());
        QVERIFY2(!fileExists(path), "a refused passphrase must not create the file");
    }
#else
    // A note's text is in neither the database nor its WAL; the file has no plain header; WAL, foreign keys
    // and the integrity check work; the data comes back with the passphrase.
    void encryptedDatabaseKeepsItsContentPrivate() {
        QVERIFY(fc::storage::encryptionSupported());
        const std::string path = file("encrypted.db");
        const std::string secret = "Zebediah Quux, 57, admitted with acute necrotising pancreatitis";
        {
            Database db(path, withPassphrase("correct horse"));
            fc::storage::NoteRepository(db).upsert(secret, "test");
            fillWithNotes(db, 50);
            QCOMPARE(queryText(db, "PRAGMA journal_mode"), std::string("wal"));
            QCOMPARE(queryInt(db, "PRAGMA foreign_keys"), 1);
            QVERIFY(fileExists(path + "-wal"));
            QVERIFY(readFile(path + "-wal").find("Zebediah") == std::string::npos);
            QVERIFY(readFile(path).find("Zebediah") == std::string::npos);
            QCOMPARE(fileMode(path), mode_t(0600));
        } // the last connection checkpoints the WAL into the file
        const std::string bytes = readFile(path);
        QVERIFY(bytes.size() > 4096);
        QVERIFY(bytes.compare(0, 16, std::string("SQLite format 3\0", 16)) != 0);
        QVERIFY(bytes.find("Zebediah") == std::string::npos);
        QVERIFY(bytes.find("CREATE TABLE") == std::string::npos); // the schema is encrypted too
        QVERIFY(fc::storage::looksEncrypted(path));

        Database db(path, withPassphrase("correct horse"));
        QCOMPARE(db.schemaVersion(), Database::latestSchemaVersion());
        QCOMPARE(queryText(db, "PRAGMA integrity_check"), std::string("ok"));
        QCOMPARE(queryText(db, "PRAGMA journal_mode"), std::string("wal"));
        const auto note = fc::storage::NoteRepository(db).findByText(secret);
        QVERIFY(note.has_value());
        QCOMPARE(note->source, std::string("test"));
        QCOMPARE(fc::storage::NoteRepository(db).count(), std::int64_t(51));
        const auto error = errorOf([&] {
            db.exec("INSERT INTO analyses (note_id, model_version, threshold) VALUES (12345, 'v1', 0.5)");
        });
        QVERIFY(error.has_value()); // foreign keys are enforced
    }

    void wrongOrMissingPassphraseIsRefused_data() {
        QTest::addColumn<QString>("passphrase");
        QTest::addColumn<bool>("readOnly");
        QTest::addColumn<StorageError::Kind>("kind");
        QTest::newRow("wrong") << "correct horsE" << false << StorageError::Kind::Encrypted;
        QTest::newRow("wrong, read-only") << "battery staple" << true << StorageError::Kind::Encrypted;
        QTest::newRow("missing") << "" << false << StorageError::Kind::Corrupt;
    }

    void wrongOrMissingPassphraseIsRefused() {
        QFETCH(QString, passphrase);
        QFETCH(bool, readOnly);
        QFETCH(StorageError::Kind, kind);
        const std::string path = file("locked-away.db");
        {
            Database db(path, withPassphrase("correct horse"));
            fc::storage::NoteRepository(db).upsert("kept safe", "test");
        }
        const std::string before = readFile(path);
        DatabaseOptions options = withPassphrase(passphrase.toStdString());
        options.readOnly = readOnly;
        const auto error = errorOf([&] { Database db(path, options); });
        QVERIFY(error.has_value());
        const std::string message = error->what();
        QVERIFY2(error->kind() == kind, message.c_str());
        QVERIFY2(message.find("the database is encrypted: wrong or missing passphrase") != std::string::npos,
                 message.c_str());
        QVERIFY2(message.find(path) != std::string::npos, message.c_str());
        QVERIFY2(message.find('\n') == std::string::npos, message.c_str());
        QVERIFY(readFile(path) == before);
        QVERIFY(!fileExists(path + "-wal"));
        QVERIFY(!fileExists(path + "-shm"));

        Database db(path, withPassphrase("correct horse"));
        QVERIFY(fc::storage::NoteRepository(db).findByText("kept safe").has_value());
    }

    // A wrong passphrase while the owner has the database open (its WAL live) fails cleanly too.
    void wrongPassphraseBesideAnOpenConnection() {
        const std::string path = file("shared.db");
        Database owner(path, withPassphrase("owner's"));
        fc::storage::NoteRepository(owner).upsert("in the WAL", "test");
        const auto error = errorOf([&] { Database intruder(path, withPassphrase("guess")); });
        QVERIFY(error.has_value());
        QCOMPARE(error->kind(), StorageError::Kind::Encrypted);
        fc::storage::NoteRepository(owner).upsert("still writable", "test");
        QCOMPARE(fc::storage::NoteRepository(owner).count(), std::int64_t(2));
        Database second(path, withPassphrase("owner's"));
        QCOMPARE(fc::storage::NoteRepository(second).count(), std::int64_t(2));
    }

    void plainDatabaseWithPassphraseIsRefused() {
        const std::string path = file("plain-with-key.db");
        {
            Database db(path);
            fc::storage::NoteRepository(db).upsert("plain", "test");
        }
        const std::string before = readFile(path);
        const auto error = errorOf([&] { Database db(path, withPassphrase("unneeded")); });
        QVERIFY(error.has_value());
        const std::string message = error->what();
        QVERIFY2(error->kind() == StorageError::Kind::Encrypted, message.c_str());
        QVERIFY2(message.find("not encrypted") != std::string::npos, message.c_str());
        QVERIFY(readFile(path) == before);
        Database db(path);
        QVERIFY(fc::storage::NoteRepository(db).findByText("plain").has_value());
    }
#endif

    // A child process records decisions in a loop and reports each id after record() returned; it is killed
    // with SIGKILL mid-stream. Every reported decision must be in the reopened, intact database.
    void killedWriterLosesNoCommittedDecision() {
        const std::string path = file("durable.db");
        std::int64_t noteId = 0;
        {
            Database db(path);
            noteId = fc::storage::NoteRepository(db).upsert("durability note", "test");
        }
        int fds[2];
        QVERIFY(::pipe(fds) == 0);
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            ::close(fds[0]);
            try {
                Database db(path);
                fc::storage::DecisionRepository decisions(db);
                for (int i = 0;; ++i) {
                    fc::storage::DecisionRecord decision;
                    decision.noteId = noteId;
                    decision.code = "C" + std::to_string(i % 40);
                    decision.system = "icd-10-cm";
                    decision.kind = i % 3 == 0 ? fc::storage::DecisionKind::Rejected
                                               : fc::storage::DecisionKind::Accepted;
                    const std::int64_t id = decisions.record(decision);
                    if (::write(fds[1], &id, sizeof id) != static_cast<ssize_t>(sizeof id))
                        ::_exit(3);
                }
            } catch (...) {
                ::_exit(2);
            }
        }
        ::close(fds[1]);

        std::vector<std::int64_t> committed;
        std::string pending;
        auto readAvailable = [&](int timeoutMs) {
            pollfd readable{fds[0], POLLIN, 0};
            if (::poll(&readable, 1, timeoutMs) <= 0)
                return false;
            char buffer[4096];
            const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
            if (n <= 0)
                return false;
            pending.append(buffer, static_cast<std::size_t>(n));
            while (pending.size() >= sizeof(std::int64_t)) {
                std::int64_t id = 0;
                std::memcpy(&id, pending.data(), sizeof id);
                committed.push_back(id);
                pending.erase(0, sizeof id);
            }
            return true;
        };
        QElapsedTimer timer;
        timer.start();
        while (committed.size() < 60 && timer.elapsed() < 1500)
            readAvailable(50);
        ::kill(child, SIGKILL);
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        while (readAvailable(0)) {
        }
        ::close(fds[0]);
        QVERIFY2(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                 "the writer stopped before it was killed");
        QVERIFY2(committed.size() >= 10, std::to_string(committed.size()).c_str());

        Database db(path); // runs integrity_check and throws Corrupt on damage
        QCOMPARE(queryText(db, "PRAGMA integrity_check"), std::string("ok"));
        // Matched as text, not with json_extract: SQLCipher's SQLite (FC_SQLCIPHER) lacks the JSON functions.
        // The audit entry of a decision starts with its id: {"decision_id":<id>,...}.
        Statement present(db, "SELECT COUNT(*) FROM decisions d JOIN audit_log a "
                              "ON a.details_json LIKE '{\"decision_id\":' || d.id || ',%' WHERE d.id = ?");
        for (std::int64_t id : committed) {
            present.reset();
            present.bindInt64(1, id);
            QVERIFY(present.step());
            QVERIFY2(present.columnInt64(0) == 1, ("decision " + std::to_string(id) + " lost").c_str());
        }
        // At most one decision committed without being reported (killed between commit and write()).
        const std::int64_t stored = queryInt(db, "SELECT COUNT(*) FROM decisions");
        QVERIFY(stored >= static_cast<std::int64_t>(committed.size()));
        QVERIFY(stored <= static_cast<std::int64_t>(committed.size()) + 1);
        qInfo("%zu decisions reported committed before SIGKILL after %lld ms; %lld stored", committed.size(),
              static_cast<long long>(timer.elapsed()), static_cast<long long>(stored));
    }
};

QTEST_APPLESS_MAIN(TstDatabase)
#include "tst_database.moc"
