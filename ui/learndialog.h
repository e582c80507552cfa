#pragma once
// Learn -> Fine-tune… (product.md "Feedback -> fine-tuning"): how much feedback was collected, a background
// fine-tuning run (FineTuneJob) with progress, ETA and Cancel, the gate's comparison of the current and the
// new model side by side, Activate (only when the gate passed) and Roll back, and the registered versions.
//
// Threading: UI thread. The counts and versions come from the CodingSession's connection; the run itself uses
// its own connection on a pool thread. Activate / Roll back go through the session's one swap path (the model
// loads off the UI thread; the window re-analyses the note with it).
#include "finetunejob.h"

#include <QDialog>

#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;
class QTableWidget;

namespace fc {
class CodingSession;
}

namespace fc::ui {

class ModelVersionTableModel;

class LearnDialog : public QDialog {
    Q_OBJECT
public:
    // The session gives the database (it must be saving), the live model (the run's base unless a
    // registered version is active: then that version's directory) and the catalog. versionsDir: where new
    // versions go.
    LearnDialog(CodingSession* session, const QString& versionsDir, QWidget* parent = nullptr);
    ~LearnDialog() override;

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

    CodingSession* m_session;
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
