#pragma once
// The whole "Learn" pipeline (product.md "Feedback -> fine-tuning"): collect the coder's reviewed notes,
// split them deterministically into fine-tuning and held-out notes, fine-tune the base model into a staging
// directory, gate the result against the base model (held-out reviewed notes + the original dev set), then
// register the new version and record the run.
//
// On disk: the new model is written to <versionsDir>/ft-<run id>.staging (or <outDir>.staging) and
// registered (renamed) as <versionsDir>/ft-<run id> (or outDir) together with its model_versions row
// (ModelManager::registerVersion, one transaction). The new version is registered inactive, whatever the gate
// says; activation is the caller's choice (only offered when FineTuneJobResult::gatePassed). When the base
// model directory is not registered yet, it is registered in place (row only, the directory is not moved)
// and, if no version is active, marked active, so a later rollback can return to it.
//
// The run is recorded in finetune_runs: created Running at the start, progress updated at most once a
// second, finished Succeeded (version registered), Failed (with the error in the log) or Cancelled. A run
// left Running by a process of this machine that has died (kill -9, crash) is marked Failed ("interrupted")
// and its staging files removed when the next run starts (the settings record the host and process id).
//
// Threading: runFineTunePipeline() runs on the calling thread and opens its own database connection there
// (one connection per thread). FineTuneJob runs it on a QtConcurrent pool thread; its signals are emitted
// on the thread that owns the job (the UI thread), never blocking it.
#include "fc/model/finetune.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace fc {

class CodeCatalog;

struct FineTuneJobSettings {
    QString databasePath; // the decisions database (reviewed notes, model_versions, finetune_runs)
    QString baseModelDir; // the model the run starts from (normally the active version's directory)
    QString versionsDir;  // parent directory of registered fine-tuned versions; created when missing
    QString outDir;       // "" = <versionsDir>/ft-<run id>; else the new version's directory (must not exist)
    QString devPath;      // original dev set (JSONL); "" = model.json's "dev_data" when present, else none
    double heldOutFraction = 0.2;
    FineTuneOptions options; // descriptions are completed from `catalog` for the reviewed codes
    GateOptions gate;
    std::shared_ptr<const CodeCatalog> catalog; // may be null: new labels then start from the mean row
};

// Where the pipeline is; fraction covers the whole run in [0, 1] (training is 0.05-0.85, the gate after).
struct FineTuneJobProgress {
    QString phase; // "collect", "train", "gate", "register"
    int epoch = 0; // 1-based, 0 outside "train"
    int epochs = 0;
    qint64 examplesDone = 0; // within the epoch
    qint64 examples = 0;     // per epoch
    double loss = 0.0;       // running mean masked loss of the epoch
    double etaSeconds = 0.0; // to the end of training; -1 = unknown
    double fraction = 0.0;
    QString message; // one line for a log view; may be empty
};

struct FineTuneJobResult {
    bool cancelled = false;
    qint64 runId = 0;         // finetune_runs row (0 when the database could not be opened)
    qint64 baseVersionId = 0; // the registered base version
    qint64 newVersionId = 0;  // 0 unless a version was registered
    QString newVersionDir;
    bool gatePassed = false;
    std::size_t fineTuneNotes = 0, heldOutNotes = 0;
    FineTuneResult fineTune;
    ModelComparison comparison;
    QString comparisonJson; // comparisonToJson(comparison); stored in the version's metrics_json
    QString log;            // the lines appended to the run's log
};

using FineTuneJobProgressFn = std::function<void(const FineTuneJobProgress&)>;

// Runs the pipeline synchronously. Returns with cancelled = true (nothing registered, staging removed) when
// `cancel` was set. Throws std::exception subclasses (InputError: no reviewed note / unreadable dev set;
// ModelError; storage::StorageError) after recording the run as Failed when its row exists.
FineTuneJobResult runFineTunePipeline(const FineTuneJobSettings& settings, const std::atomic<bool>& cancel,
                                      const FineTuneJobProgressFn& progress = {});

// The dev set a model directory names: model.json's optional "dev_data" (a path, relative to the
// directory when not absolute), or "" when it has none or the file does not exist.
QString devDatasetOfModel(const QString& modelDir);

// Adds every positive code's catalog description (long title) to options.descriptions, for labels the run
// may add; codes already described and codes the catalog lacks are left alone. No-op without a catalog.
void addDescriptions(FineTuneOptions& options, const std::vector<ReviewedNote>& notes,
                     const CodeCatalog* catalog);

class FineTuneJob : public QObject {
    Q_OBJECT
public:
    explicit FineTuneJob(QObject* parent = nullptr);
    ~FineTuneJob() override; // cancels and waits for a running pipeline

    // Starts the pipeline on a pool thread; false when a run is already in progress.
    bool start(const FineTuneJobSettings& settings);
    void cancel(); // asynchronous: the run stops between batches and emits cancelled()
    bool isRunning() const;

Q_SIGNALS:
    void progress(const fc::FineTuneJobProgress& progress);
    void finished(const fc::FineTuneJobResult& result); // a version was registered (see gatePassed)
    void cancelled(qint64 runId);
    void failed(const QString& message);

private:
    struct Outcome {
        FineTuneJobResult result;
        QString error;
    };
    std::shared_ptr<std::atomic<bool>> m_cancel;
    QFutureWatcher<Outcome>* m_watcher = nullptr;
};

} // namespace fc

Q_DECLARE_METATYPE(fc::FineTuneJobProgress)
Q_DECLARE_METATYPE(fc::FineTuneJobResult)
