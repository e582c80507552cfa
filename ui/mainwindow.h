#pragma once
// The coder's screen, as wiring: the note pane (editor + evidence overview) on the left; on the right the
// suggestions panel, the evidence panel and the coded chart; a worklist dock on the left. The note flow and
// the live model belong to the CodingSession (app/codingsession.h); the chart's decisions to ChartDecisions.
// Nothing blocks: the model loads, notes are analysed and exports run off the UI thread; dialogs are
// non-modal. Every decision is stored at once; undo stores a new decision restoring the previous state.
// Threading: UI thread only.
#include "appsettings.h"
#include "codingsession.h"

#include <QMainWindow>

#include <memory>
#include <optional>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;

namespace fc::ui {

class Banner;
class ChartDecisions;
class ChartPanel;
class CodeSearchDialog;
class EvidencePanel;
class ExportDialog;
class NoteEditor;
class NotePane;
class RecentFiles;
class SettingsDialog;
class ShortcutOverlay;
class SuggestionPanel;
class WorklistPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens (or creates) the decision database. On failure the error is shown, a banner says decisions are
    // not saved, and the window keeps working. Returns whether decisions will be saved.
    bool openDatabase(const QString& path);
    // Start-up: loads the model version active in the database, else `directory`, in the background;
    // modelLoadFinished() reports the outcome.
    void loadModel(const QString& directory, int threads = 0);
    // Applies preferences: threshold override, uncertain band, font size, palette; a different model or
    // thread count is swapped in live.
    void applySettings(const AppSettings& settings);

    // Reads a note file (text in any common encoding, or PDF; see NoteFileReader) and analyses it. Returns
    // false with *error set (and nothing changed) when the file is refused.
    bool openNoteFile(const QString& path, QString* error = nullptr);
    // Shows a note and analyses it as soon as a model is loaded. `source`: file path, "clipboard", "pasted".
    void setNote(const QString& text, const QString& source);
    // Opens a folder of notes as the worklist and its first chart. False when it holds no notes.
    bool openWorklist(const QString& directory, QString* error = nullptr);
    bool openChart(int worklistRow);
    bool nextChart();
    bool previousChart();
    // Sets the worklist status of the current chart (stored); no-op without a worklist chart.
    void setChartStatus(int status /* ChartStatus */);
    // Orders the worklist by the model's uncertainty (Chart menu toggle), or back to name order.
    void orderWorklist();
    // Ends a blind first pass: shows the suggestions and how the coder's codes compare with them.
    void revealSuggestions();
    // The Chart menu's "Blind first pass" toggle (kept in the settings): new charts hide their suggestions.
    void setBlindFirstPass(bool on);

    // Selects the suggestion with this code (its evidence is highlighted), showing every suggestion when
    // the current filter hides it. False when the code is not in the table.
    bool selectCode(const QString& code);
    bool selectViewRow(int row);

    // Decisions (stored at once, one undo step each).
    void acceptCurrent();
    void rejectCurrent();
    void acceptCurrentAndNext();
    int acceptAllAboveThreshold();
    void addCode(const QString& code, const QString& system, const QString& description = {});
    void removeCode(const QString& code);
    bool moveCode(const QString& code, int delta);
    bool setPoa(const QString& code, const QString& poa);
    bool undo();

    // Dialogs (non-modal; owned by the window, deleted on close).
    CodeSearchDialog* openCodeSearch(const QString& query = {});
    ExportDialog* openExportDialog();
    SettingsDialog* openSettingsDialog();
    QWidget* showAbout();
    void toggleShortcutHelp();
    std::optional<CodedChart> currentChart() const { return m_session->currentChart(); }
    // Applies the codes of an export file of this note as decisions. False with *error when the file is
    // unreadable or belongs to another note.
    bool importDecisions(const QString& path, QString* error = nullptr);

    CodingSession* session() const { return m_session; }
    bool isModelLoaded() const { return m_session->hasModel(); }
    bool isAnalysisRunning() const { return m_session->isAnalysing(); }
    bool isSavingDecisions() const { return m_session->isSaving(); }
    std::shared_ptr<const CodeCatalog> catalog() const { return m_session->catalog(); }
    // The parts of the screen (for scripts, tests and the scripted session).
    NotePane* notePane() const { return m_note; }
    SuggestionPanel* suggestionPanel() const { return m_suggestions; }
    EvidencePanel* evidencePanel() const { return m_evidence; }
    ChartPanel* chartPanel() const { return m_chart; }
    WorklistPanel* worklistPanel() const { return m_worklist; }
    ShortcutOverlay* shortcutOverlay() const { return m_overlay; }
    NoteEditor* noteEditor() const;

Q_SIGNALS:
    void modelLoadFinished(bool ok, const QString& error);
    // Emitted after the suggestions of an analysis of the current note are in the table (first row
    // selected when none was), or when the analysis failed (ok = false, error says why).
    void analysisFinished(bool ok, const QString& error);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildActions();
    void buildMenus();
    void onModelChanged(const LiveModel& model);
    void onModelLoadFailed(const QString& error);
    void startAnalysis();
    void onAnalysed(const NoteAnalysis& analysis);
    void onAnalysisFailed(const QString& error);
    void decideCurrent(SuggestionStatus status, bool moveToNext);
    void updateEvidence();
    void disableSaving(const QString& reason);
    void showMessage(const QString& title, const QString& text, bool error);
    void updateBusy();
    void updateActions();
    void updateRecentMenu();
    void openNoteDialog();
    void openFolderDialog();
    void importDialog();
    void pasteNote();
    void openPaths(const QStringList& paths);

    CodingSession* m_session = nullptr;
    ChartDecisions* m_decisions = nullptr;
    RecentFiles* m_recent = nullptr;
    NotePane* m_note = nullptr;
    SuggestionPanel* m_suggestions = nullptr;
    EvidencePanel* m_evidence = nullptr;
    ChartPanel* m_chart = nullptr;
    WorklistPanel* m_worklist = nullptr;
    QDockWidget* m_worklistDock = nullptr;
    ShortcutOverlay* m_overlay = nullptr;
    Banner* m_placeholderBanner = nullptr;
    Banner* m_blasBanner = nullptr;
    Banner* m_storageBanner = nullptr;
    Banner* m_modelErrorBanner = nullptr;
    QLabel* m_modelLabel = nullptr;
    QLabel* m_timeLabel = nullptr;
    QProgressBar* m_busy = nullptr;
    QMenu* m_recentMenu = nullptr;
    struct Actions;
    std::unique_ptr<Actions> m_actions;
    QList<QPair<QString, QList<QAction*>>> m_actionGroups;

    AppSettings m_settings;
    int m_chartRow = -1;             // worklist row of the note shown; -1 when not from the worklist
    bool m_focusSuggestions = false; // move focus to the table after the next analysis (a new note)
};

} // namespace fc::ui
