#pragma once
// Learn -> Fine-tune… (product.md "Feedback -> fine-tuning"): how much feedback was collected, a background
// fine-tuning run (FineTuneJob) with progress, ETA and Cancel, the gate's comparison of the current and the
// new model side by side, Activate (only when the gate passed) and Roll back, and the registered versions.
//
// Threading: the dialog owns a database connection and a ModelManager on the UI thread; the run itself uses
// its own connection on a pool thread. Activate / Roll back load the model on the UI thread (a short pause
// for a small model). ModelManager::engineChanged tells the owner about the new engine; connect it to
// AnalysisService::setEngine.
#include "finetunejob.h"

#include <QDialog>

#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;
class QTableWidget;

namespace fc {
class CodeCatalog;
class ModelManager;
namespace storage {
class Database;
}
} // namespace fc

namespace fc::ui {

class ModelVersionTableModel;

class LearnDialog : public QDialog {
    Q_OBJECT
public:
    // databasePath: the decisions database. currentModelDir: the loaded model, the run's base unless a
    // registered version is active (then that version's directory). versionsDir: where new versions go.
    // Throws storage::StorageError when the database cannot be opened.
    LearnDialog(const QString& databasePath, const QString& currentModelDir, const QString& versionsDir,
                std::shared_ptr<const CodeCatalog> catalog, QWidget* parent = nullptr);
    ~LearnDialog() override;

    ModelManager* modelManager() const { return m_manager.get(); }
    FineTuneJob* job() const { return m_job; }
    FineTuneJobSettings& settings() { return m_settings; } // before startFineTuning(): epochs, dev set, ...

    void startFineTuning();
    // Shows a finished run's comparison (also called when the job finishes).
    void showResult(const FineTuneJobResult& result);

private:
    void refreshCounts();
    void onProgress(const FineTuneJobProgress& progress);
    void onFailed(const QString& message);
    void setRunning(bool running);
    void activateNewVersion();
    void rollBack();

    std::unique_ptr<storage::Database> m_db;
    std::unique_ptr<ModelManager> m_manager;
    FineTuneJobSettings m_settings;
    FineTuneJob* m_job = nullptr;
    qint64 m_newVersionId = 0;

    QLabel* m_counts = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QTableWidget* m_comparison = nullptr;
    QTableWidget* m_codeChanges = nullptr;
    QLabel* m_verdict = nullptr;
    QPushButton* m_activate = nullptr;
    QPushButton* m_rollback = nullptr;
    ModelVersionTableModel* m_versions = nullptr;
    QTableView* m_versionView = nullptr;
};

} // namespace fc::ui
