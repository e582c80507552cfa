#include "codingsession.h"
#include "chartstorage.h"

#include "analysisservice.h"
#include "codecatalog.h"
#include "decisionservice.h"
#include "modelloader.h"

#include "fc/storage/model_repositories.h"
#include "fc/storage/sha256.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace fc {

namespace {

storage::DecisionKind decisionKind(SuggestionStatus status) {
    switch (status) {
    case SuggestionStatus::Accepted:
        return storage::DecisionKind::Accepted;
    case SuggestionStatus::Rejected:
        return storage::DecisionKind::Rejected;
    case SuggestionStatus::Added:
        return storage::DecisionKind::Added;
    case SuggestionStatus::Suggested:
        break;
    }
    return storage::DecisionKind::Removed;
}

SuggestionStatus suggestionStatus(storage::DecisionKind kind) {
    switch (kind) {
    case storage::DecisionKind::Accepted:
        return SuggestionStatus::Accepted;
    case storage::DecisionKind::Rejected:
        return SuggestionStatus::Rejected;
    case storage::DecisionKind::Added:
        return SuggestionStatus::Added;
    case storage::DecisionKind::Removed:
        break;
    }
    return SuggestionStatus::Suggested;
}

DecisionSnapshot snapshotOf(const std::vector<storage::DecisionRecord>& records) {
    DecisionSnapshot snapshot;
    for (const storage::DecisionRecord& record : records) {
        CodeDecisionState state;
        state.code = QString::fromStdString(record.code);
        state.system = QString::fromStdString(record.system);
        state.status = suggestionStatus(record.kind);
        state.sequence = record.sequence;
        state.poa = QString::fromStdString(record.poa);
        if (state.status != SuggestionStatus::Suggested)
            snapshot.insert(state.code, state);
    }
    return snapshot;
}

ModelVersion toValue(const storage::ModelVersionRecord& record) {
    ModelVersion version;
    version.id = record.id;
    version.parentId = record.parentId;
    version.path = QString::fromStdString(record.path);
    version.name = QString::fromStdString(record.name);
    version.createdAt = QString::fromStdString(record.createdAt);
    version.trainingSummary = QString::fromStdString(record.trainingSummary);
    version.metricsJson = QString::fromStdString(record.metricsJson);
    version.active = record.active;
    return version;
}

QString cleanAbsolute(const QString& path) {
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

storage::AnalysisRecord analysisRecord(qint64 noteId, const QString& modelVersion, double threshold,
                                       const std::vector<Suggestion>& suggestions, double minimumScore) {
    storage::AnalysisRecord analysis;
    analysis.noteId = noteId;
    analysis.modelVersion = modelVersion.toStdString();
    analysis.threshold = threshold;
    for (const Suggestion& s : suggestions) {
        if (!s.hasScore() || s.score < minimumScore)
            continue;
        storage::SuggestionRecord record{s.code.toStdString(), s.system.toStdString(), s.score, {}};
        for (const EvidenceSpan& span : s.evidence)
            record.evidence.push_back({span.begin, span.end, span.weight});
        analysis.suggestions.push_back(std::move(record));
    }
    return analysis;
}

// The decision to store for `state`: its code, kind, order and POA, with the model's score (codes the coder
// added have none: -1) and version.
storage::DecisionRecord decisionRecord(const CodeDecisionState& state,
                                       const std::vector<Suggestion>& suggestions,
                                       const std::string& modelVersion) {
    storage::DecisionRecord record;
    record.code = state.code.toStdString();
    record.system = state.system.toStdString();
    record.kind = decisionKind(state.status);
    record.sequence = state.sequence;
    record.poa = state.poa.toStdString();
    const auto scored = std::find_if(suggestions.begin(), suggestions.end(),
                                     [&state](const Suggestion& s) { return s.code == state.code; });
    record.score = scored != suggestions.end() && scored->hasScore() ? scored->score : -1.0;
    record.modelVersion = modelVersion;
    return record;
}

} // namespace

CodingSession::CodingSession(QObject* parent)
    : QObject(parent), m_analysis(new AnalysisService(this)), m_loader(new ModelLoader(this)),
      m_undo(new DecisionUndoStack(this)) {
    qRegisterMetaType<fc::LiveModel>();
    qRegisterMetaType<fc::NoteAnalysis>();
    connect(m_loader, &ModelLoader::loaded, this, &CodingSession::onModelLoaded);
    connect(m_analysis, &AnalysisService::started, this, [this]() {
        Q_EMIT analysisStarted();
        Q_EMIT progress(0, 1);
    });
    connect(m_analysis, &AnalysisService::progress, this, [this](qint64 done, qint64 total) {
        Q_EMIT progress(static_cast<int>(done), static_cast<int>(total));
    });
    connect(m_analysis, &AnalysisService::finished, this, &CodingSession::onAnalysisFinished);
}

CodingSession::~CodingSession() = default;

// --- the database -------------------------------------------------------------------------------------

bool CodingSession::openDatabase(const QString& path, QString* error) {
    if (m_decisions) {
        m_decisions->deleteLater();
        m_decisions = nullptr;
    }
    try {
        m_decisions = new DecisionService(path, this);
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    connect(m_decisions, &DecisionService::failed, this, &CodingSession::stopSaving);
    return true;
}

QString CodingSession::databasePath() const {
    return m_decisions ? m_decisions->databasePath() : QString();
}

void CodingSession::stopSaving(const QString& reason) {
    if (!m_decisions)
        return;
    // Called from the service's own signal: delete it once control has left it.
    m_decisions->deleteLater();
    m_decisions = nullptr;
    m_noteId = 0;
    Q_EMIT savingFailed(reason);
}

void CodingSession::setChartStatus(const QString& sha256, const QString& status, const QString& source) {
    if (m_decisions)
        m_decisions->setChartStatus(sha256, status, source);
}

QHash<QString, QString> CodingSession::chartStatuses() {
    return m_decisions ? m_decisions->chartStatuses() : QHash<QString, QString>();
}

// --- the live model -----------------------------------------------------------------------------------

void CodingSession::start(const QString& modelDirectory, int threads) {
    m_fallbackDirectory.clear();
    if (const std::optional<ModelVersion> active = activeVersion()) {
        if (cleanAbsolute(active->path) != cleanAbsolute(modelDirectory)) {
            m_fallbackDirectory = modelDirectory;
            swapModel(active->path, threads, active->id);
            return;
        }
        swapModel(modelDirectory, threads, active->id);
        return;
    }
    swapModel(modelDirectory, threads);
}

void CodingSession::swapModel(const QString& directory, int threads, qint64 versionId) {
    m_threads = threads;
    m_pendingVersionId = versionId;
    m_pendingActivation = false;
    m_loader->load(directory, threads, m_fast);
    Q_EMIT modelLoading();
}

void CodingSession::reloadModel() {
    if (m_engine)
        swapModel(QString::fromStdString(m_live.info.directory), m_threads, m_live.versionId);
}

bool CodingSession::activateVersion(qint64 id, QString* error) {
    if (!m_decisions) {
        if (error)
            *error = tr("decisions are not being saved, so there are no model versions");
        return false;
    }
    std::optional<storage::ModelVersionRecord> version;
    try {
        version = storage::ModelVersionRepository(m_decisions->database()).find(id);
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    if (!version) {
        if (error)
            *error = tr("no model version %1").arg(id);
        return false;
    }
    m_fallbackDirectory.clear();
    swapModel(QString::fromStdString(version->path), m_threads, id);
    m_pendingActivation = true;
    return true;
}

bool CodingSession::rollback(QString* error) {
    const std::optional<ModelVersion> active = activeVersion();
    if (!active || active->parentId == 0) {
        if (error)
            *error =
                active ? tr("the active model has no earlier version") : tr("no model version is active");
        return false;
    }
    return activateVersion(active->parentId, error);
}

std::vector<ModelVersion> CodingSession::modelVersions() {
    std::vector<ModelVersion> versions;
    if (!m_decisions)
        return versions;
    try {
        for (const storage::ModelVersionRecord& record :
             storage::ModelVersionRepository(m_decisions->database()).all())
            versions.push_back(toValue(record));
    } catch (const std::exception& e) {
        stopSaving(QString::fromUtf8(e.what()));
    }
    return versions;
}

std::optional<ModelVersion> CodingSession::activeVersion() {
    if (!m_decisions)
        return std::nullopt;
    try {
        if (const auto record = storage::ModelVersionRepository(m_decisions->database()).active())
            return toValue(*record);
    } catch (const std::exception& e) {
        stopSaving(QString::fromUtf8(e.what()));
    }
    return std::nullopt;
}

FeedbackCounts CodingSession::feedbackCounts() {
    if (!m_decisions)
        return {};
    try {
        return FeedbackService(m_decisions->database()).counts();
    } catch (const std::exception& e) {
        stopSaving(QString::fromUtf8(e.what()));
        return {};
    }
}

FeedbackInsights CodingSession::feedbackInsights(int bins) {
    if (!m_decisions)
        return {};
    try {
        return computeFeedbackInsights(m_decisions->database(), bins);
    } catch (const storage::StorageError& e) {
        stopSaving(QString::fromUtf8(e.what()));
        return {};
    }
}

std::function<double(const QString&)> CodingSession::uncertaintyScorer() const {
    if (!m_engine)
        return {};
    return [engine = m_engine, threshold = m_threshold](const QString& text) {
        PredictOptions options;
        options.evidence = false;
        const QByteArray utf8 = text.toUtf8();
        try {
            return predictionMargin(
                engine->predict(std::string_view(utf8.constData(), static_cast<size_t>(utf8.size())),
                                options),
                threshold);
        } catch (const std::exception&) {
            return 1.0; // an unreadable note is not "uncertain": it goes last
        }
    };
}

bool CodingSession::isModelLoading() const {
    return m_loader->isLoading();
}

qint64 CodingSession::versionIdForPath(const QString& directory) {
    for (const ModelVersion& version : modelVersions())
        if (cleanAbsolute(version.path) == cleanAbsolute(directory))
            return version.id;
    return 0;
}

void CodingSession::onModelLoaded(const LoadedModel& loaded) {
    if (!loaded.engine) {
        if (!m_fallbackDirectory.isEmpty()) {
            // The active version is gone or damaged: start on the configured model, and say so.
            m_pendingNotice = tr("The active model version could not be loaded (%1); using %2.")
                                  .arg(loaded.error, m_fallbackDirectory);
            const QString fallback = m_fallbackDirectory;
            m_fallbackDirectory.clear();
            swapModel(fallback, m_threads);
            return;
        }
        m_pendingActivation = false;
        Q_EMIT modelLoadFailed(loaded.error);
        return;
    }
    m_fallbackDirectory.clear();
    if (m_pendingActivation && m_decisions) {
        try {
            storage::ModelVersionRepository(m_decisions->database()).activate(m_pendingVersionId);
        } catch (const std::exception& e) {
            m_pendingActivation = false;
            Q_EMIT modelLoadFailed(tr("model version %1 cannot be activated: %2")
                                       .arg(m_pendingVersionId)
                                       .arg(QString::fromUtf8(e.what())));
            return;
        }
    }
    m_pendingActivation = false;
    m_engine = loaded.engine;
    m_live = LiveModel();
    m_live.info = m_engine->info();
    m_live.catalog = loaded.catalog;
    m_live.catalogError = loaded.catalogError;
    m_live.slowBlasWarning = loaded.slowBlasWarning;
    m_live.milliseconds = loaded.milliseconds;
    m_live.versionId = m_pendingVersionId != 0
                           ? m_pendingVersionId
                           : versionIdForPath(QString::fromStdString(m_live.info.directory));
    m_live.fast = m_engine->fast();
    m_live.notice = m_pendingNotice;
    m_pendingNotice.clear();
    Q_EMIT modelChanged(m_live);
}

// --- the note flow ------------------------------------------------------------------------------------

void CodingSession::newNote(const QString& source) {
    m_source = source;
    m_analysedText.clear();
    m_noteId = 0;
    m_suggestions.clear();
    m_stored.clear();
    m_undo->clear();
}

void CodingSession::analyse(const QString& text) {
    if (!m_engine)
        return; // analysed once a model is live (the window asks again on modelChanged)
    m_analysis->analyse(text, m_engine);
}

void CodingSession::cancelAnalysis() {
    m_analysis->cancel();
}

bool CodingSession::isAnalysing() const {
    return m_analysis->isBusy();
}

void CodingSession::onAnalysisFinished(const AnalysisResult& result) {
    Q_EMIT progress(1, 1);
    if (!result.error.isEmpty()) {
        if (result.error != QLatin1String("cancelled"))
            Q_EMIT analysisFailed(result.error);
        return;
    }
    NoteAnalysis analysis;
    analysis.text = result.text;
    // A note without a word the model knows gets no suggestions: its scores would be the codes' priors.
    analysis.insufficientText = result.prediction.insufficientText;
    if (!analysis.insufficientText)
        analysis.suggestions =
            suggestionsFromPrediction(result.prediction, m_engine->info(), m_live.catalog.get());
    analysis.milliseconds = result.milliseconds;
    analysis.tokens = result.prediction.tokens;
    analysis.windows = result.prediction.windows;
    // An edited note is a new stored note: the coder's decisions so far carry over to it.
    const DecisionSnapshot carried = m_analysedText.isEmpty() ? DecisionSnapshot() : m_stored;
    m_suggestions = analysis.suggestions;
    m_analysedText = result.text;
    DecisionSnapshot stored = storeAnalysis(analysis);
    if (stored.isEmpty() && !carried.isEmpty()) {
        m_stored.clear();
        persistDifferences(carried); // stores the carried decisions for the edited note
        stored = carried;
    }
    m_stored = stored;
    analysis.decisions = stored;
    Q_EMIT analysed(analysis);
}

DecisionSnapshot CodingSession::storeAnalysis(const NoteAnalysis& analysis) {
    // Any call may report a failure through DecisionService::failed, which stops saving (m_decisions
    // becomes null): check before every step.
    m_noteId = 0;
    if (!m_decisions)
        return {};
    try {
        m_noteId = m_decisions->openNote(analysis.text, m_source);
        if (!m_decisions || m_noteId == 0)
            return {};
        m_decisions->recordAnalysis(analysisRecord(m_noteId, QString::fromStdString(m_live.info.version),
                                                   m_threshold, analysis.suggestions, m_threshold - m_band));
        if (!m_decisions)
            return {};
        return snapshotOf(m_decisions->currentDecisions());
    } catch (const std::exception& e) {
        stopSaving(QString::fromUtf8(e.what()));
        return {};
    }
}

void CodingSession::persistDifferences(const DecisionSnapshot& now) {
    QStringList codes = now.keys();
    for (auto it = m_stored.cbegin(); it != m_stored.cend(); ++it)
        if (!now.contains(it.key()))
            codes << it.key();
    codes.sort();
    codes.removeDuplicates();
    std::vector<storage::DecisionRecord> decisions;
    for (const QString& code : codes) {
        const auto current = now.find(code);
        const auto before = m_stored.find(code);
        CodeDecisionState state;
        if (current != now.end()) {
            state = *current;
        } else {
            state = *before;
            state.status = SuggestionStatus::Suggested;
            state.sequence = 0;
            state.poa.clear();
        }
        if (before != m_stored.end() ? *before == state : state.status == SuggestionStatus::Suggested)
            continue;
        decisions.push_back(decisionRecord(state, m_suggestions, m_live.info.version));
    }
    // One coder action, one transaction: all of its decisions are stored or none (then saving stops and the
    // state is kept in memory).
    if (m_decisions && m_noteId != 0 && !decisions.empty())
        m_decisions->decideAll(std::move(decisions));
    m_stored = now;
}

void CodingSession::commit(const QString& description, const DecisionSnapshot& now) {
    const DecisionSnapshot before = m_stored;
    persistDifferences(now);
    if (before != m_stored)
        m_undo->push(description, before);
}

std::optional<DecisionSnapshot> CodingSession::undo() {
    if (!m_undo->canUndo())
        return std::nullopt;
    const DecisionSnapshot previous = m_undo->pop();
    persistDifferences(previous);
    return previous;
}

std::optional<CodedChart> CodingSession::currentChart() const {
    if (m_analysedText.isEmpty())
        return std::nullopt;
    storage::NoteRecord note;
    note.id = m_noteId;
    note.text = m_analysedText.toStdString();
    note.sha256 = storage::sha256Hex(note.text);
    note.source = m_source.toStdString();
    std::vector<storage::DecisionRecord> decisions;
    if (m_decisions && m_noteId != 0) {
        decisions = m_decisions->currentDecisions();
    } else {
        for (const CodeDecisionState& state : m_stored) {
            if (!isCoded(state.status))
                continue;
            storage::DecisionRecord record = decisionRecord(state, m_suggestions, m_live.info.version);
            record.who = storage::currentOsUser();
            record.decidedAt = storage::currentUtcTimestamp();
            decisions.push_back(std::move(record));
        }
    }
    std::vector<Suggestion> withEvidence;
    for (const Suggestion& s : m_suggestions)
        if (s.hasScore() && !s.evidence.empty())
            withEvidence.push_back(s);
    const storage::AnalysisRecord analysis =
        analysisRecord(m_noteId, QString::fromStdString(m_live.info.version), m_threshold, withEvidence, 0.0);
    return chartFromDecisions(note, decisions, analysis, m_live.catalog.get());
}

} // namespace fc
