#include "mainwindow.h"

#include "banner.h"
#include "codesearchdialog.h"
#include "confidencedelegate.h"
#include "databaseunlock.h"
#include "evidencelegend.h"
#include "evidencelistmodel.h"
#include "evidenceoverview.h"
#include "exportdialog.h"
#include "learnmenu.h"
#include "modelloader.h"
#include "noteeditor.h"
#include "notefilereader.h"
#include "recentfiles.h"
#include "settingsdialog.h"
#include "shortcutoverlay.h"
#include "suggestionfilterproxy.h"
#include "suggestiontablemodel.h"
#include "worklistmodel.h"

#include "analysisservice.h"
#include "codecatalog.h"
#include "decisionservice.h"
#include "exportservice.h"
#include "fc/model/engine.h"
#include "fc/storage/sha256.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace fc::ui {

namespace {

const char* const kPlaceholderWarning = "Placeholder model with random weights — suggestions are meaningless";

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

QString formatCount(std::int64_t value) {
    return QLocale().toString(static_cast<qlonglong>(value));
}

QString sha256Of(const QString& text) {
    return QString::fromStdString(storage::sha256Hex(text.toStdString()));
}

constexpr int kSliderSteps = 1000;

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_analysis(new AnalysisService(this)), m_loader(new ModelLoader(this)),
      m_undo(new DecisionUndoStack(this)), m_recent(new RecentFiles(this)) {
    setWindowTitle(tr("fusioncoder"));
    setAcceptDrops(true);

    m_placeholderBanner = new Banner(Banner::Kind::Warning, this);
    m_blasBanner = new Banner(Banner::Kind::Warning, this);
    m_storageBanner = new Banner(Banner::Kind::Error, this);
    m_modelErrorBanner = new Banner(Banner::Kind::Error, this);

    m_editor = new NoteEditor(this);
    m_editor->setAccessibleName(tr("Note"));
    m_overview = new EvidenceOverview(this);
    m_overview->setAccessibleName(tr("Evidence overview"));
    auto* noteArea = new QWidget(this);
    auto* noteLayout = new QHBoxLayout(noteArea);
    noteLayout->setContentsMargins(0, 0, 0, 0);
    noteLayout->setSpacing(2);
    noteLayout->addWidget(m_editor, 1);
    noteLayout->addWidget(m_overview);

    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(buildSuggestionPanel());
    right->addWidget(buildEvidencePanel());
    right->addWidget(buildCodingPanel());
    right->setStretchFactor(0, 5);
    right->setStretchFactor(1, 2);
    right->setStretchFactor(2, 3);
    right->setChildrenCollapsible(false);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(noteArea);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 5);
    splitter->setStretchFactor(1, 5);
    splitter->setChildrenCollapsible(false);

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 0);
    layout->setSpacing(4);
    layout->addWidget(m_placeholderBanner);
    layout->addWidget(m_modelErrorBanner);
    layout->addWidget(m_storageBanner);
    layout->addWidget(m_blasBanner);
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

    buildWorklistDock();
    buildActions();
    buildMenus();
    m_overlay->setGroups(m_actionGroups);

    connect(m_loader, &ModelLoader::loaded, this, &MainWindow::onModelLoaded);
    connect(m_analysis, &AnalysisService::started, this, &MainWindow::onAnalysisStarted);
    connect(m_analysis, &AnalysisService::finished, this, &MainWindow::onAnalysisFinished);
    connect(m_editor, &NoteEditor::textEdited, this, [this]() {
        m_source = QStringLiteral("edited");
        startAnalysis();
    });
    connect(m_editor, &NoteEditor::filesDropped, this, &MainWindow::openPaths);
    connect(m_editor, &NoteEditor::viewportMoved, this, [this]() {
        const auto [first, last] = m_editor->visibleRange();
        m_overview->setVisibleRange(first, last);
    });
    connect(m_overview, &EvidenceOverview::jumpRequested, this,
            [this](std::int64_t begin, std::int64_t end) { m_editor->jumpTo(begin, end); });
    connect(m_undo, &DecisionUndoStack::changed, this, &MainWindow::updateActions);
    connect(m_recent, &RecentFiles::changed, this, &MainWindow::updateRecentMenu);
    updateRecentMenu();
    updateActions();
}

MainWindow::~MainWindow() = default;

QWidget* MainWindow::buildSuggestionPanel() {
    auto* panel = new QWidget(this);
    m_model = new SuggestionTableModel(this);
    m_proxy = new SuggestionFilterProxy(this);
    m_proxy->setSourceModel(m_model);
    connect(m_model, &SuggestionTableModel::classificationChanged, m_proxy, &SuggestionFilterProxy::refilter);

    m_table = new QTableView(panel);
    m_table->setModel(m_proxy);
    m_table->setAccessibleName(tr("Suggestions"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(SuggestionTableModel::ConfidenceColumn, Qt::DescendingOrder);
    m_table->setItemDelegateForColumn(SuggestionTableModel::ConfidenceColumn,
                                      new ConfidenceDelegate(m_table));
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    m_table->setWordWrap(false);
    QHeaderView* header = m_table->horizontalHeader();
    header->setSectionResizeMode(SuggestionTableModel::CodeColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(SuggestionTableModel::DescriptionColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(SuggestionTableModel::SystemColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(SuggestionTableModel::ConfidenceColumn, QHeaderView::Interactive);
    header->resizeSection(SuggestionTableModel::ConfidenceColumn, 150);
    header->setSectionResizeMode(SuggestionTableModel::StatusColumn, QHeaderView::ResizeToContents);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::onCurrentSuggestionChanged);
    connect(m_model, &QAbstractItemModel::modelReset, this, &MainWindow::updateActions);

    auto* title = new QLabel(tr("<b>Suggestions</b>"), panel);
    m_filter = new QLineEdit(panel);
    m_filter->setPlaceholderText(tr("Filter: code or words (Ctrl+F)"));
    m_filter->setAccessibleName(tr("Filter suggestions"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &SuggestionFilterProxy::setFilterText);
    m_show = new QComboBox(panel);
    m_show->setAccessibleName(tr("Which suggestions to show"));
    m_show->addItem(tr("Above threshold + uncertain"),
                    static_cast<int>(SuggestionFilterProxy::Show::Suggested));
    m_show->addItem(tr("All codes"), static_cast<int>(SuggestionFilterProxy::Show::All));
    m_show->addItem(tr("Decided only"), static_cast<int>(SuggestionFilterProxy::Show::Decided));
    connect(m_show, &QComboBox::currentIndexChanged, this, [this]() {
        const QString code = currentCode();
        m_proxy->setShow(static_cast<SuggestionFilterProxy::Show>(m_show->currentData().toInt()));
        if (!code.isEmpty())
            selectCode(code);
    });

    m_threshold = new QDoubleSpinBox(panel);
    m_threshold->setRange(0.0, 1.0);
    m_threshold->setSingleStep(0.01);
    m_threshold->setDecimals(3);
    m_threshold->setValue(m_model->threshold());
    m_threshold->setToolTip(
        tr("Codes scoring below the threshold minus the uncertain band are hidden (decided "
           "codes stay visible); codes within the band are marked “?”."));
    m_threshold->setAccessibleName(tr("Threshold"));
    m_thresholdSlider = new QSlider(Qt::Horizontal, panel);
    m_thresholdSlider->setRange(0, kSliderSteps);
    m_thresholdSlider->setAccessibleName(tr("Threshold slider"));
    m_thresholdSlider->setToolTip(m_threshold->toolTip());
    m_thresholdSlider->setMinimumWidth(100);
    connect(m_threshold, &QDoubleSpinBox::valueChanged, this, &MainWindow::setThreshold);
    connect(m_thresholdSlider, &QSlider::valueChanged, this,
            [this](int value) { setThreshold(static_cast<double>(value) / kSliderSteps); });
    m_modelThresholdButton = new QPushButton(tr("Model default"), panel);
    m_modelThresholdButton->setToolTip(tr("Back to the threshold the model was tuned with"));
    connect(m_modelThresholdButton, &QPushButton::clicked, this,
            [this]() { setThreshold(m_modelThreshold); });
    auto* thresholdLabel = new QLabel(tr("&Threshold:"), panel);
    thresholdLabel->setBuddy(m_threshold);

    auto* top = new QHBoxLayout;
    top->addWidget(title);
    top->addWidget(m_filter, 2);
    top->addWidget(m_show);
    auto* thresholdRow = new QHBoxLayout;
    thresholdRow->addWidget(thresholdLabel);
    thresholdRow->addWidget(m_thresholdSlider, 1);
    thresholdRow->addWidget(m_threshold);
    thresholdRow->addWidget(m_modelThresholdButton);

    m_acceptButton = new QPushButton(tr("Accept (A)"), panel);
    m_rejectButton = new QPushButton(tr("Reject (R)"), panel);
    m_acceptButton->setToolTip(tr("Accept the selected code (A; Enter accepts and moves to the next code)"));
    m_rejectButton->setToolTip(tr("Reject the selected code (R)"));
    connect(m_acceptButton, &QPushButton::clicked, this, &MainWindow::acceptCurrent);
    connect(m_rejectButton, &QPushButton::clicked, this, &MainWindow::rejectCurrent);
    auto* addButton = new QPushButton(tr("Add code… (Ctrl+K)"), panel);
    connect(addButton, &QPushButton::clicked, this,
            [this]() { openCodeSearch(m_editor->selectedNoteText()); });
    auto* hint = new QLabel(tr("Enter = accept and next · F1 = all keys"), panel);
    hint->setEnabled(false);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_acceptButton);
    buttons->addWidget(m_rejectButton);
    buttons->addWidget(addButton);
    buttons->addWidget(hint);
    buttons->addStretch(1);

    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addLayout(thresholdRow);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    return panel;
}

QWidget* MainWindow::buildEvidencePanel() {
    auto* panel = new QWidget(this);
    m_evidence = new EvidenceListModel(this);
    m_evidenceView = new QListView(panel);
    m_evidenceView->setModel(m_evidence);
    m_evidenceView->setAccessibleName(tr("Evidence snippets"));
    m_evidenceView->setWordWrap(true);
    m_evidenceView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_evidenceView->setMinimumHeight(m_evidenceView->fontMetrics().height() * 3);
    const auto jump = [this](const QModelIndex& index) {
        if (!index.isValid())
            return;
        m_editor->jumpTo(index.data(EvidenceListModel::BeginRole).toLongLong(),
                         index.data(EvidenceListModel::EndRole).toLongLong());
    };
    connect(m_evidenceView, &QListView::clicked, this, jump);
    connect(m_evidenceView, &QListView::activated, this, jump);
    m_evidenceLabel = new QLabel(panel);
    m_evidenceLabel->setTextFormat(Qt::PlainText);
    auto* top = new QHBoxLayout;
    top->addWidget(m_evidenceLabel, 1);
    top->addWidget(new EvidenceLegend(panel));
    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_evidenceView, 1);
    return panel;
}

QWidget* MainWindow::buildCodingPanel() {
    auto* panel = new QWidget(this);
    m_coding = new CodingListModel(this);
    m_codingView = new QTableView(panel);
    m_codingView->setModel(m_coding);
    m_codingView->setAccessibleName(tr("Coded chart"));
    m_codingView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_codingView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_codingView->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_codingView->setDragEnabled(true);
    m_codingView->setAcceptDrops(true);
    m_codingView->setDropIndicatorShown(true);
    m_codingView->setDragDropMode(QAbstractItemView::InternalMove);
    m_codingView->setDefaultDropAction(Qt::MoveAction);
    m_codingView->verticalHeader()->hide();
    m_codingView->verticalHeader()->setDefaultSectionSize(m_codingView->fontMetrics().height() + 8);
    m_codingView->setWordWrap(false);
    QHeaderView* header = m_codingView->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(CodingListModel::DescriptionColumn, QHeaderView::Stretch);
    header->moveSection(header->visualIndex(CodingListModel::SequenceColumn), 0);
    header->moveSection(header->visualIndex(CodingListModel::RoleColumn), 1);
    m_codingView->installEventFilter(this);
    connect(m_coding, &CodingListModel::edited, this, [this]() { commit(tr("reorder or POA"), m_stored); });
    const auto updateLabel = [this]() {
        m_codingLabel->setText(tr("<b>Coded chart</b> · %n code(s) · Ctrl+↑/↓ or drag to reorder · "
                                  "Y N U W 1 set POA · Del removes",
                                  nullptr, m_coding->rowCount()));
    };
    m_codingLabel = new QLabel(panel);
    connect(m_coding, &QAbstractItemModel::rowsInserted, this, updateLabel);
    connect(m_coding, &QAbstractItemModel::rowsRemoved, this, updateLabel);
    connect(m_coding, &QAbstractItemModel::modelReset, this, updateLabel);
    updateLabel();
    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_codingLabel);
    layout->addWidget(m_codingView, 1);
    return panel;
}

void MainWindow::buildWorklistDock() {
    m_worklist = new WorklistModel(this);
    m_worklistDock = new QDockWidget(tr("Worklist"), this);
    m_worklistDock->setObjectName(QStringLiteral("worklist"));
    auto* panel = new QWidget(m_worklistDock);
    m_worklistView = new QTableView(panel);
    m_worklistView->setModel(m_worklist);
    m_worklistView->setAccessibleName(tr("Worklist charts"));
    m_worklistView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_worklistView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_worklistView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_worklistView->verticalHeader()->hide();
    m_worklistView->horizontalHeader()->setSectionResizeMode(WorklistModel::ChartColumn,
                                                             QHeaderView::Stretch);
    m_worklistView->horizontalHeader()->setSectionResizeMode(WorklistModel::StatusColumn,
                                                             QHeaderView::ResizeToContents);
    connect(m_worklistView, &QTableView::activated, this,
            [this](const QModelIndex& index) { openChart(index.row()); });
    m_worklistSummary = new QLabel(panel);
    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(4, 0, 4, 4);
    layout->addWidget(m_worklistView, 1);
    layout->addWidget(m_worklistSummary);
    m_worklistDock->setWidget(panel);
    addDockWidget(Qt::LeftDockWidgetArea, m_worklistDock);
    m_worklistDock->hide();
    connect(m_worklist, &QAbstractItemModel::dataChanged, this, &MainWindow::updateWorklistSummary);
}

void MainWindow::buildActions() {
    const auto make = [this](const QString& text, const QList<QKeySequence>& keys, auto slot,
                             QWidget* scope = nullptr) {
        auto* action = new QAction(text, this);
        action->setShortcuts(keys);
        if (scope) {
            // Single-key shortcuts act only where the keys are not typing (the suggestion table).
            action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
            scope->addAction(action);
        } else {
            addAction(action);
        }
        connect(action, &QAction::triggered, this, slot);
        return action;
    };
    m_acceptAction = make(
        tr("&Accept"), {Qt::Key_A}, [this]() { acceptCurrent(); }, m_table);
    m_rejectAction = make(
        tr("&Reject"), {Qt::Key_R}, [this]() { rejectCurrent(); }, m_table);
    m_acceptNextAction = make(
        tr("Accept and &next"), {Qt::Key_Return, Qt::Key_Enter}, [this]() { acceptCurrentAndNext(); },
        m_table);
    m_nextAction = make(
        tr("Next suggestion"), {Qt::Key_J}, [this]() { moveSuggestion(1); }, m_table);
    m_previousAction = make(
        tr("Previous suggestion"), {Qt::Key_K}, [this]() { moveSuggestion(-1); }, m_table);
    m_undoAction = make(tr("&Undo decision"), {QKeySequence::Undo}, [this]() { undo(); });
    m_addCodeAction = make(tr("Add &code…"), {QKeySequence(Qt::CTRL | Qt::Key_K)},
                           [this]() { openCodeSearch(m_editor->selectedNoteText()); });
    m_removeCodeAction = make(
        tr("Remove from coded chart"), {QKeySequence::Delete},
        [this]() {
            const QModelIndex index = m_codingView->currentIndex();
            if (index.isValid())
                removeCode(index.data(CodingListModel::CodeRole).toString());
        },
        m_codingView);
    const auto moveCurrent = [this](int delta) {
        QString code;
        if (m_codingView->hasFocus() && m_codingView->currentIndex().isValid())
            code = m_codingView->currentIndex().data(CodingListModel::CodeRole).toString();
        else
            code = currentCode();
        if (!code.isEmpty())
            moveCode(code, delta);
    };
    m_moveUpAction = make(
        tr("Move code &up"), {QKeySequence(Qt::CTRL | Qt::Key_Up)}, [moveCurrent]() { moveCurrent(-1); },
        m_codingView);
    m_table->addAction(m_moveUpAction);
    m_moveDownAction = make(
        tr("Move code &down"), {QKeySequence(Qt::CTRL | Qt::Key_Down)}, [moveCurrent]() { moveCurrent(1); },
        m_codingView);
    m_table->addAction(m_moveDownAction);
    m_nextChartAction =
        make(tr("&Next chart"), {QKeySequence(Qt::CTRL | Qt::Key_PageDown)}, [this]() { nextChart(); });
    m_previousChartAction =
        make(tr("&Previous chart"), {QKeySequence(Qt::CTRL | Qt::Key_PageUp)}, [this]() { previousChart(); });
    m_doneAction = make(tr("Mark chart &done and next"), {QKeySequence(Qt::CTRL | Qt::Key_D)}, [this]() {
        setChartStatus(static_cast<int>(ChartStatus::Done));
        nextChart();
    });
    m_exportAction =
        make(tr("&Export chart…"), {QKeySequence(Qt::CTRL | Qt::Key_E)}, [this]() { openExportDialog(); });
    m_importAction = make(tr("&Import decisions…"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I)},
                          [this]() { importDialog(); });
    m_filterAction = make(tr("&Filter suggestions"), {QKeySequence::Find}, [this]() {
        m_filter->setFocus();
        m_filter->selectAll();
    });
    m_helpAction = make(tr("&Keyboard shortcuts"), {Qt::Key_F1}, [this]() { toggleShortcutHelp(); });
    // "?" too, where it does not type into the note.
    auto* question = new QAction(this);
    question->setShortcut(QKeySequence(Qt::Key_Question));
    question->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_table->addAction(question);
    connect(question, &QAction::triggered, this, &MainWindow::toggleShortcutHelp);
    // F1 everywhere; "?" (above) only where it does not type into the note or a search box.
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open note…"), this, &MainWindow::openNoteDialog);
    open->setShortcut(QKeySequence::Open);
    QAction* folder = file->addAction(tr("Open &folder as worklist…"), this, &MainWindow::openFolderDialog);
    folder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_recentMenu = file->addMenu(tr("Open &recent"));
    QAction* paste = file->addAction(tr("&Paste note"), this, &MainWindow::pasteNote);
    paste->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
    file->addSeparator();
    file->addAction(m_exportAction);
    file->addAction(m_importAction);
    file->addSeparator();
    QAction* settings = file->addAction(tr("&Settings…"), this, [this]() { openSettingsDialog(); });
    settings->setShortcut(QKeySequence::Preferences);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* decide = menuBar()->addMenu(tr("&Decide"));
    for (QAction* action : {m_acceptAction, m_acceptNextAction, m_rejectAction, m_undoAction})
        decide->addAction(action);
    decide->addSeparator();
    for (QAction* action : {m_nextAction, m_previousAction, m_filterAction})
        decide->addAction(action);
    decide->addSeparator();
    for (QAction* action : {m_addCodeAction, m_moveUpAction, m_moveDownAction, m_removeCodeAction})
        decide->addAction(action);

    QMenu* chart = menuBar()->addMenu(tr("&Chart"));
    for (QAction* action : {m_nextChartAction, m_previousChartAction, m_doneAction})
        chart->addAction(action);
    chart->addAction(m_worklistDock->toggleViewAction());
    chart->addSeparator();
    chart->addAction(m_exportAction);

    // Learn -> Fine-tune… / Insights… (ui/learnmenu.h).
    addLearnMenu(
        this, [this]() { return m_decisions ? m_decisions->databasePath() : QString(); },
        [this]() { return m_engine ? QString::fromStdString(m_engine->info().directory) : QString(); },
        [this]() { return m_catalog; },
        [this](std::shared_ptr<const Engine> engine) {
            m_engine = engine;
            m_analysis->setEngine(engine);
            m_modelVersion = QString::fromStdString(engine->info().version);
            m_modelLabel->setText(
                tr("Model: %1 · version %2").arg(QString::fromStdString(engine->info().name), m_modelVersion));
        });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_helpAction);
    help->addAction(tr("&About fusioncoder"), this, [this]() { showAbout(); });

    m_actionGroups = {
        {tr("Decide (in the suggestion list)"),
         {m_acceptAction, m_acceptNextAction, m_rejectAction, m_nextAction, m_previousAction}},
        {tr("Edit the coded chart"),
         {m_undoAction, m_addCodeAction, m_moveUpAction, m_moveDownAction, m_removeCodeAction}},
        {tr("Charts"), {open, folder, paste, m_nextChartAction, m_previousChartAction, m_doneAction}},
        {tr("Export"), {m_exportAction, m_importAction}},
        {tr("Other"), {m_filterAction, settings, m_helpAction, quit}},
    };
}

void MainWindow::updateRecentMenu() {
    m_recentMenu->clear();
    const QStringList paths = m_recent->paths();
    for (const QString& path : paths)
        m_recentMenu->addAction(QFileInfo(path).fileName() + QStringLiteral("  —  ") + path, this,
                                [this, path]() { openPaths({path}); });
    if (!paths.isEmpty()) {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear the list"), m_recent, &RecentFiles::clear);
    }
    m_recentMenu->setEnabled(!paths.isEmpty());
}

bool MainWindow::openDatabase(const QString& path) {
    if (m_decisions) {
        m_decisions->deleteLater();
        m_decisions = nullptr;
    }
    try {
        m_decisions = new DecisionService(path, this);
    } catch (const std::exception& e) {
        disableSaving(QString::fromUtf8(e.what()));
        return false;
    }
    connect(m_decisions, &DecisionService::failed, this, &MainWindow::disableSaving);
    m_storageBanner->setMessage({});
    return true;
}

void MainWindow::disableSaving(const QString& reason) {
    if (m_decisions) {
        // Called from the service's own signal: delete it once control has left it.
        m_decisions->deleteLater();
        m_decisions = nullptr;
    }
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
    m_settings = settings;
    m_model->setUncertainBand(settings.uncertainBand);
    if (settings.threshold >= 0.0)
        setThreshold(settings.threshold);
    QFont font = QApplication::font();
    if (settings.fontSize > 0)
        font.setPointSize(settings.fontSize);
    for (QWidget* widget :
         std::initializer_list<QWidget*>{m_editor, m_table, m_codingView, m_evidenceView, m_worklistView}) {
        widget->setFont(font);
    }
    m_table->verticalHeader()->setDefaultSectionSize(QFontMetrics(font).height() + 10);
    m_codingView->verticalHeader()->setDefaultSectionSize(QFontMetrics(font).height() + 8);
    applyPalette(settings.dark);
}

void MainWindow::loadModel(const QString& directory, int threads) {
    m_modelLabel->setText(tr("Loading model…"));
    m_modelErrorBanner->setMessage({});
    m_loader->load(directory, threads);
    updateBusy();
}

void MainWindow::onModelLoaded(const LoadedModel& model) {
    updateBusy();
    if (!model.engine) {
        m_modelLabel->setText(tr("No model"));
        m_modelErrorBanner->setMessage(tr("The model could not be loaded: %1").arg(model.error));
        Q_EMIT modelLoadFinished(false, model.error);
        return;
    }
    m_engine = model.engine;
    m_catalog = model.catalog;
    if (!m_catalog)
        statusBar()->showMessage(tr("No code descriptions: %1").arg(model.catalogError), 10000);
    m_analysis->setEngine(m_engine);
    const ModelInfo& info = m_engine->info();
    m_modelVersion = QString::fromStdString(info.version);
    m_modelLabel->setText(
        tr("Model: %1 · version %2").arg(QString::fromStdString(info.name), m_modelVersion));
    m_modelLabel->setToolTip(QString::fromStdString(info.directory));
    m_placeholderBanner->setMessage(info.placeholder ? QString::fromUtf8(kPlaceholderWarning) : QString());
    m_blasBanner->setMessage(model.slowBlasWarning);
    m_modelThreshold = static_cast<double>(info.threshold);
    m_modelThresholdButton->setText(tr("Model default (%1)").arg(m_modelThreshold, 0, 'f', 2));
    setThreshold(m_settings.threshold >= 0.0 ? m_settings.threshold : m_modelThreshold);
    statusBar()->showMessage(tr("Model loaded in %1 s").arg(model.milliseconds / 1000.0, 0, 'f', 1), 5000);
    Q_EMIT modelLoadFinished(true, {});
    if (!m_editor->noteText().isEmpty())
        startAnalysis();
}

void MainWindow::setThreshold(double threshold) {
    threshold = std::clamp(threshold, 0.0, 1.0);
    {
        const QSignalBlocker blockBox(m_threshold);
        const QSignalBlocker blockSlider(m_thresholdSlider);
        m_threshold->setValue(threshold);
        m_thresholdSlider->setValue(static_cast<int>(threshold * kSliderSteps + 0.5));
    }
    if (threshold == m_model->threshold())
        return;
    const QString code = currentCode();
    m_model->setThreshold(threshold);
    if (!code.isEmpty() && m_model->isShownByDefault(m_model->suggestion(m_model->rowForCode(code))))
        selectCode(code);
    updateOverviewMarks();
}

bool MainWindow::openNoteFile(const QString& path, QString* error) {
    const NoteFile note = NoteFileReader::read(path);
    if (!note.ok()) {
        if (error)
            *error = note.error;
        return false;
    }
    m_chartRow = m_worklist->rowForPath(path);
    if (m_chartRow >= 0)
        m_worklistView->setCurrentIndex(m_worklist->index(m_chartRow, 0));
    setNote(note.text, QFileInfo(path).absoluteFilePath());
    m_recent->add(path);
    if (!note.warning.isEmpty())
        statusBar()->showMessage(note.warning, 15000);
    else if (!note.encoding.isEmpty() && note.encoding != QLatin1String("UTF-8"))
        statusBar()->showMessage(tr("Read %1 as %2").arg(QFileInfo(path).fileName(), note.encoding), 5000);
    // Until the worklist's stored statuses are loaded, a chart's status is unknown (not new).
    if (m_chartRow >= 0 && !m_worklist->key(m_chartRow).isEmpty() &&
        m_worklist->status(m_chartRow) == ChartStatus::New)
        setChartStatus(static_cast<int>(ChartStatus::InProgress));
    return true;
}

void MainWindow::setNote(const QString& text, const QString& source) {
    if (!m_source.isEmpty() && m_worklist->rowForPath(source) < 0)
        m_chartRow = -1;
    m_source = source;
    m_analysedText.clear();
    m_noteId = 0;
    m_stored.clear();
    m_undo->clear();
    m_model->clear();
    m_coding->clear();
    m_evidence->clear();
    m_evidenceLabel->clear();
    m_editor->setNoteText(text);
    m_overview->setNoteLength(m_editor->codePointCount());
    m_overview->setMarks({});
    m_focusSuggestions = true;
    setWindowTitle(tr("%1 — fusioncoder")
                       .arg(QFileInfo(source).fileName().isEmpty() ? source : QFileInfo(source).fileName()));
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

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_codingView && event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        const QModelIndex current = m_codingView->currentIndex();
        const QString text = key->text().toUpper();
        if (current.isValid() && !(key->modifiers() & (Qt::ControlModifier | Qt::AltModifier))) {
            if (key->key() == Qt::Key_Backspace) {
                m_coding->setPoa(current.row(), QString());
                return true;
            }
            if (!text.isEmpty() && poaValues().contains(text)) {
                m_coding->setPoa(current.row(), text);
                return true;
            }
        }
    }
    return QMainWindow::eventFilter(watched, event);
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
    if (!m_worklist->setFolder(directory) || m_worklist->rowCount() == 0) {
        if (error)
            *error = tr("%1 holds no note files (*.txt, *.text, *.note, *.pdf)").arg(directory);
        m_worklistDock->hide();
        return false;
    }
    m_recent->add(directory);
    m_worklistDock->setWindowTitle(tr("Worklist: %1").arg(QFileInfo(directory).fileName()));
    m_worklistDock->show();
    loadWorklistStatuses();
    updateWorklistSummary();
    return openChart(0);
}

void MainWindow::loadWorklistStatuses() {
    // Keys need every file read (PDF text extraction is slow): off the UI thread.
    const QStringList paths = m_worklist->paths();
    const QString folder = m_worklist->folder();
    auto* watcher = new QFutureWatcher<QStringList>(this);
    connect(watcher, &QFutureWatcher<QStringList>::finished, this, [this, watcher, folder]() {
        const QStringList keys = watcher->result();
        watcher->deleteLater();
        if (folder != m_worklist->folder())
            return;
        const QHash<QString, QString> statuses =
            m_decisions ? m_decisions->chartStatuses() : QHash<QString, QString>();
        m_worklist->setKeys(keys, statuses);
        // The chart opened meanwhile is now being worked on.
        if (m_chartRow >= 0 && m_worklist->status(m_chartRow) == ChartStatus::New)
            setChartStatus(static_cast<int>(ChartStatus::InProgress));
        updateWorklistSummary();
    });
    watcher->setFuture(QtConcurrent::run([paths]() {
        QStringList keys;
        for (const QString& path : paths)
            keys << WorklistModel::noteKey(path);
        return keys;
    }));
}

void MainWindow::updateWorklistSummary() {
    m_worklistSummary->setText(tr("%1 new · %2 in progress · %3 done")
                                   .arg(m_worklist->count(ChartStatus::New))
                                   .arg(m_worklist->count(ChartStatus::InProgress))
                                   .arg(m_worklist->count(ChartStatus::Done)));
}

bool MainWindow::openChart(int worklistRow) {
    if (worklistRow < 0 || worklistRow >= m_worklist->rowCount())
        return false;
    QString error;
    if (!openNoteFile(m_worklist->path(worklistRow), &error)) {
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

void MainWindow::setChartStatus(int status) {
    if (m_chartRow < 0)
        return;
    const auto chartStatus = static_cast<ChartStatus>(status);
    m_worklist->setStatus(m_chartRow, chartStatus);
    QString key = m_worklist->key(m_chartRow);
    if (key.isEmpty())
        key = WorklistModel::noteKey(m_worklist->path(m_chartRow));
    if (m_decisions && !key.isEmpty())
        m_decisions->setChartStatus(key, chartStatusName(chartStatus), m_worklist->path(m_chartRow));
    updateWorklistSummary();
}

void MainWindow::startAnalysis() {
    const QString text = m_editor->noteText();
    if (!m_engine)
        return; // analysed when the model has loaded
    if (text.trimmed().isEmpty()) {
        m_analysis->cancel();
        m_analysedText.clear();
        m_model->clear();
        return;
    }
    m_analysis->analyse(text);
}

void MainWindow::onAnalysisStarted() {
    statusBar()->showMessage(tr("Analysing the note…"));
    updateBusy();
}

bool MainWindow::isAnalysisRunning() const {
    return m_analysis->isBusy();
}

void MainWindow::onAnalysisFinished(const AnalysisResult& result) {
    updateBusy();
    statusBar()->clearMessage();
    if (!result.error.isEmpty()) {
        if (result.error != QLatin1String("cancelled")) {
            m_timeLabel->setText(tr("Analysis failed"));
            showMessage(tr("Analysis failed"), result.error, true);
            Q_EMIT analysisFinished(false, result.error);
        }
        return;
    }
    if (result.text != m_editor->noteText())
        return; // the coder edited meanwhile; the pending edit re-analyses
    const ModelInfo& info = m_engine->info();
    std::vector<Suggestion> suggestions = suggestionsFromPrediction(result.prediction, info, m_catalog.get());
    const double threshold = m_model->threshold();

    // An edited note is a new stored note: the coder's decisions so far carry over to it.
    const DecisionSnapshot carried = m_analysedText.isEmpty() ? DecisionSnapshot() : m_stored;
    const std::vector<storage::DecisionRecord> records = storeAnalysis(result.text, threshold, suggestions);

    m_analysedText = result.text;
    const QString previousCode = currentCode();
    m_model->setSuggestions(std::move(suggestions), threshold);
    restoreDecisions(records, carried);
    QString timing = tr("Analysed in %1 ms · %2 tokens")
                         .arg(result.milliseconds, 0, 'f', 0)
                         .arg(formatCount(result.prediction.tokens));
    if (result.prediction.windows > 1)
        timing += tr(" · %1 windows").arg(result.prediction.windows);
    m_timeLabel->setText(timing);
    updateOverviewMarks();
    if (previousCode.isEmpty() || !selectCode(previousCode))
        selectViewRow(0);
    if (m_focusSuggestions) {
        // A newly opened note: the coder reviews suggestions with the keyboard (A, R, Enter) straight away.
        m_focusSuggestions = false;
        m_table->setFocus();
        onCurrentSuggestionChanged(); // scroll to the evidence now that the editor is not focused
    }
    updateActions();
    Q_EMIT analysisFinished(true, {});
}

std::vector<storage::DecisionRecord> MainWindow::storeAnalysis(const QString& text, double threshold,
                                                               const std::vector<Suggestion>& suggestions) {
    // Any call may report a failure through DecisionService::failed, which turns saving off (m_decisions
    // becomes null): check before every step.
    m_noteId = 0;
    try {
        if (!m_decisions)
            return {};
        m_noteId = m_decisions->openNote(text, m_source);
        if (!m_decisions || m_noteId == 0)
            return {};
        storage::AnalysisRecord analysis;
        analysis.noteId = m_noteId;
        analysis.modelVersion = m_modelVersion.toStdString();
        analysis.threshold = threshold;
        for (const Suggestion& s : suggestions) {
            if (s.score < threshold - m_model->uncertainBand())
                continue;
            storage::SuggestionRecord record{s.code.toStdString(), s.system.toStdString(), s.score, {}};
            for (const EvidenceSpan& span : s.evidence)
                record.evidence.push_back({span.begin, span.end, span.weight});
            analysis.suggestions.push_back(std::move(record));
        }
        m_decisions->recordAnalysis(analysis);
        if (!m_decisions)
            return {};
        return m_decisions->currentDecisions();
    } catch (const std::exception& e) {
        disableSaving(QString::fromUtf8(e.what()));
        return {};
    }
}

void MainWindow::restoreDecisions(const std::vector<storage::DecisionRecord>& records,
                                  const DecisionSnapshot& carried) {
    DecisionSnapshot stored;
    for (const storage::DecisionRecord& record : records) {
        CodeDecisionState state;
        state.code = QString::fromStdString(record.code);
        state.system = QString::fromStdString(record.system);
        state.status = suggestionStatus(record.kind);
        state.sequence = record.sequence;
        state.poa = QString::fromStdString(record.poa);
        if (state.status != SuggestionStatus::Suggested)
            stored.insert(state.code, state);
    }
    if (stored.isEmpty() && !carried.isEmpty()) {
        m_stored.clear();
        applySnapshot(carried);
        persistDifferences(); // stores the carried decisions for the edited note
        return;
    }
    applySnapshot(stored);
    m_stored = stored;
}

DecisionSnapshot MainWindow::currentSnapshot() const {
    DecisionSnapshot snapshot;
    for (const Suggestion& s : m_model->suggestions()) {
        if (s.status == SuggestionStatus::Suggested)
            continue;
        CodeDecisionState state{s.code, s.system, s.status, 0, {}};
        const int row = m_coding->rowForCode(s.code);
        if (row >= 0) {
            state.sequence = row + 1;
            state.poa = m_coding->entries()[static_cast<size_t>(row)].poa;
        }
        snapshot.insert(s.code, state);
    }
    return snapshot;
}

CodingListEntry MainWindow::codingEntryFor(const QString& code, const QString& system,
                                           SuggestionStatus status) const {
    CodingListEntry entry;
    entry.code = code;
    entry.system = system;
    entry.status = status;
    const int row = m_model->rowForCode(code);
    if (row >= 0) {
        entry.description = m_model->suggestion(row).description;
        entry.score = m_model->suggestion(row).score;
    }
    return entry;
}

void MainWindow::applySnapshot(const DecisionSnapshot& snapshot) {
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const Suggestion& s = m_model->suggestion(row);
        if (s.status != SuggestionStatus::Suggested && !snapshot.contains(s.code))
            m_model->setStatus(row, SuggestionStatus::Suggested);
    }
    std::vector<CodeDecisionState> coded;
    for (const CodeDecisionState& state : snapshot) {
        QString description;
        if (m_model->rowForCode(state.code) < 0 && m_catalog)
            if (const auto entry = m_catalog->lookup(state.system, state.code))
                description = entry->longDescription;
        m_model->setStatusForCode(state.code, state.system, state.status, description);
        if (isCoded(state.status))
            coded.push_back(state);
    }
    // Stored order: sequence 1, 2, ... then unsequenced codes by code.
    std::sort(coded.begin(), coded.end(), [](const CodeDecisionState& a, const CodeDecisionState& b) {
        const int sa = a.sequence > 0 ? a.sequence : INT_MAX, sb = b.sequence > 0 ? b.sequence : INT_MAX;
        return sa != sb ? sa < sb : a.code < b.code;
    });
    std::vector<CodingListEntry> entries;
    for (const CodeDecisionState& state : coded) {
        CodingListEntry entry = codingEntryFor(state.code, state.system, state.status);
        entry.poa = state.poa;
        entries.push_back(std::move(entry));
    }
    m_coding->setEntries(std::move(entries));
    for (size_t i = 0; i < m_coding->entries().size(); ++i) {
        const CodingListEntry& entry = m_coding->entries()[i];
        m_model->setCoding(m_model->rowForCode(entry.code), static_cast<int>(i) + 1, entry.poa);
    }
}

void MainWindow::persistDifferences() {
    const DecisionSnapshot now = currentSnapshot();
    QStringList codes = now.keys();
    for (auto it = m_stored.cbegin(); it != m_stored.cend(); ++it)
        if (!now.contains(it.key()))
            codes << it.key();
    codes.sort();
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
        storage::DecisionRecord decision;
        decision.code = state.code.toStdString();
        decision.system = state.system.toStdString();
        decision.kind = decisionKind(state.status);
        decision.sequence = state.sequence;
        decision.poa = state.poa.toStdString();
        const int row = m_model->rowForCode(code);
        decision.score =
            row >= 0 && m_model->suggestion(row).hasScore() ? m_model->suggestion(row).score : -1.0;
        decision.modelVersion = m_modelVersion.toStdString();
        storeDecision(decision);
        if (row >= 0)
            m_model->setCoding(row, state.sequence, state.poa);
    }
    m_stored = now;
}

void MainWindow::commit(const QString& description, const DecisionSnapshot& before) {
    const DecisionSnapshot copy = before; // `before` may be m_stored itself
    persistDifferences();
    if (copy != m_stored)
        m_undo->push(description, copy);
    updateOverviewMarks();
    updateActions();
}

bool MainWindow::undo() {
    if (!m_undo->canUndo())
        return false;
    const QString description = m_undo->undoDescription();
    const DecisionSnapshot previous = m_undo->pop();
    const QString code = currentCode();
    applySnapshot(previous);
    persistDifferences();
    if (!code.isEmpty())
        selectCode(code);
    updateOverviewMarks();
    updateActions();
    statusBar()->showMessage(tr("Undone: %1").arg(description), 4000);
    return true;
}

bool MainWindow::selectCode(const QString& code) {
    const int row = m_model->rowForCode(code);
    if (row < 0)
        return false;
    QModelIndex index = m_proxy->mapFromSource(m_model->index(row, SuggestionTableModel::CodeColumn));
    if (!index.isValid()) {
        // Hidden by the filter: show everything rather than fail.
        m_filter->clear();
        m_show->setCurrentIndex(m_show->findData(static_cast<int>(SuggestionFilterProxy::Show::All)));
        index = m_proxy->mapFromSource(m_model->index(row, SuggestionTableModel::CodeColumn));
        if (!index.isValid())
            return false;
    }
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index);
    return true;
}

bool MainWindow::selectViewRow(int row) {
    if (row < 0 || row >= m_proxy->rowCount())
        return false;
    const QModelIndex index = m_proxy->index(row, SuggestionTableModel::CodeColumn);
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index);
    return true;
}

void MainWindow::moveSuggestion(int delta) {
    const int row = m_table->currentIndex().isValid() ? m_table->currentIndex().row() + delta : 0;
    selectViewRow(std::clamp(row, 0, std::max(0, m_proxy->rowCount() - 1)));
}

QString MainWindow::currentCode() const {
    return m_table->currentIndex().data(SuggestionTableModel::CodeRole).toString();
}

void MainWindow::onCurrentSuggestionChanged() {
    updateActions();
    updateEvidenceViews();
    updateOverviewMarks();
}

void MainWindow::updateEvidenceViews() {
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid()) {
        m_editor->clearHighlights();
        m_evidence->clear();
        m_evidenceLabel->clear();
        return;
    }
    const Suggestion& s = m_model->suggestion(m_proxy->mapToSource(current).row());
    if (m_analysedText != m_editor->noteText()) {
        // Offsets refer to the analysed text, not to the edited one.
        m_editor->clearHighlights();
        m_evidence->clear();
        m_evidenceLabel->setText(
            tr("The note changed since the analysis; evidence will show after the update."));
        return;
    }
    m_editor->highlightSpans(s.evidence);
    m_evidence->setEvidence(s.code, m_analysedText, s.evidence);
    if (s.evidence.empty())
        m_evidenceLabel->setText(tr("%1: no evidence in the note.").arg(s.code));
    else
        m_evidenceLabel->setText(tr("Evidence for %1 (click to show):").arg(s.code));
}

void MainWindow::updateOverviewMarks() {
    if (m_analysedText.isEmpty() || m_analysedText != m_editor->noteText()) {
        m_overview->setMarks({});
        m_editor->setEvidenceOwners({});
        return;
    }
    const QString selected = currentCode();
    std::vector<EvidenceOverview::Mark> marks;
    std::vector<CodeEvidence> owners;
    for (const Suggestion& s : m_model->suggestions()) {
        const bool isSelected = s.code == selected;
        const bool shown = m_model->isShownByDefault(s) && s.status != SuggestionStatus::Rejected;
        if (!isSelected && !shown)
            continue;
        for (const EvidenceSpan& span : s.evidence) {
            owners.push_back({s.code, span});
            if (isSelected || isCoded(s.status))
                marks.push_back({span, isSelected});
        }
    }
    m_overview->setNoteLength(m_editor->codePointCount());
    m_overview->setMarks(std::move(marks));
    m_editor->setEvidenceOwners(std::move(owners));
    const auto [first, last] = m_editor->visibleRange();
    m_overview->setVisibleRange(first, last);
}

void MainWindow::acceptCurrent() {
    decideCurrent(SuggestionStatus::Accepted, false);
}
void MainWindow::rejectCurrent() {
    decideCurrent(SuggestionStatus::Rejected, false);
}
void MainWindow::acceptCurrentAndNext() {
    decideCurrent(SuggestionStatus::Accepted, true);
}

void MainWindow::decideCurrent(SuggestionStatus status, bool moveToNext) {
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return;
    const int viewRow = current.row();
    const int row = m_proxy->mapToSource(current).row();
    const Suggestion& s = m_model->suggestion(row);
    const QString code = s.code;
    if (s.status != status) {
        const DecisionSnapshot before = m_stored;
        const QString system = s.system;
        m_model->setStatus(row, status);
        if (isCoded(status))
            m_coding->append(codingEntryFor(code, system, status));
        else
            m_coding->remove(code);
        commit(tr("%1 %2").arg(statusName(status), code), before);
        statusBar()->showMessage(
            tr("%1 %2%3").arg(code, statusName(status), m_decisions ? QString() : tr(" (not saved)")), 4000);
    }
    if (moveToNext) {
        // The row keeps its place in the sorted view; move one down.
        const QModelIndex now = m_proxy->mapFromSource(m_model->index(m_model->rowForCode(code), 0));
        selectViewRow(std::min((now.isValid() ? now.row() : viewRow) + 1, m_proxy->rowCount() - 1));
    }
    updateActions();
}

void MainWindow::addCode(const QString& code, const QString& system, const QString& description) {
    if (m_analysedText.isEmpty() && m_editor->noteText().trimmed().isEmpty()) {
        statusBar()->showMessage(tr("Open a note first."), 4000);
        return;
    }
    const DecisionSnapshot before = m_stored;
    const int existing = m_model->rowForCode(code);
    const bool suggested = existing >= 0 && m_model->suggestion(existing).score >= m_model->threshold();
    const SuggestionStatus status = suggested ? SuggestionStatus::Accepted : SuggestionStatus::Added;
    m_model->setStatusForCode(code, system, status, description);
    m_coding->append(codingEntryFor(code, system, status));
    commit(tr("add %1").arg(code), before);
    selectCode(code);
    statusBar()->showMessage(tr("%1 %2").arg(code, statusName(status)), 4000);
}

void MainWindow::removeCode(const QString& code) {
    const int row = m_model->rowForCode(code);
    if (row < 0 || m_coding->rowForCode(code) < 0)
        return;
    const DecisionSnapshot before = m_stored;
    m_model->setStatus(row, SuggestionStatus::Suggested);
    m_coding->remove(code);
    commit(tr("remove %1").arg(code), before);
}

bool MainWindow::moveCode(const QString& code, int delta) {
    const int row = m_coding->rowForCode(code);
    if (row < 0)
        return false;
    // moveEntry emits edited(), which commits.
    const bool moved = m_coding->moveEntry(row, row + delta);
    if (moved && m_codingView->hasFocus())
        m_codingView->setCurrentIndex(m_coding->index(row + delta, CodingListModel::CodeColumn));
    return moved;
}

bool MainWindow::setPoa(const QString& code, const QString& poa) {
    return m_coding->setPoa(m_coding->rowForCode(code), poa);
}

bool MainWindow::storeDecision(const storage::DecisionRecord& decision) {
    if (!m_decisions)
        return false;
    try {
        return m_decisions->decide(decision);
    } catch (const std::exception& e) {
        disableSaving(QString::fromUtf8(e.what()));
        return false;
    }
}

void MainWindow::updateBusy() {
    const bool busy = m_loader->isLoading() || m_analysis->isBusy();
    m_busy->setVisible(busy);
}

void MainWindow::updateActions() {
    const bool hasCurrent = m_table->currentIndex().isValid();
    m_acceptButton->setEnabled(hasCurrent);
    m_rejectButton->setEnabled(hasCurrent);
    m_acceptAction->setEnabled(hasCurrent);
    m_rejectAction->setEnabled(hasCurrent);
    m_acceptNextAction->setEnabled(hasCurrent);
    m_undoAction->setEnabled(m_undo->canUndo());
    m_undoAction->setText(m_undo->canUndo() ? tr("&Undo %1").arg(m_undo->undoDescription())
                                            : tr("&Undo decision"));
    const bool hasChart = !m_analysedText.isEmpty();
    m_exportAction->setEnabled(hasChart);
    m_importAction->setEnabled(hasChart);
    m_nextChartAction->setEnabled(m_chartRow + 1 < m_worklist->rowCount());
    m_previousChartAction->setEnabled(m_chartRow > 0);
    m_doneAction->setEnabled(m_chartRow >= 0);
}

CodeSearchDialog* MainWindow::openCodeSearch(const QString& query) {
    QStringList systems;
    if (m_catalog)
        systems = m_catalog->systems();
    auto* dialog = new CodeSearchDialog(m_catalog, systems, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CodeSearchDialog::codeChosen, this, &MainWindow::addCode);
    if (!query.isEmpty())
        dialog->setQuery(query);
    dialog->show();
    return dialog;
}

std::optional<CodedChart> MainWindow::currentChart() const {
    if (m_analysedText.isEmpty())
        return std::nullopt;
    storage::NoteRecord note;
    note.id = m_noteId;
    note.text = m_analysedText.toStdString();
    note.sha256 = storage::sha256Hex(note.text);
    note.source = m_source.toStdString();
    std::vector<storage::DecisionRecord> decisions;
    if (m_decisions && m_noteId != 0)
        decisions = m_decisions->currentDecisions();
    else
        for (const CodingListEntry& entry : m_coding->entries()) {
            storage::DecisionRecord record;
            record.code = entry.code.toStdString();
            record.system = entry.system.toStdString();
            record.kind = decisionKind(entry.status);
            record.sequence = m_coding->sequenceOf(entry.code);
            record.poa = entry.poa.toStdString();
            record.score = entry.score;
            record.modelVersion = m_modelVersion.toStdString();
            record.who = storage::currentOsUser();
            record.decidedAt = storage::currentUtcTimestamp();
            decisions.push_back(std::move(record));
        }
    storage::AnalysisRecord analysis;
    analysis.noteId = m_noteId;
    analysis.modelVersion = m_modelVersion.toStdString();
    analysis.threshold = m_model->threshold();
    for (const Suggestion& s : m_model->suggestions()) {
        if (!s.hasScore() || s.evidence.empty())
            continue;
        storage::SuggestionRecord record{s.code.toStdString(), s.system.toStdString(), s.score, {}};
        for (const EvidenceSpan& span : s.evidence)
            record.evidence.push_back({span.begin, span.end, span.weight});
        analysis.suggestions.push_back(std::move(record));
    }
    return chartFromDecisions(note, decisions, analysis, m_catalog.get());
}

ExportDialog* MainWindow::openExportDialog() {
    const std::optional<CodedChart> chart = currentChart();
    if (!chart) {
        statusBar()->showMessage(tr("Open and analyse a note first."), 4000);
        return nullptr;
    }
    auto* dialog = new ExportDialog(*chart, m_catalog, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ExportDialog::exported, this,
            [this](bool, const QString& message) { statusBar()->showMessage(message, 8000); });
    dialog->show();
    return dialog;
}

bool MainWindow::importDecisions(const QString& path, QString* error) {
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (m_analysedText.isEmpty())
        return fail(tr("Open and analyse the note the export belongs to first."));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(tr("%1: %2").arg(path, file.errorString()));
    QString parseError;
    const CodedChart chart = fromExport(file.readAll(), &parseError);
    if (!parseError.isEmpty())
        return fail(tr("%1: %2").arg(path, parseError));
    if (!chart.noteSha256.isEmpty() && chart.noteSha256 != sha256Of(m_analysedText))
        return fail(tr("%1 belongs to another note (its text differs from the one shown), so its codes and "
                       "evidence offsets do not apply here.")
                        .arg(QFileInfo(path).fileName()));
    const DecisionSnapshot before = m_stored;
    for (const CodedEntry& entry : chart.entries) {
        const SuggestionStatus status =
            entry.decision == QLatin1String("added") ? SuggestionStatus::Added : SuggestionStatus::Accepted;
        m_model->setStatusForCode(entry.code, entry.system, status, entry.description);
        if (m_coding->rowForCode(entry.code) < 0)
            m_coding->append(codingEntryFor(entry.code, entry.system, status));
    }
    // The export's order: principal diagnosis first, diagnoses then procedures; POA as exported.
    std::vector<CodingListEntry> ordered;
    for (const CodedEntry& entry : chart.entries) {
        CodingListEntry coded = m_coding->entries()[static_cast<size_t>(m_coding->rowForCode(entry.code))];
        coded.poa = entry.poa;
        ordered.push_back(coded);
    }
    for (const CodingListEntry& entry : m_coding->entries())
        if (std::none_of(ordered.begin(), ordered.end(),
                         [&entry](const CodingListEntry& o) { return o.code == entry.code; }))
            ordered.push_back(entry);
    m_coding->setEntries(std::move(ordered));
    commit(tr("import %1").arg(QFileInfo(path).fileName()), before);
    statusBar()->showMessage(
        tr("Imported %n code(s) from %1", nullptr, static_cast<int>(chart.entries.size()))
            .arg(QFileInfo(path).fileName()),
        6000);
    return true;
}

void MainWindow::importDialog() {
    auto* dialog = new QFileDialog(this, tr("Import decisions from an export"), QString(),
                                   tr("Exports (*.csv *.json);;All files (*)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) {
        QString error;
        if (!importDecisions(path, &error))
            showMessage(tr("Cannot import"), error, true);
    });
    dialog->open();
}

SettingsDialog* MainWindow::openSettingsDialog() {
    auto* dialog = new SettingsDialog(m_settings, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SettingsDialog::settingsAccepted, this, [this](const AppSettings& settings) {
        const AppSettings old = m_settings;
        settings.save();
        applySettings(settings);
        if (settings.threshold < 0.0 && old.threshold >= 0.0)
            setThreshold(m_modelThreshold);
        if (settings.model != old.model || settings.threads != old.threads)
            statusBar()->showMessage(tr("The model and thread settings apply from the next start."), 8000);
        if (settings.databasePath != old.databasePath && !settings.databasePath.isEmpty()) {
            QString error;
            if (unlockDatabase(settings.databasePath, false,
                               passphraseDialogPrompt(this, settings.databasePath), &error))
                openDatabase(settings.databasePath);
            else
                disableSaving(error);
        }
    });
    dialog->show();
    return dialog;
}

void MainWindow::toggleShortcutHelp() {
    m_overlay->toggle();
}

void MainWindow::openNoteDialog() {
    auto* dialog = new QFileDialog(this, tr("Open note"), QString(),
                                   tr("Notes (*.txt *.text *.note *.pdf);;All files (*)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) { openPaths({path}); });
    dialog->open();
}

void MainWindow::openFolderDialog() {
    auto* dialog = new QFileDialog(this, tr("Open a folder of notes as a worklist"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) { openPaths({path}); });
    dialog->open();
}

void MainWindow::pasteNote() {
    const QString text = QApplication::clipboard()->text();
    if (text.trimmed().isEmpty()) {
        statusBar()->showMessage(tr("The clipboard holds no text."), 5000);
        return;
    }
    setNote(text, QStringLiteral("clipboard"));
}

QWidget* MainWindow::showAbout() {
    QString text = tr("<h3>fusioncoder %1</h3><p>A local assistant for ICD coding built on the Fusion model. "
                      "Notes never leave this computer.</p>")
                       .arg(QApplication::applicationVersion().toHtmlEscaped());
    if (m_engine) {
        const ModelInfo& info = m_engine->info();
        QStringList systems;
        for (const std::string& system : info.labelSystems)
            if (!systems.contains(systemShortName(QString::fromStdString(system))))
                systems << systemShortName(QString::fromStdString(system));
        text +=
            tr("<p><b>Model card</b><br>Name: %1<br>Version: %2<br>Architecture: %3<br>Language: %4<br>"
               "Labels: %5 (%6)<br>Parameters: %7<br>Vocabulary: %8 words<br>Tuned threshold: %9<br>"
               "Placeholder (random weights): %10<br>Directory: %11</p>")
                .arg(QString::fromStdString(info.name).toHtmlEscaped(),
                     QString::fromStdString(info.version).toHtmlEscaped(),
                     QString::fromStdString(info.arch).toHtmlEscaped(),
                     QString::fromStdString(info.language).toHtmlEscaped(),
                     formatCount(static_cast<std::int64_t>(info.labels.size())),
                     systems.join(QStringLiteral(", ")), formatCount(info.parameters),
                     formatCount(info.vocabularySize), QString::number(static_cast<double>(info.threshold)))
                .arg(info.placeholder ? tr("yes") : tr("no"),
                     QString::fromStdString(info.directory).toHtmlEscaped());
        if (info.placeholder)
            text += QStringLiteral("<p><b>%1</b></p>").arg(QString::fromUtf8(kPlaceholderWarning));
        if (m_catalog) {
            QStringList titles;
            for (const QString& system : m_catalog->systems())
                titles << m_catalog->title(system).toHtmlEscaped();
            text += tr("<p><b>Code catalogs</b><br>%1</p>").arg(titles.join(QStringLiteral("<br>")));
        }
    } else {
        text += tr("<p>No model is loaded.</p>");
    }
    if (m_decisions)
        text += tr("<p>Decisions are saved in %1.</p>").arg(m_decisions->databasePath().toHtmlEscaped());
    else
        text += tr("<p><b>Decisions are not being saved.</b></p>");
    auto* box =
        new QMessageBox(QMessageBox::Information, tr("About fusioncoder"), text, QMessageBox::Ok, this);
    box->setTextFormat(Qt::RichText);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::NonModal);
    box->show();
    return box;
}

} // namespace fc::ui
