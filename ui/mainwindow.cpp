#include "mainwindow.h"
#include "mainwindowactions.h"

#include "aboutbox.h"
#include "banner.h"
#include "chartdecisions.h"
#include "chartpanel.h"
#include "codesearchdialog.h"
#include "databaseunlock.h"
#include "evidencepanel.h"
#include "exportdialog.h"
#include "learnmenu.h"
#include "modellocator.h"
#include "noteeditor.h"
#include "notefilereader.h"
#include "notepane.h"
#include "recentfiles.h"
#include "settingsdialog.h"
#include "shortcutoverlay.h"
#include "suggestionpanel.h"
#include "suggestiontablemodel.h"
#include "worklistpanel.h"

#include "codecatalog.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

namespace fc::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_session(new CodingSession(this)), m_recent(new RecentFiles(this)),
      m_actions(std::make_unique<Actions>()) {
    setWindowTitle(tr("fusioncoder"));
    setAcceptDrops(true);
    m_placeholderBanner = new Banner(Banner::Kind::Warning, this);
    m_blasBanner = new Banner(Banner::Kind::Warning, this);
    m_storageBanner = new Banner(Banner::Kind::Error, this);
    m_modelErrorBanner = new Banner(Banner::Kind::Error, this);

    m_note = new NotePane(this);
    m_suggestions = new SuggestionPanel(this);
    m_evidence = new EvidencePanel(this);
    m_chart = new ChartPanel(this);
    m_decisions = new ChartDecisions(m_session, m_suggestions->model(), m_chart->model(), this);

    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(m_suggestions);
    right->addWidget(m_evidence);
    right->addWidget(m_chart);
    right->setStretchFactor(0, 5);
    right->setStretchFactor(1, 2);
    right->setStretchFactor(2, 3);
    right->setChildrenCollapsible(false);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_note);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 5);
    splitter->setStretchFactor(1, 5);
    splitter->setChildrenCollapsible(false);

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 0);
    layout->setSpacing(4);
    for (Banner* banner : {m_placeholderBanner, m_modelErrorBanner, m_storageBanner, m_blasBanner})
        layout->addWidget(banner);
    layout->addWidget(splitter, 1);
    setCentralWidget(central);
    m_overlay = new ShortcutOverlay(central);

    m_modelLabel = new QLabel(tr("No model"), this);
    m_timeLabel = new QLabel(this);
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->setMaximumHeight(14);
    m_busy->setTextVisible(false);
    m_busy->setAccessibleName(tr("Working"));
    m_busy->hide();
    statusBar()->addPermanentWidget(m_busy);
    statusBar()->addPermanentWidget(m_timeLabel);
    statusBar()->addPermanentWidget(m_modelLabel);

    m_worklist = new WorklistPanel(this);
    m_worklistDock = new QDockWidget(tr("Worklist"), this);
    m_worklistDock->setObjectName(QStringLiteral("worklist"));
    m_worklistDock->setWidget(m_worklist);
    addDockWidget(Qt::LeftDockWidgetArea, m_worklistDock);
    m_worklistDock->hide();

    buildActions();
    buildMenus();
    m_overlay->setGroups(m_actionGroups);

    connect(m_worklist, &WorklistPanel::uncertaintyScored, this,
            [this]() { statusBar()->showMessage(tr("Worklist ordered: least sure charts first."), 5000); });
    connect(m_session, &CodingSession::modelLoading, this, [this]() {
        m_modelLabel->setText(tr("Loading model…"));
        m_modelErrorBanner->setMessage({});
        updateBusy();
    });
    connect(m_session, &CodingSession::modelChanged, this, &MainWindow::onModelChanged);
    connect(m_session, &CodingSession::modelLoadFailed, this, &MainWindow::onModelLoadFailed);
    connect(m_session, &CodingSession::analysisStarted, this, [this]() {
        statusBar()->showMessage(tr("Analysing the note…"));
        m_busy->setRange(0, 0); // indeterminate until a long note reports its windows
        updateBusy();
    });
    connect(m_session, &CodingSession::progress, this, [this](int done, int total) {
        if (total <= 1 || !m_session->isAnalysing()) {
            updateBusy(); // (1, 1) ends every analysis, a cancelled one too
            return;
        }
        m_busy->setRange(0, total);
        m_busy->setValue(done);
        statusBar()->showMessage(
            tr("Analysing a long note: window %1 of %2 (Esc cancels)").arg(done).arg(total));
    });
    connect(m_session, &CodingSession::analysed, this, &MainWindow::onAnalysed);
    connect(m_session, &CodingSession::analysisFailed, this, &MainWindow::onAnalysisFailed);
    connect(m_session, &CodingSession::savingFailed, this, &MainWindow::disableSaving);
    connect(m_session->undoStack(), &DecisionUndoStack::changed, this, &MainWindow::updateActions);
    connect(m_decisions, &ChartDecisions::changed, this, [this]() {
        updateEvidence();
        updateActions();
    });
    connect(m_suggestions, &SuggestionPanel::currentChanged, this, [this]() {
        updateEvidence();
        updateActions();
    });
    connect(m_suggestions, &SuggestionPanel::thresholdChanged, this, [this](double threshold) {
        m_session->setThreshold(threshold);
        updateEvidence();
    });
    connect(m_suggestions, &SuggestionPanel::acceptRequested, this, &MainWindow::acceptCurrent);
    connect(m_suggestions, &SuggestionPanel::rejectRequested, this, &MainWindow::rejectCurrent);
    connect(m_suggestions, &SuggestionPanel::addCodeRequested, this,
            [this]() { openCodeSearch(noteEditor()->selectedNoteText()); });
    connect(m_evidence, &EvidencePanel::jumpRequested, noteEditor(), &NoteEditor::jumpTo);
    connect(m_chart, &ChartPanel::edited, m_decisions, &ChartDecisions::commitChartEdit);
    connect(noteEditor(), &NoteEditor::textEdited, this, [this]() {
        m_session->setSource(QStringLiteral("edited"));
        startAnalysis();
    });
    connect(noteEditor(), &NoteEditor::filesDropped, this, &MainWindow::openPaths);
    connect(m_worklist, &WorklistPanel::chartActivated, this, &MainWindow::openChart);
    connect(m_worklist, &WorklistPanel::keysLoaded, this, [this]() {
        // The chart opened meanwhile is now being worked on.
        if (m_chartRow >= 0 && m_worklist->model()->status(m_chartRow) == ChartStatus::New)
            setChartStatus(static_cast<int>(ChartStatus::InProgress));
    });
    connect(m_worklist->model(), &QAbstractItemModel::modelReset, this, [this]() {
        // Reordered (by uncertainty): the chart shown keeps its place by path.
        m_chartRow = m_worklist->model()->rowForPath(m_session->source());
        m_worklist->setCurrentRow(m_chartRow);
        updateActions();
    });
    connect(m_recent, &RecentFiles::changed, this, &MainWindow::updateRecentMenu);
    updateRecentMenu();
    updateActions();
}

MainWindow::~MainWindow() = default;

NoteEditor* MainWindow::noteEditor() const {
    return m_note->editor();
}

bool MainWindow::openDatabase(const QString& path) {
    QString error;
    if (!m_session->openDatabase(path, &error)) {
        disableSaving(error);
        return false;
    }
    m_storageBanner->setMessage({});
    return true;
}

void MainWindow::disableSaving(const QString& reason) {
    m_storageBanner->setMessage(
        tr("Decisions are NOT being saved (database error: %1). You can keep working; "
           "decisions stay in this window only.")
            .arg(reason));
    showMessage(tr("Database error"), reason, true);
}

void MainWindow::showMessage(const QString& title, const QString& text, bool error) {
    // Non-modal: scripted runs and tests never wait on a dialog.
    auto* box = new QMessageBox(error ? QMessageBox::Critical : QMessageBox::Information, title, text,
                                QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::NonModal);
    box->show();
}

void MainWindow::applySettings(const AppSettings& settings) {
    const AppSettings old = m_settings;
    m_settings = settings;
    m_suggestions->model()->setUncertainBand(settings.uncertainBand);
    m_session->setUncertainBand(settings.uncertainBand);
    if (settings.threshold >= 0.0)
        m_suggestions->setThreshold(settings.threshold);
    QFont font = QApplication::font();
    if (settings.fontSize > 0)
        font.setPointSize(settings.fontSize);
    for (QWidget* widget : std::initializer_list<QWidget*>{noteEditor(), m_suggestions->view(),
                                                           m_evidence->view(), m_worklist->view()})
        widget->setFont(font);
    m_chart->setTableFont(font);
    m_suggestions->view()->verticalHeader()->setDefaultSectionSize(QFontMetrics(font).height() + 10);
    m_suggestions->sizeColumns();
    applyPalette(settings.dark);
    // The same swap path as start-up and activation: a changed model or thread count applies now.
    m_session->setFastMode(settings.fast);
    if (m_session->hasModel() && (settings.model != old.model || settings.threads != old.threads) &&
        !settings.model.isEmpty()) {
        QString error;
        const QString directory = locateModel(settings.model, &error);
        if (directory.isEmpty())
            showMessage(tr("Model"), error, true);
        else
            m_session->swapModel(directory, settings.threads);
    } else if (m_session->hasModel() && settings.fast != old.fast) {
        m_session->reloadModel(); // the same model and version, in the other mode
    }
}

void MainWindow::loadModel(const QString& directory, int threads) {
    m_session->setFastMode(m_settings.fast);
    m_session->start(directory, threads);
}

void MainWindow::onModelLoadFailed(const QString& error) {
    updateBusy();
    if (m_session->hasModel()) {
        // A swap failed; the previous model stays live.
        showMessage(tr("Model"), tr("The model could not be switched: %1").arg(error), true);
    } else {
        m_modelLabel->setText(tr("No model"));
        m_modelErrorBanner->setMessage(tr("The model could not be loaded: %1").arg(error));
    }
    Q_EMIT modelLoadFinished(false, error);
}

void MainWindow::onModelChanged(const LiveModel& model) {
    updateBusy();
    m_modelErrorBanner->setMessage({});
    if (!model.catalog)
        statusBar()->showMessage(tr("No code descriptions: %1").arg(model.catalogError), 10000);
    const ModelInfo& info = model.info;
    m_modelLabel->setText(tr("Model: %1 · version %2%3")
                              .arg(QString::fromStdString(info.name), QString::fromStdString(info.version),
                                   model.fast ? tr(" · fast mode") : QString()));
    m_modelLabel->setToolTip(QString::fromStdString(info.directory));
    m_placeholderBanner->setMessage(info.placeholder ? QString::fromUtf8(placeholderWarning()) : QString());
    m_blasBanner->setMessage(model.slowBlasWarning);
    m_suggestions->setModelThreshold(static_cast<double>(info.threshold));
    const double threshold = m_settings.threshold >= 0.0 ? m_settings.threshold : info.threshold;
    m_suggestions->setThreshold(threshold);
    m_session->setThreshold(m_suggestions->model()->threshold());
    if (!model.notice.isEmpty())
        showMessage(tr("Model"), model.notice, false);
    else if (m_session->fastMode() && !model.fast)
        statusBar()->showMessage(
            tr("Fast mode needs a CPU that computes bfloat16 natively (AVX512-BF16 or AMX); "
               "this one does not, so the exact model is used."),
            15000);
    else
        statusBar()->showMessage(tr("Model loaded in %1 s").arg(model.milliseconds / 1000.0, 0, 'f', 1),
                                 5000);
    Q_EMIT modelLoadFinished(true, {});
    if (!noteEditor()->noteText().isEmpty())
        startAnalysis(); // the note is re-analysed by the model now live
}

bool MainWindow::openNoteFile(const QString& path, QString* error) {
    const NoteFile note = NoteFileReader::read(path);
    if (!note.ok()) {
        if (error)
            *error = note.error;
        return false;
    }
    m_chartRow = m_worklist->model()->rowForPath(path);
    m_worklist->setCurrentRow(m_chartRow);
    setNote(note.text, QFileInfo(path).absoluteFilePath());
    m_recent->add(path);
    if (!note.warning.isEmpty())
        statusBar()->showMessage(note.warning, 15000);
    else if (!note.encoding.isEmpty() && note.encoding != QLatin1String("UTF-8"))
        statusBar()->showMessage(tr("Read %1 as %2").arg(QFileInfo(path).fileName(), note.encoding), 5000);
    // Until the worklist's stored statuses are loaded, a chart's status is unknown (not new).
    const WorklistModel* worklist = m_worklist->model();
    if (m_chartRow >= 0 && !worklist->key(m_chartRow).isEmpty() &&
        worklist->status(m_chartRow) == ChartStatus::New)
        setChartStatus(static_cast<int>(ChartStatus::InProgress));
    return true;
}

void MainWindow::setNote(const QString& text, const QString& source) {
    if (!m_session->source().isEmpty() && m_worklist->model()->rowForPath(source) < 0)
        m_chartRow = -1;
    m_session->newNote(source);
    m_suggestions->model()->clear();
    m_chart->model()->clear();
    m_evidence->clear();
    m_note->setNote(text);
    m_suggestions->setBlind(m_actions->blindPass->isChecked());
    m_focusSuggestions = true;
    const QString name = QFileInfo(source).fileName();
    setWindowTitle(tr("%1 — fusioncoder").arg(name.isEmpty() ? source : name));
    startAnalysis();
    updateActions();
}

void MainWindow::openPaths(const QStringList& paths) {
    if (paths.isEmpty())
        return;
    const QString& path = paths.first();
    QString error;
    const bool ok = QFileInfo(path).isDir() ? openWorklist(path, &error) : openNoteFile(path, &error);
    if (!ok)
        showMessage(tr("Cannot open %1").arg(QFileInfo(path).fileName()), error, true);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (!paths.isEmpty()) {
        event->acceptProposedAction();
        openPaths(paths);
    }
}

bool MainWindow::openWorklist(const QString& directory, QString* error) {
    if (!m_worklist->setFolder(directory, [this]() { return m_session->chartStatuses(); })) {
        if (error)
            *error = tr("%1 holds no note files (*.txt, *.text, *.note, *.pdf)").arg(directory);
        m_worklistDock->hide();
        return false;
    }
    m_recent->add(directory);
    m_worklistDock->setWindowTitle(tr("Worklist: %1").arg(QFileInfo(directory).fileName()));
    m_worklistDock->show();
    return openChart(0);
}

bool MainWindow::openChart(int worklistRow) {
    if (worklistRow < 0 || worklistRow >= m_worklist->model()->rowCount())
        return false;
    QString error;
    if (!openNoteFile(m_worklist->model()->path(worklistRow), &error)) {
        showMessage(tr("Cannot open the chart"), error, true);
        return false;
    }
    updateActions();
    return true;
}

bool MainWindow::nextChart() {
    return openChart(m_chartRow + 1);
}

bool MainWindow::previousChart() {
    return m_chartRow > 0 && openChart(m_chartRow - 1);
}

void MainWindow::orderWorklist() {
    if (!m_actions->byUncertainty->isChecked()) {
        m_worklist->model()->setUncertaintyOrder(false);
        return;
    }
    if (!m_session->hasModel()) {
        m_actions->byUncertainty->setChecked(false);
        statusBar()->showMessage(tr("The worklist can be ordered once the model is loaded."), 5000);
        return;
    }
    statusBar()->showMessage(tr("Scoring the worklist's charts…"));
    m_worklist->orderByUncertainty(m_session->uncertaintyScorer());
}

void MainWindow::setChartStatus(int status) {
    if (m_chartRow < 0)
        return;
    WorklistModel* worklist = m_worklist->model();
    const auto chartStatus = static_cast<ChartStatus>(status);
    worklist->setStatus(m_chartRow, chartStatus);
    QString key = worklist->key(m_chartRow);
    if (key.isEmpty())
        key = WorklistModel::noteKey(worklist->path(m_chartRow));
    if (!key.isEmpty())
        m_session->setChartStatus(key, chartStatusName(chartStatus), worklist->path(m_chartRow));
}

void MainWindow::startAnalysis() {
    const QString text = noteEditor()->noteText();
    if (text.trimmed().isEmpty()) {
        m_session->cancelAnalysis();
        m_suggestions->model()->clear();
        return;
    }
    m_session->analyse(text); // waits for the model when none is live yet
}

void MainWindow::onAnalysisFailed(const QString& error) {
    updateBusy();
    statusBar()->clearMessage();
    m_timeLabel->setText(tr("Analysis failed"));
    showMessage(tr("Analysis failed"), error, true);
    Q_EMIT analysisFinished(false, error);
}

void MainWindow::onAnalysed(const NoteAnalysis& analysis) {
    updateBusy();
    statusBar()->clearMessage();
    if (analysis.text != noteEditor()->noteText())
        return; // the coder edited meanwhile; the pending edit re-analyses
    const QString previousCode = m_suggestions->currentCode();
    m_decisions->showAnalysis(analysis, m_suggestions->model()->threshold());
    if (m_suggestions->isBlind() && !analysis.decisions.isEmpty())
        m_suggestions->setBlind(false); // a chart decided before: nothing to hide
    if (analysis.insufficientText)
        statusBar()->showMessage(
            tr("Not enough text to suggest codes: the note has no word the model knows."));
    QString timing = tr("Analysed in %1 ms · %2 tokens")
                         .arg(analysis.milliseconds, 0, 'f', 0)
                         .arg(QLocale().toString(static_cast<qlonglong>(analysis.tokens)));
    if (analysis.windows > 1)
        timing += tr(" · %1 windows").arg(analysis.windows);
    m_timeLabel->setText(timing);
    if (previousCode.isEmpty() || !selectCode(previousCode))
        selectViewRow(0);
    if (m_focusSuggestions) {
        // A newly opened note: the coder reviews suggestions with the keyboard (A, R, Enter) straight away.
        m_focusSuggestions = false;
        m_suggestions->view()->setFocus();
    }
    updateEvidence();
    updateActions();
    Q_EMIT analysisFinished(true, {});
}

bool MainWindow::selectCode(const QString& code) {
    return m_suggestions->selectCode(code);
}

bool MainWindow::selectViewRow(int row) {
    return m_suggestions->selectViewRow(row);
}

void MainWindow::updateEvidence() {
    const SuggestionTableModel* model = m_suggestions->model();
    // In a blind first pass nothing of the model shows: no highlights, no evidence.
    const bool upToDate = !m_suggestions->isBlind() && !m_session->analysedText().isEmpty() &&
                          m_session->analysedText() == noteEditor()->noteText();
    m_note->showEvidence(model->suggestions(), m_suggestions->currentCode(), upToDate,
                         [model](const Suggestion& s) { return model->isShownByDefault(s); });
    const int row = m_suggestions->currentSourceRow();
    if (row < 0 || m_suggestions->isBlind()) {
        noteEditor()->clearHighlights();
        m_evidence->clear();
    } else if (!upToDate) {
        // Offsets refer to the analysed text, not to the edited one.
        noteEditor()->clearHighlights();
        m_evidence->showNoteChanged();
    } else {
        const Suggestion& s = model->suggestion(row);
        noteEditor()->highlightSpans(s.evidence);
        m_evidence->showEvidence(s.code, m_session->analysedText(), s.evidence);
    }
}

void MainWindow::updateBusy() {
    m_busy->setVisible(m_session->isModelLoading() || m_session->isAnalysing());
    updateActions(); // Cancel analysis follows the analysis
}

} // namespace fc::ui
