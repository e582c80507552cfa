#pragma once
// The coder's screen: the note (with an evidence overview strip) on the left; on the right the suggestions
// of the current model (filter, threshold, uncertain band), the evidence of the selected code, and the coded
// chart (accepted and added codes in sequence, with POA). A worklist of note files docks on the left.
// Nothing blocks: the model loads, notes are analysed and exports run off the UI thread; dialogs are
// non-modal. Every decision is stored at once; undo stores a new decision restoring the previous state.
// Threading: UI thread only.
#include "appsettings.h"
#include "codinglistmodel.h"
#include "decisionundostack.h"
#include "suggestion.h"

#include <QMainWindow>

#include <memory>
#include <optional>

class QAction;
class QComboBox;
class QDockWidget;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListView;
class QMenu;
class QProgressBar;
class QPushButton;
class QSlider;
class QTableView;

namespace fc {
class CodeCatalog;
class AnalysisService;
class DecisionService;
class Engine;
struct AnalysisResult;
struct CodedChart;
namespace storage {
struct DecisionRecord;
}
} // namespace fc

namespace fc::ui {

class Banner;
class CodeSearchDialog;
class CodingListModel;
class EvidenceListModel;
class EvidenceOverview;
class ExportDialog;
class ModelLoader;
class NoteEditor;
class RecentFiles;
class SettingsDialog;
class ShortcutOverlay;
class SuggestionFilterProxy;
class SuggestionTableModel;
class WorklistModel;
struct LoadedModel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens (or creates) the decision database. On failure the error is shown, a banner says decisions are
    // not saved, and the window keeps working. Returns whether decisions will be saved.
    bool openDatabase(const QString& path);
    // Starts loading a model directory in the background; modelLoadFinished() reports the outcome.
    void loadModel(const QString& directory, int threads = 0);
    // Applies preferences that need no reload: threshold override, uncertain band, font size, palette.
    void applySettings(const AppSettings& settings);

    // Reads a note file (text in any common encoding, or PDF; see NoteFileReader) and analyses it. Returns
    // false with *error set (and nothing changed) when the file is refused.
    bool openNoteFile(const QString& path, QString* error = nullptr);
    // Shows a note and analyses it as soon as a model is loaded. `source`: file path, "clipboard", "pasted".
    void setNote(const QString& text, const QString& source);
    // Opens a folder of notes as the worklist and its first chart. False when it holds no notes. Stored
    // statuses load in the background; the chart shown becomes "in progress" when it was new.
    bool openWorklist(const QString& directory, QString* error = nullptr);
    bool openChart(int worklistRow);
    bool nextChart();
    bool previousChart();
    // Sets the worklist status of the current chart (stored); no-op without a worklist chart.
    void setChartStatus(int status /* ChartStatus */);

    // Selects the suggestion with this code (its evidence is highlighted), showing every suggestion when
    // the current filter hides it. False when the code is not in the table.
    bool selectCode(const QString& code);
    // Selects the row at this position of the sorted, filtered view; false when out of range.
    bool selectViewRow(int row);

    // Decides the current suggestion: stores the decision and updates its status and the coded list.
    void acceptCurrent();
    void rejectCurrent();
    void acceptCurrentAndNext();
    // Adds a code from the catalog (or accepts it when the model scored it at or above the threshold).
    void addCode(const QString& code, const QString& system, const QString& description = {});
    // Removes a code from the coded list (its decision becomes "removed").
    void removeCode(const QString& code);
    // Moves a coded code one place up (-1) or down (+1); false at the ends.
    bool moveCode(const QString& code, int delta);
    bool setPoa(const QString& code, const QString& poa);
    // Undoes the newest decision action; false when there is nothing to undo.
    bool undo();

    // Dialogs (non-modal; returned for scripts and tests; owned by the window, deleted on close).
    CodeSearchDialog* openCodeSearch(const QString& query = {});
    ExportDialog* openExportDialog();
    SettingsDialog* openSettingsDialog();
    QWidget* showAbout();
    void toggleShortcutHelp();
    // The chart as exported now (current decisions of the note, evidence of the analysis).
    std::optional<CodedChart> currentChart() const;
    // Applies the codes of an export file of this note as decisions. False with *error when the file is
    // unreadable or belongs to another note.
    bool importDecisions(const QString& path, QString* error = nullptr);

    bool isModelLoaded() const { return m_engine != nullptr; }
    bool isAnalysisRunning() const;
    bool isSavingDecisions() const { return m_decisions != nullptr; }
    NoteEditor* noteEditor() const { return m_editor; }
    EvidenceOverview* evidenceOverview() const { return m_overview; }
    QTableView* suggestionView() const { return m_table; }
    SuggestionTableModel* suggestionModel() const { return m_model; }
    SuggestionFilterProxy* suggestionProxy() const { return m_proxy; }
    CodingListModel* codingModel() const { return m_coding; }
    QTableView* codingView() const { return m_codingView; }
    EvidenceListModel* evidenceModel() const { return m_evidence; }
    QListView* evidenceView() const { return m_evidenceView; }
    WorklistModel* worklistModel() const { return m_worklist; }
    QTableView* worklistView() const { return m_worklistView; }
    ShortcutOverlay* shortcutOverlay() const { return m_overlay; }
    DecisionService* decisionService() const { return m_decisions; }
    const DecisionUndoStack* undoStack() const { return m_undo; }
    QLineEdit* filterEdit() const { return m_filter; }
    QSlider* thresholdSlider() const { return m_thresholdSlider; }
    QDoubleSpinBox* thresholdBox() const { return m_threshold; }
    std::shared_ptr<const CodeCatalog> catalog() const { return m_catalog; }

Q_SIGNALS:
    void modelLoadFinished(bool ok, const QString& error);
    // Emitted after the suggestions of an analysis of the current note are in the table (first row
    // selected when none was), or when the analysis failed (ok = false, error says why).
    void analysisFinished(bool ok, const QString& error);

protected:
    // POA keys (Y, N, U, W, 1; Backspace clears) on the coded chart.
    bool eventFilter(QObject* watched, QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildActions();
    void buildMenus();
    QWidget* buildSuggestionPanel();
    QWidget* buildEvidencePanel();
    QWidget* buildCodingPanel();
    void buildWorklistDock();
    void onModelLoaded(const LoadedModel& model);
    void startAnalysis();
    void onAnalysisStarted();
    void onAnalysisFinished(const AnalysisResult& result);
    // Stores the note and its analysis; returns the note's current stored decisions.
    std::vector<storage::DecisionRecord> storeAnalysis(const QString& text, double threshold,
                                                       const std::vector<Suggestion>& suggestions);
    void restoreDecisions(const std::vector<storage::DecisionRecord>& records,
                          const DecisionSnapshot& carried);
    void onCurrentSuggestionChanged();
    void updateEvidenceViews();
    void updateOverviewMarks();
    void setThreshold(double threshold);
    void decideCurrent(SuggestionStatus status, bool moveToNext);

    // Decision bookkeeping: m_stored is what the database holds for the note. A coder action changes the
    // table and the coded list, then commit() stores the differences and pushes the previous state.
    DecisionSnapshot currentSnapshot() const;
    void applySnapshot(const DecisionSnapshot& snapshot);
    void persistDifferences();
    void commit(const QString& description, const DecisionSnapshot& before);
    bool storeDecision(const storage::DecisionRecord& decision);
    CodingListEntry codingEntryFor(const QString& code, const QString& system, SuggestionStatus status) const;

    void disableSaving(const QString& reason);
    void showMessage(const QString& title, const QString& text, bool error);
    void updateBusy();
    void updateActions();
    void updateRecentMenu();
    void updateWorklistSummary();
    void loadWorklistStatuses();
    void openNoteDialog();
    void openFolderDialog();
    void importDialog();
    void pasteNote();
    void openPaths(const QStringList& paths);
    QString currentCode() const;
    void moveSuggestion(int delta);

    NoteEditor* m_editor = nullptr;
    EvidenceOverview* m_overview = nullptr;
    QTableView* m_table = nullptr;
    SuggestionTableModel* m_model = nullptr;
    SuggestionFilterProxy* m_proxy = nullptr;
    QLineEdit* m_filter = nullptr;
    QComboBox* m_show = nullptr;
    QSlider* m_thresholdSlider = nullptr;
    QDoubleSpinBox* m_threshold = nullptr;
    QPushButton* m_modelThresholdButton = nullptr;
    QPushButton* m_acceptButton = nullptr;
    QPushButton* m_rejectButton = nullptr;
    QLabel* m_evidenceLabel = nullptr;
    EvidenceListModel* m_evidence = nullptr;
    QListView* m_evidenceView = nullptr;
    CodingListModel* m_coding = nullptr;
    QTableView* m_codingView = nullptr;
    QLabel* m_codingLabel = nullptr;
    WorklistModel* m_worklist = nullptr;
    QTableView* m_worklistView = nullptr;
    QDockWidget* m_worklistDock = nullptr;
    QLabel* m_worklistSummary = nullptr;
    ShortcutOverlay* m_overlay = nullptr;
    Banner* m_placeholderBanner = nullptr;
    Banner* m_blasBanner = nullptr;
    Banner* m_storageBanner = nullptr;
    Banner* m_modelErrorBanner = nullptr;
    QLabel* m_modelLabel = nullptr;
    QLabel* m_timeLabel = nullptr;
    QProgressBar* m_busy = nullptr;
    QMenu* m_recentMenu = nullptr;

    QAction* m_acceptAction = nullptr;
    QAction* m_rejectAction = nullptr;
    QAction* m_acceptNextAction = nullptr;
    QAction* m_undoAction = nullptr;
    QAction* m_nextAction = nullptr;
    QAction* m_previousAction = nullptr;
    QAction* m_addCodeAction = nullptr;
    QAction* m_removeCodeAction = nullptr;
    QAction* m_moveUpAction = nullptr;
    QAction* m_moveDownAction = nullptr;
    QAction* m_nextChartAction = nullptr;
    QAction* m_previousChartAction = nullptr;
    QAction* m_doneAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_importAction = nullptr;
    QAction* m_filterAction = nullptr;
    QAction* m_helpAction = nullptr;
    QList<QPair<QString, QList<QAction*>>> m_actionGroups;

    AnalysisService* m_analysis = nullptr;
    ModelLoader* m_loader = nullptr;
    DecisionService* m_decisions = nullptr; // null: decisions are kept in the window only (not saved)
    DecisionUndoStack* m_undo = nullptr;
    RecentFiles* m_recent = nullptr;
    std::shared_ptr<const Engine> m_engine;
    std::shared_ptr<const CodeCatalog> m_catalog; // descriptions for the model's code systems; may be null
    AppSettings m_settings;
    double m_modelThreshold = 0.5; // the loaded model's tuned threshold
    QString m_source;              // where the current note came from
    QString m_analysedText;        // the text the table's suggestions (and their offsets) refer to
    qint64 m_noteId = 0;           // stored note of m_analysedText; 0 when not stored
    QString m_modelVersion;
    DecisionSnapshot m_stored;       // decisions stored for the note (or kept here when not saving)
    int m_chartRow = -1;             // worklist row of the note shown; -1 when not from the worklist
    bool m_focusSuggestions = false; // move focus to the table after the next analysis (a new note)
};

} // namespace fc::ui
