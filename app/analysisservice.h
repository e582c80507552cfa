#pragma once
// Runs note analyses off the UI thread. A newer request supersedes older ones: results of stale
// requests are dropped (generation counter) and their cancel flag is set.
#include "fc/model/prediction.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QTimer>

#include <atomic>
#include <memory>

namespace fc {
class Engine;

struct AnalysisResult {
    quint64 generation = 0;
    QString text; // the note text that was analysed
    Prediction prediction;
    QString error; // non-empty when the analysis failed; prediction is then empty
    double milliseconds = 0.0;
};

class AnalysisService : public QObject {
    Q_OBJECT
public:
    explicit AnalysisService(QObject* parent = nullptr);
    ~AnalysisService() override;

    // Starts analysing text with `engine` (the caller's live engine, shared with the job; null: the analysis
    // fails with a message); returns its generation. Cancels any analysis still running. The service keeps no
    // engine of its own: CodingSession holds the one live engine.
    quint64 analyse(const QString& text, std::shared_ptr<const Engine> engine);
    void cancel();
    bool isBusy() const;

    // Windows of the running analysis scored so far, and in all (a long note is scored in windows of the
    // model's length; Engine::predict reports after each).
    struct Progress {
        std::atomic<qint64> done{0};
        std::atomic<qint64> total{0};
    };

Q_SIGNALS:
    void started(quint64 generation);
    // Emitted on the UI thread while a note of several windows is analysed (polled, so a job never calls
    // into this object from its thread).
    void progress(qint64 done, qint64 total);
    void finished(const fc::AnalysisResult& result);

private:
    void pollProgress();

    quint64 m_generation = 0;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    std::shared_ptr<Progress> m_progress;
    qint64 m_reportedDone = -1;
    QTimer* m_progressTimer = nullptr;
    QFutureWatcher<AnalysisResult>* m_watcher = nullptr;
};

} // namespace fc

Q_DECLARE_METATYPE(fc::AnalysisResult)
