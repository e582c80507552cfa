#pragma once
// Before the GUI opens a database: gets the passphrase of an encrypted file (or of a new file to encrypt)
// and remembers it for the session (fc::rememberDatabasePassphrase), so that every connection opened later,
// on any thread, can use it.
#include <QString>

#include <functional>
#include <optional>

namespace fc {

// Asks for a passphrase: `create` for a new database (asked twice), `error` shown above the fields.
// std::nullopt when the user cancels. The GUI's is ui::passphraseDialogPrompt.
using PassphrasePrompt = std::function<std::optional<QString>(bool create, const QString& error)>;

// Nothing to do for a plain or new database (unless `createEncrypted`), nor for a file that looks encrypted
// in a build without encryption support (opening it reports the error). Otherwise the passphrase is
// FUSIONCODER_DB_PASSPHRASE when set, else asked through `prompt` until it opens the file (a wrong one is
// said so and asked again). A null `prompt` (headless runs) never asks. Returns false with a one-line reason
// in `error` when the database cannot be unlocked: cancelled, wrong FUSIONCODER_DB_PASSPHRASE, no prompt,
// or `createEncrypted` for an existing plain database or in a build without encryption.
bool unlockDatabase(const QString& path, bool createEncrypted, const PassphrasePrompt& prompt,
                    QString* error);

} // namespace fc
