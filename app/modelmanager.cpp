#include "modelmanager.h"

#include "fc/model/engine.h"
#include "fc/model/errors.h"

#include <QDir>
#include <QFileInfo>

#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace fc {

namespace {

namespace fs = std::filesystem;

void removeQuietly(const fs::path& path) {
    std::error_code ignored;
    fs::remove_all(path, ignored);
}

QString cleanAbsolute(const QString& path) {
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

} // namespace

ModelManager::ModelManager(storage::Database& db, int threads, QObject* parent)
    : QObject(parent), m_db(db), m_threads(threads) {}

ModelManager::~ModelManager() = default;

std::int64_t ModelManager::registerVersion(const QString& stagingDir, const QString& finalDir,
                                           storage::ModelVersionRecord record) {
    const fs::path staging = stagingDir.toStdString();
    const fs::path target = cleanAbsolute(finalDir).toStdString();
    try {
        if (!fs::is_directory(staging))
            throw std::runtime_error("no model directory at " + staging.string());
        if (fs::exists(target))
            throw std::runtime_error(target.string() + " already exists");
        storage::Transaction transaction(m_db);
        record.path = target.string();
        const std::int64_t id = storage::ModelVersionRepository(m_db).add(record);
        fs::rename(staging, target); // same parent directory in practice: atomic
        try {
            transaction.commit();
        } catch (...) {
            std::error_code ignored;
            fs::rename(target, staging, ignored);
            throw;
        }
        return id;
    } catch (...) {
        removeQuietly(staging);
        throw;
    }
}

std::int64_t ModelManager::findByPath(const QString& directory) {
    const std::string wanted = cleanAbsolute(directory).toStdString();
    for (const auto& version : storage::ModelVersionRepository(m_db).all())
        if (cleanAbsolute(QString::fromStdString(version.path)).toStdString() == wanted)
            return version.id;
    return 0;
}

QString ModelManager::validate(const QString& directory) const {
    try {
        Engine::load(directory.toStdString(), m_threads);
        return {};
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
}

bool ModelManager::activate(std::int64_t id, QString* error) {
    storage::ModelVersionRepository repository(m_db);
    const auto version = repository.find(id);
    if (!version) {
        if (error)
            *error = QStringLiteral("no model version %1").arg(id);
        return false;
    }
    std::shared_ptr<const Engine> engine;
    try {
        engine = Engine::load(version->path, m_threads);
    } catch (const std::exception& e) {
        if (error)
            *error = QStringLiteral("model version %1 (%2) cannot be used: %3")
                         .arg(id)
                         .arg(QString::fromStdString(version->name), QString::fromStdString(e.what()));
        return false;
    }
    repository.activate(id);
    m_engine = engine;
    Q_EMIT engineChanged(engine, id);
    return true;
}

bool ModelManager::rollback(QString* error) {
    const auto active = storage::ModelVersionRepository(m_db).active();
    if (!active || active->parentId == 0) {
        if (error)
            *error = active ? QStringLiteral("the active model has no earlier version")
                            : QStringLiteral("no model version is active");
        return false;
    }
    return activate(active->parentId, error);
}

std::vector<storage::ModelVersionRecord> ModelManager::versions() {
    return storage::ModelVersionRepository(m_db).all();
}

} // namespace fc
