#include "databasepassphrase.h"

#include <QFileInfo>

#include <map>
#include <mutex>

namespace fc {
namespace {

struct Passphrases {
    std::mutex mutex;
    std::map<QString, std::string> byPath; // keyed by absolute path: "db.sqlite" and "./db.sqlite" are one
};

Passphrases& passphrases() {
    static Passphrases instance;
    return instance;
}

QString keyOf(const QString& path) {
    return QFileInfo(path).absoluteFilePath();
}

bool isInMemory(const QString& path) {
    return path.isEmpty() || path == QLatin1String(":memory:");
}

} // namespace

void rememberDatabasePassphrase(const QString& path, const std::string& passphrase) {
    Passphrases& store = passphrases();
    const std::lock_guard<std::mutex> lock(store.mutex);
    store.byPath[keyOf(path)] = passphrase;
}

std::string rememberedDatabasePassphrase(const QString& path) {
    Passphrases& store = passphrases();
    const std::lock_guard<std::mutex> lock(store.mutex);
    const auto found = store.byPath.find(keyOf(path));
    return found == store.byPath.end() ? std::string() : found->second;
}

std::string environmentDatabasePassphrase() {
    return qEnvironmentVariable(kDatabasePassphraseVariable).toStdString();
}

storage::DatabaseOptions databaseOptions(const QString& path, storage::DatabaseOptions options) {
    if (isInMemory(path))
        return options;
    if (storage::looksEncrypted(path.toStdString())) {
        options.passphrase = rememberedDatabasePassphrase(path);
        if (options.passphrase.empty())
            options.passphrase = environmentDatabasePassphrase();
    } else if (QFileInfo(path).size() == 0) {
        options.passphrase = rememberedDatabasePassphrase(path);
    }
    return options;
}

} // namespace fc
