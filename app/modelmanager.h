#pragma once
// Registered model versions (model_versions): registering a fine-tuned directory atomically, validating a
// version's directory, switching the active version and rolling back. Every version is kept.
//
// Threading: a ModelManager uses its Database on the thread that owns it (storage::Database is not
// thread-safe). activate() and rollback() load the model (seconds for a large model) on the calling thread;
// the command line uses them; the GUI activates through CodingSession::activateVersion, which loads off the UI
// thread. engineChanged is emitted on the calling thread.
#include "fc/storage/model_repositories.h"

#include <QObject>
#include <QString>

#include <cstdint>
#include <memory>
#include <vector>

namespace fc {

class Engine;

class ModelManager : public QObject {
    Q_OBJECT
public:
    // threads: LibTorch intra-op threads of loaded engines (0 = all cores).
    explicit ModelManager(storage::Database& db, int threads = 0, QObject* parent = nullptr);
    ~ModelManager() override;

    // Renames the complete model directory stagingDir onto finalDir (which must not exist) and inserts its
    // model_versions row (path = finalDir, inactive) in one transaction. On any failure neither the row nor
    // either directory is left behind, and the error is rethrown (StorageError or std::runtime_error).
    std::int64_t registerVersion(const QString& stagingDir, const QString& finalDir,
                                 storage::ModelVersionRecord record);

    // The id of the version registered with this directory (paths compared after making them absolute and
    // clean), or 0.
    std::int64_t findByPath(const QString& directory);

    // Empty when the directory loads as a model; otherwise a one-line reason (missing file, corrupt weights).
    QString validate(const QString& directory) const;

    // Loads version `id`; only when it loads does it become the active version and engineChanged is
    // emitted. On failure the previously active version stays active and *error says why.
    bool activate(std::int64_t id, QString* error = nullptr);
    // Activates the version the active one was fine-tuned from (its parent). False with *error when there is
    // no active version, no parent, or the parent does not load.
    bool rollback(QString* error = nullptr);

    std::vector<storage::ModelVersionRecord> versions();              // oldest first
    std::shared_ptr<const Engine> engine() const { return m_engine; } // of the last activation; may be null

Q_SIGNALS:
    void engineChanged(std::shared_ptr<const fc::Engine> engine, qint64 versionId);

private:
    storage::Database& m_db;
    int m_threads = 0;
    std::shared_ptr<const Engine> m_engine;
};

} // namespace fc
