#include "databaseunlock.h"

#include "databasepassphrase.h"

#include "fc/storage/database.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace fc {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("fc::ui::DatabaseUnlock", text);
}

// Whether `passphrase` decrypts the file. Without the integrity check: the real open that follows does it.
// Not read-only: a read-only connection may fail on a WAL file before it reads anything. Failures other
// than a wrong passphrase (locked, damaged, ...) count as a fit: the real open reports them.
bool opens(const QString& path, const std::string& passphrase) {
    storage::DatabaseOptions options;
    options.checkIntegrity = false;
    options.passphrase = passphrase;
    try {
        storage::Database probe(path.toStdString(), options);
    } catch (const storage::StorageError& error) {
        return error.kind() != storage::StorageError::Kind::Encrypted;
    }
    return true;
}

} // namespace

bool unlockDatabase(const QString& path, bool createEncrypted, const PassphrasePrompt& prompt,
                    QString* error) {
    const bool encrypted = storage::looksEncrypted(path.toStdString());
    const bool isNew = path != QLatin1String(":memory:") && QFileInfo(path).size() == 0;
    if (createEncrypted && !isNew && !encrypted) {
        *error =
            tr("--encrypt-db: %1 already holds an unencrypted database, and fusioncoder does not encrypt "
               "an existing one; give the name of a new file")
                .arg(path);
        return false;
    }
    const bool create = createEncrypted && isNew;
    if (!encrypted && !create)
        return true;
    if (!storage::encryptionSupported()) {
        if (!create)
            return true; // opening it reports a damaged file, or an encrypted one this build cannot read
        *error = tr("--encrypt-db: this build of fusioncoder has no encryption support (configure it with "
                    "-DFC_SQLCIPHER=ON)");
        return false;
    }

    const std::string fromEnvironment = environmentDatabasePassphrase();
    if (!fromEnvironment.empty()) {
        if (!create && !opens(path, fromEnvironment)) {
            *error = tr("the database %1 is encrypted: wrong or missing passphrase (%2 does not open it)")
                         .arg(path, QLatin1String(kDatabasePassphraseVariable));
            return false;
        }
        rememberDatabasePassphrase(path, fromEnvironment);
        return true;
    }
    const std::string remembered = rememberedDatabasePassphrase(path);
    if (!remembered.empty() && (create || opens(path, remembered)))
        return true;
    if (!prompt) {
        *error =
            (create ? tr("--encrypt-db: no passphrase for the new database %1 (set %2 for runs without a "
                         "screen)")
                    : tr("the database %1 is encrypted: wrong or missing passphrase (set %2 for runs "
                         "without a screen)"))
                .arg(path, QLatin1String(kDatabasePassphraseVariable));
        return false;
    }
    QString problem;
    for (;;) {
        const std::optional<QString> answer = prompt(create, problem);
        if (!answer || answer->isEmpty()) {
            *error = tr("no passphrase given for the encrypted database %1; nothing was opened").arg(path);
            return false;
        }
        const std::string passphrase = answer->toStdString();
        if (create || opens(path, passphrase)) {
            rememberDatabasePassphrase(path, passphrase);
            return true;
        }
        problem = tr("Wrong passphrase. Try again.");
    }
}

} // namespace fc
