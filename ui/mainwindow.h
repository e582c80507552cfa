#pragma once
// The coder's screen: the note on the left, the suggestions of the current model on the right, decisions
// stored at once. Nothing here blocks: the model loads and notes are analysed off the UI thread, and
// message boxes are non-modal.
// Threading: UI thread only.
#include "suggestion.h"

#include <QMainWindow>

#include <memory>

class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace fc {
class CodeCatalog;
class AnalysisService;
class DecisionService;
class Engine;
struct AnalysisResult;
namespace storage {
struct DecisionRecord;
}
} // namespace fc

namespace fc::ui {

class Banner;
class ModelLoader;
class NoteEditor;
class SuggestionTableModel;
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

    // Reads a note file (see NoteFileReader) and analyses it. Returns false with *error set (and nothing
    // changed) when the file is refused.
    bool openNoteFile(const QString& path, QString* error = nullptr);
    // Shows a note and analyses it as soon as a model is loaded. `source`: file path, "clipboard", "pasted".
    void setNote(const QString& text, const QString& source);

    // Selects the visible suggestion with this code (its evidence is highlighted). False when not shown.
    bool selectCode(const QString& code);
    // Selects the row at this position of the sorted view; false when out of range.
    bool selectViewRow(int row);

    // Decides the current suggestion: stores the decision and updates its status.
    void acceptCurrent();
    void rejectCurrent();
    void acceptCurrentAndNext();

    bool isModelLoaded() const { return m_engine != nullptr; }
    bool isAnalysisRunning() const;
    bool isSavingDecisions() const { return m_decisions != nullptr; }
    NoteEditor* noteEditor() const { return m_editor; }
    QTableView* suggestionView() const { return m_table; }
    SuggestionTableModel* suggestionModel() const { return m_model; }
    DecisionService* decisionService() const { return m_decisions; }

Q_SIGNALS:
    void modelLoadFinished(bool ok, const QString& error);
    // Emitted after the suggestions of an analysis of the current note are in the table (first row
    // selected when none was), or when the analysis failed (ok = false, error says why).
    void analysisFinished(bool ok, const QString& error);

private:
    void buildMenus();
    QWidget* buildSuggestionPanel();
    void onModelLoaded(const LoadedModel& model);
    void startAnalysis();
    void onAnalysisStarted();
    void onAnalysisFinished(const AnalysisResult& result);
    // Stores the note and its analysis, and sets the statuses of earlier decisions on this text.
    void storeAnalysisAndRestoreDecisions(const QString& text, double threshold,
                                          std::vector<Suggestion>& suggestions);
    void onCurrentSuggestionChanged();
    void decideCurrent(SuggestionStatus status, bool moveToNext);
    bool storeDecision(const storage::DecisionRecord& decision);
    void disableSaving(const QString& reason);
    void showMessage(const QString& title, const QString& text, bool error);
    void updateBusy();
    void updateButtons();
    void openNoteDialog();
    void pasteNote();
    void showAbout();

    NoteEditor* m_editor = nullptr;
    QTableView* m_table = nullptr;
    SuggestionTableModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QPushButton* m_acceptButton = nullptr;
    QPushButton* m_rejectButton = nullptr;
    QDoubleSpinBox* m_threshold = nullptr;
    QLabel* m_evidenceLabel = nullptr;
    Banner* m_placeholderBanner = nullptr;
    Banner* m_blasBanner = nullptr;
    Banner* m_storageBanner = nullptr;
    Banner* m_modelErrorBanner = nullptr;
    QLabel* m_modelLabel = nullptr;
    QLabel* m_timeLabel = nullptr;
    QProgressBar* m_busy = nullptr;

    AnalysisService* m_analysis = nullptr;
    ModelLoader* m_loader = nullptr;
    DecisionService* m_decisions = nullptr; // null: decisions are kept in the table only (not saved)
    std::shared_ptr<const Engine> m_engine;
    std::shared_ptr<const CodeCatalog> m_catalog; // descriptions for the model's code systems; may be null
    QString m_source;       // where the current note came from
    QString m_analysedText; // the text the table's suggestions (and their offsets) refer to
    QString m_modelVersion;
    bool m_focusSuggestions = false; // move focus to the table after the next analysis (a new note)
};

} // namespace fc::ui
