#pragma once
// One coding session: the current note's flow and the one live model, behind value types.
//
// The note flow: analyse (off the UI thread) -> describe (codingtypes.h, the one describe rule) -> persist
// (note, analysis, current decisions) -> decide (commit a snapshot of the decided codes; the differences are
// stored as append-only decisions) -> undo (store the previous snapshot again).
//
// The live model: exactly one engine and its catalog, swapped by one path (swapModel) used by start-up,
// settings, activation of a registered version and rollback. At start-up the version marked active in the
// database (model_versions.active) is opened; the given model directory is the fallback.
//
// ui/ talks to it in value types only (Suggestion, DecisionSnapshot, LiveModel, NoteAnalysis, CodedChart,
// ModelVersion); no storage header is needed to use it.
//
// Threading: a CodingSession lives on the UI thread and owns its database connection there. Model loads and
// analyses run on the global thread pool; their results come back through queued signals. The engine is
// shared (std::shared_ptr<const Engine>) with running analyses, so a swap never pulls it from under them.
#include "codingtypes.h"
#include "decisionundostack.h"
#include "exportservice.h"
#include "feedbackinsights.h"
#include "feedbackservice.h"

#include "fc/model/engine.h"

#include <QHash>

#include <QObject>
#include <QString>
#include <functional>

#include <memory>
#include <optional>
#include <vector>

namespace fc {

class AnalysisService;
class CodeCatalog;
class DecisionService;
class ModelLoader;
struct AnalysisResult;
struct LoadedModel;

// The live model as the UI sees it.
struct LiveModel {
    ModelInfo info;
    std::shared_ptr<const CodeCatalog> catalog; // may be null (catalogError says why)
    QString catalogError;
    QString slowBlasWarning; // non-empty when the BLAS measured slow
    qint64 versionId = 0;    // registered model version (model_versions.id); 0 when not registered
    double milliseconds = 0.0;
    QString notice;    // e.g. the active version could not be loaded and the fallback is used
    bool fast = false; // the network runs in bfloat16 (fast mode asked for and the CPU has it natively)
};

// A registered model version (model_versions), as a value for dialogs.
struct ModelVersion {
    qint64 id = 0;
    qint64 parentId = 0;
    QString path;
    QString name;
    QString createdAt;
    QString trainingSummary;
    QString metricsJson;
    bool active = false;
};

// The outcome of analysing the current note: described suggestions and the decisions stored for it.
struct NoteAnalysis {
    QString text;
    std::vector<Suggestion> suggestions; // prediction order (score descending), described
    DecisionSnapshot decisions; // the note's current decisions (stored, or carried over after an edit)
    double milliseconds = 0.0;
    std::int64_t tokens = 0;
    std::int64_t windows = 1;
    // The note has no word the model knows (fc::insufficientTextMessage()): no suggestions are made.
    bool insufficientText = false;
};

class CodingSession : public QObject {
    Q_OBJECT
public:
    explicit CodingSession(QObject* parent = nullptr);
    ~CodingSession() override;

    // --- the database ---------------------------------------------------------------------------------
    // Opens (or creates) the decision database. False with *error when it cannot be used; the session then
    // keeps decisions in memory only.
    bool openDatabase(const QString& path, QString* error = nullptr);
    bool isSaving() const { return m_decisions != nullptr; }
    QString databasePath() const;
    // Worklist statuses (DecisionService::setChartStatus / chartStatuses).
    void setChartStatus(const QString& sha256, const QString& status, const QString& source);
    QHash<QString, QString> chartStatuses();

    // --- the live model -------------------------------------------------------------------------------
    // Start-up: loads the version active in the database, else (or when it fails to load) `modelDirectory`.
    void start(const QString& modelDirectory, int threads);
    // The one swap path: loads `directory` off the UI thread; modelChanged() when it is live, or
    // modelLoadFailed() (the previous model stays live). versionId: the registered version it is (0 = look it
    // up by path). A newer request supersedes one still loading.
    void swapModel(const QString& directory, int threads, qint64 versionId = 0);
    // Activation of a registered version through swapModel; the database marks it active only once it has
    // loaded. False with *error when there is no such version or no database.
    bool activateVersion(qint64 id, QString* error = nullptr);
    // Activates the parent of the active version. False with *error when there is none.
    bool rollback(QString* error = nullptr);
    std::vector<ModelVersion> modelVersions();
    std::optional<ModelVersion> activeVersion();
    // What the Learn dialog shows; empty when not saving.
    FeedbackCounts feedbackCounts();
    // Learn -> Insights over the stored decisions; empty when not saving.
    FeedbackInsights feedbackInsights(int bins = 10);
    bool isModelLoading() const;
    bool hasModel() const { return m_engine != nullptr; }
    const LiveModel& liveModel() const { return m_live; }
    std::shared_ptr<const CodeCatalog> catalog() const { return m_live.catalog; }
    // A function that scores a note's uncertainty (predictionMargin at the current threshold) with the live
    // model; callable from any thread (it holds its own reference to the engine). Null without a model.
    std::function<double(const QString& text)> uncertaintyScorer() const;
    int threads() const { return m_threads; }
    // Fast mode (bfloat16 network, Engine::load) for the loads that follow; reloadModel() applies it now.
    void setFastMode(bool fast) { m_fast = fast; }
    bool fastMode() const { return m_fast; }
    // Loads the live model's directory again (same version), e.g. after setFastMode().
    void reloadModel();

    // --- the note flow --------------------------------------------------------------------------------
    // A new note (not an edit of the current one): forgets the analysed text, stored decisions and undo.
    void newNote(const QString& source);
    void setSource(const QString& source) { m_source = source; }
    QString source() const { return m_source; }
    // The threshold and uncertain band the analysis is stored with (suggestions below threshold - band are
    // not stored).
    void setThreshold(double threshold) { m_threshold = threshold; }
    void setUncertainBand(double band) { m_band = band; }
    // Starts analysing text off the UI thread; analysed() or analysisFailed() follows. Needs a live model.
    void analyse(const QString& text);
    bool isAnalysing() const;
    QString analysedText() const { return m_analysedText; }
    qint64 noteId() const { return m_noteId; }

    // Stores the differences between `now` and the stored decisions; when there are any, the stored state
    // is pushed on the undo stack under `description`. Scores come from the analysis (added codes: none).
    void commit(const QString& description, const DecisionSnapshot& now);
    // Restores (and stores) the state before the newest commit; nullopt when there is nothing to undo.
    std::optional<DecisionSnapshot> undo();
    const DecisionUndoStack* undoStack() const { return m_undo; }
    const DecisionSnapshot& storedDecisions() const { return m_stored; }
    // The chart as exported now: the stored decisions of the note and the evidence of its analysis.
    std::optional<CodedChart> currentChart() const;

public Q_SLOTS:
    // Cancels a running analysis (the engine checks the flag between batches of windows).
    void cancelAnalysis();

Q_SIGNALS:
    void modelLoading();
    void modelChanged(const fc::LiveModel& model);
    void modelLoadFailed(const QString& error);
    void analysisStarted();
    // Progress of a running analysis of several windows: windows scored so far, of `total`.
    void progress(int done, int total);
    void analysed(const fc::NoteAnalysis& analysis);
    void analysisFailed(const QString& error); // not emitted for a cancelled analysis
    // Saving stopped (database error); decisions are kept in memory from now on.
    void savingFailed(const QString& reason);

private:
    void onModelLoaded(const LoadedModel& loaded);
    void onAnalysisFinished(const AnalysisResult& result);
    DecisionSnapshot storeAnalysis(const NoteAnalysis& analysis);
    void persistDifferences(const DecisionSnapshot& now);
    void stopSaving(const QString& reason);
    qint64 versionIdForPath(const QString& directory);

    DecisionService* m_decisions = nullptr; // null: not saving
    AnalysisService* m_analysis = nullptr;
    ModelLoader* m_loader = nullptr;
    DecisionUndoStack* m_undo = nullptr;

    std::shared_ptr<const Engine> m_engine;
    LiveModel m_live;
    int m_threads = 0;
    bool m_fast = false;
    qint64 m_pendingVersionId = 0;    // version of the load in flight (0 = unregistered)
    bool m_pendingActivation = false; // the load in flight activates m_pendingVersionId when it succeeds
    QString m_fallbackDirectory;      // start-up: loaded when the active version fails
    QString m_pendingNotice;

    QString m_source;
    QString m_analysedText;
    qint64 m_noteId = 0;
    double m_threshold = 0.5;
    double m_band = 0.0;
    std::vector<Suggestion> m_suggestions; // of the last analysis (scores and evidence)
    DecisionSnapshot m_stored;
};

} // namespace fc

Q_DECLARE_METATYPE(fc::LiveModel)
Q_DECLARE_METATYPE(fc::NoteAnalysis)
