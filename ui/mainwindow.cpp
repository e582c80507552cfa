#include "mainwindow.h"

#include "banner.h"
#include "confidencedelegate.h"
#include "modelloader.h"
#include "noteeditor.h"
#include "notefilereader.h"
#include "suggestiontablemodel.h"

#include "analysisservice.h"
#include "decisionservice.h"
#include "fc/model/engine.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

#include <map>

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

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_analysis(new AnalysisService(this)), m_loader(new ModelLoader(this)) {
    setWindowTitle(tr("fusioncoder"));

    m_placeholderBanner = new Banner(Banner::Kind::Warning, this);
    m_blasBanner = new Banner(Banner::Kind::Warning, this);
    m_storageBanner = new Banner(Banner::Kind::Error, this);
    m_modelErrorBanner = new Banner(Banner::Kind::Error, this);

    m_editor = new NoteEditor(this);
    m_editor->setAccessibleName(tr("Note"));

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_editor);
    splitter->addWidget(buildSuggestionPanel());
    splitter->setStretchFactor(0, 5);
    splitter->setStretchFactor(1, 4);
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

    buildMenus();

    connect(m_loader, &ModelLoader::loaded, this, &MainWindow::onModelLoaded);
    connect(m_analysis, &AnalysisService::started, this, &MainWindow::onAnalysisStarted);
    connect(m_analysis, &AnalysisService::finished, this, &MainWindow::onAnalysisFinished);
    connect(m_editor, &NoteEditor::textEdited, this, [this]() {
        m_source = QStringLiteral("edited");
        startAnalysis();
    });
    updateButtons();
}

MainWindow::~MainWindow() = default;

QWidget* MainWindow::buildSuggestionPanel() {
    auto* panel = new QWidget(this);
    m_model = new SuggestionTableModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(SuggestionTableModel::SortRole);
    m_proxy->setDynamicSortFilter(true);

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
    connect(m_model, &QAbstractItemModel::modelReset, this, &MainWindow::updateButtons);

    auto* title = new QLabel(tr("<b>Suggestions</b>"), panel);
    m_threshold = new QDoubleSpinBox(panel);
    m_threshold->setRange(0.0, 1.0);
    m_threshold->setSingleStep(0.05);
    m_threshold->setDecimals(3);
    m_threshold->setValue(m_model->threshold());
    m_threshold->setToolTip(tr("Codes scoring below the threshold are hidden (decided codes stay visible)."));
    m_threshold->setAccessibleName(tr("Threshold"));
    connect(m_threshold, &QDoubleSpinBox::valueChanged, this, [this](double value) {
        const QString code = m_table->currentIndex().data(SuggestionTableModel::CodeRole).toString();
        m_model->setThreshold(value);
        if (!code.isEmpty())
            selectCode(code);
    });
    auto* thresholdLabel = new QLabel(tr("&Threshold:"), panel);
    thresholdLabel->setBuddy(m_threshold);

    auto* top = new QHBoxLayout;
    top->addWidget(title);
    top->addStretch(1);
    top->addWidget(thresholdLabel);
    top->addWidget(m_threshold);

    m_evidenceLabel = new QLabel(panel);
    m_evidenceLabel->setWordWrap(true);
    m_evidenceLabel->setTextFormat(Qt::PlainText);

    m_acceptButton = new QPushButton(tr("Accept (A)"), panel);
    m_rejectButton = new QPushButton(tr("Reject (R)"), panel);
    m_acceptButton->setToolTip(tr("Accept the selected code (A; Enter accepts and moves to the next code)"));
    m_rejectButton->setToolTip(tr("Reject the selected code (R)"));
    connect(m_acceptButton, &QPushButton::clicked, this, &MainWindow::acceptCurrent);
    connect(m_rejectButton, &QPushButton::clicked, this, &MainWindow::rejectCurrent);
    auto* hint = new QLabel(tr("Enter = accept and next"), panel);
    hint->setEnabled(false);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_acceptButton);
    buttons->addWidget(m_rejectButton);
    buttons->addWidget(hint);
    buttons->addStretch(1);

    // Single-key shortcuts only while the table has focus, so typing in the note is never captured.
    const auto tableShortcut = [this](const QKeySequence& key, void (MainWindow::*slot)()) {
        auto* shortcut = new QShortcut(key, m_table);
        shortcut->setContext(Qt::WidgetShortcut);
        connect(shortcut, &QShortcut::activated, this, slot);
    };
    tableShortcut(QKeySequence(Qt::Key_A), &MainWindow::acceptCurrent);
    tableShortcut(QKeySequence(Qt::Key_R), &MainWindow::rejectCurrent);
    tableShortcut(QKeySequence(Qt::Key_Return), &MainWindow::acceptCurrentAndNext);
    tableShortcut(QKeySequence(Qt::Key_Enter), &MainWindow::acceptCurrentAndNext);

    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_evidenceLabel);
    layout->addLayout(buttons);
    return panel;
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open note…"), this, &MainWindow::openNoteDialog);
    open->setShortcut(QKeySequence::Open);
    QAction* paste = file->addAction(tr("&Paste note"), this, &MainWindow::pasteNote);
    paste->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About fusioncoder"), this, &MainWindow::showAbout);
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
    {
        const QSignalBlocker blocker(m_threshold);
        m_threshold->setValue(static_cast<double>(info.threshold));
    }
    m_model->setThreshold(static_cast<double>(info.threshold));
    statusBar()->showMessage(tr("Model loaded in %1 s").arg(model.milliseconds / 1000.0, 0, 'f', 1), 5000);
    Q_EMIT modelLoadFinished(true, {});
    if (!m_editor->noteText().isEmpty())
        startAnalysis();
}

bool MainWindow::openNoteFile(const QString& path, QString* error) {
    const NoteFile note = NoteFileReader::read(path);
    if (!note.ok()) {
        if (error)
            *error = note.error;
        return false;
    }
    setNote(note.text, path);
    if (!note.warning.isEmpty())
        statusBar()->showMessage(note.warning, 15000);
    return true;
}

void MainWindow::setNote(const QString& text, const QString& source) {
    m_source = source;
    m_analysedText.clear();
    m_model->clear();
    m_evidenceLabel->clear();
    m_editor->setNoteText(text);
    m_focusSuggestions = true;
    setWindowTitle(tr("%1 — fusioncoder").arg(source));
    startAnalysis();
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
    const double threshold = m_threshold->value();

    storeAnalysisAndRestoreDecisions(result.text, threshold, suggestions);

    m_analysedText = result.text;
    const QString previousCode = m_table->currentIndex().data(SuggestionTableModel::CodeRole).toString();
    m_model->setSuggestions(std::move(suggestions), threshold);
    QString timing = tr("Analysed in %1 ms · %2 tokens")
                         .arg(result.milliseconds, 0, 'f', 0)
                         .arg(formatCount(result.prediction.tokens));
    if (result.prediction.windows > 1)
        timing += tr(" · %1 windows").arg(result.prediction.windows);
    m_timeLabel->setText(timing);
    if (previousCode.isEmpty() || !selectCode(previousCode))
        selectViewRow(0);
    if (m_focusSuggestions) {
        // A newly opened note: the coder reviews suggestions with the keyboard (A, R, Enter) straight away.
        m_focusSuggestions = false;
        m_table->setFocus();
        onCurrentSuggestionChanged(); // scroll to the evidence now that the editor is not focused
    }
    updateButtons();
    Q_EMIT analysisFinished(true, {});
}

void MainWindow::storeAnalysisAndRestoreDecisions(const QString& text, double threshold,
                                                  std::vector<Suggestion>& suggestions) {
    // Any call may report a failure through DecisionService::failed, which turns saving off (m_decisions
    // becomes null): check before every step.
    try {
        if (!m_decisions)
            return;
        const qint64 noteId = m_decisions->openNote(text, m_source);
        if (!m_decisions || noteId == 0)
            return;
        storage::AnalysisRecord analysis;
        analysis.noteId = noteId;
        analysis.modelVersion = m_modelVersion.toStdString();
        analysis.threshold = threshold;
        for (const Suggestion& s : suggestions) {
            if (s.score < threshold)
                continue;
            storage::SuggestionRecord record{s.code.toStdString(), s.system.toStdString(), s.score, {}};
            for (const EvidenceSpan& span : s.evidence)
                record.evidence.push_back({span.begin, span.end, span.weight});
            analysis.suggestions.push_back(std::move(record));
        }
        m_decisions->recordAnalysis(analysis);
        if (!m_decisions)
            return;
        std::map<QString, std::pair<QString, SuggestionStatus>> decided;
        for (const storage::DecisionRecord& decision : m_decisions->currentDecisions())
            decided[QString::fromStdString(decision.code)] = {QString::fromStdString(decision.system),
                                                              suggestionStatus(decision.kind)};
        for (Suggestion& s : suggestions) {
            const auto it = decided.find(s.code);
            if (it != decided.end()) {
                s.status = it->second.second;
                decided.erase(it);
            }
        }
        // Codes the coder added (the model did not score them) come back as rows without a score.
        for (const auto& [code, systemAndStatus] : decided) {
            if (systemAndStatus.second == SuggestionStatus::Suggested)
                continue;
            Suggestion added;
            added.code = code;
            added.system = systemAndStatus.first;
            added.status = systemAndStatus.second;
            suggestions.push_back(std::move(added));
        }
    } catch (const std::exception& e) {
        disableSaving(QString::fromUtf8(e.what()));
    }
}

bool MainWindow::selectCode(const QString& code) {
    const int row = m_model->rowForCode(code);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, SuggestionTableModel::CodeColumn));
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

void MainWindow::onCurrentSuggestionChanged() {
    updateButtons();
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid()) {
        m_editor->clearHighlights();
        m_evidenceLabel->clear();
        return;
    }
    const Suggestion& s = m_model->suggestion(m_proxy->mapToSource(current).row());
    if (m_analysedText != m_editor->noteText()) {
        // Offsets refer to the analysed text, not to the edited one.
        m_editor->clearHighlights();
        m_evidenceLabel->setText(
            tr("The note changed since the analysis; evidence will show after the update."));
        return;
    }
    m_editor->highlightSpans(s.evidence);
    if (s.evidence.empty())
        m_evidenceLabel->setText(tr("%1: no evidence in the note.").arg(s.code));
    else
        m_evidenceLabel->setText(
            tr("Evidence for %1: %n span(s) highlighted; solid underline = strongest, dotted = "
               "weaker, darker background = more weight.",
               nullptr, static_cast<int>(s.evidence.size()))
                .arg(s.code));
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
    if (s.status != status) {
        storage::DecisionRecord decision;
        decision.code = s.code.toStdString();
        decision.system = s.system.toStdString();
        decision.kind = decisionKind(status);
        decision.score = s.hasScore() ? s.score : -1.0;
        decision.modelVersion = m_modelVersion.toStdString();
        storeDecision(decision);
        // The table shows the decision even when it could not be stored (the banner says so).
        m_model->setStatus(row, status);
        statusBar()->showMessage(
            tr("%1 %2%3").arg(s.code, statusName(status), m_decisions ? QString() : tr(" (not saved)")),
            4000);
    }
    if (moveToNext)
        selectViewRow(std::min(viewRow + 1, m_proxy->rowCount() - 1));
    updateButtons();
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

void MainWindow::updateButtons() {
    const bool hasCurrent = m_table->currentIndex().isValid();
    m_acceptButton->setEnabled(hasCurrent);
    m_rejectButton->setEnabled(hasCurrent);
}

void MainWindow::openNoteDialog() {
    auto* dialog = new QFileDialog(this, tr("Open note"), QString(), tr("Text files (*.txt);;All files (*)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) {
        QString error;
        if (!openNoteFile(path, &error))
            showMessage(tr("Cannot open the note"), error, true);
    });
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

void MainWindow::showAbout() {
    QString text = tr("<h3>fusioncoder %1</h3><p>A local assistant for ICD coding built on the Fusion model. "
                      "Notes never leave this computer.</p>")
                       .arg(QApplication::applicationVersion().toHtmlEscaped());
    if (m_engine) {
        const ModelInfo& info = m_engine->info();
        text +=
            tr("<p><b>Model</b><br>Name: %1<br>Version: %2<br>Architecture: %3<br>Language: %4<br>"
               "Labels: %5<br>Parameters: %6<br>Vocabulary: %7 words<br>Threshold: %8<br>Directory: %9</p>")
                .arg(QString::fromStdString(info.name).toHtmlEscaped(),
                     QString::fromStdString(info.version).toHtmlEscaped(),
                     QString::fromStdString(info.arch).toHtmlEscaped(),
                     QString::fromStdString(info.language).toHtmlEscaped(),
                     formatCount(static_cast<std::int64_t>(info.labels.size())), formatCount(info.parameters),
                     formatCount(info.vocabularySize), QString::number(static_cast<double>(info.threshold)),
                     QString::fromStdString(info.directory).toHtmlEscaped());
        if (info.placeholder)
            text += QStringLiteral("<p><b>%1</b></p>").arg(QString::fromUtf8(kPlaceholderWarning));
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
}

} // namespace fc::ui
