#include "mainwindowactions.h"

#include "chartpanel.h"
#include "learnmenu.h"
#include "noteeditor.h"
#include "recentfiles.h"
#include "suggestionpanel.h"
#include "worklistpanel.h"

#include <QAction>
#include <QDockWidget>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>

namespace fc::ui {

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
    QTableView* table = m_suggestions->view();
    QTableView* coded = m_chart->view();
    Actions& a = *m_actions;
    a.accept = make(
        tr("&Accept"), {Qt::Key_A}, [this]() { acceptCurrent(); }, table);
    a.reject = make(
        tr("&Reject"), {Qt::Key_R}, [this]() { rejectCurrent(); }, table);
    a.acceptNext = make(
        tr("Accept and &next"), {Qt::Key_Return, Qt::Key_Enter}, [this]() { acceptCurrentAndNext(); }, table);
    a.acceptAll = make(
        tr("Accept all &above threshold"), {QKeySequence(Qt::SHIFT | Qt::Key_A)},
        [this]() { acceptAllAboveThreshold(); }, table);
    a.next = make(
        tr("Next suggestion"), {Qt::Key_J}, [this]() { m_suggestions->moveSelection(1); }, table);
    a.previous = make(
        tr("Previous suggestion"), {Qt::Key_K}, [this]() { m_suggestions->moveSelection(-1); }, table);
    a.undo = make(tr("&Undo decision"), {QKeySequence::Undo}, [this]() { undo(); });
    a.addCode = make(tr("Add &code…"), {QKeySequence(Qt::CTRL | Qt::Key_K)},
                     [this]() { openCodeSearch(noteEditor()->selectedNoteText()); });
    a.removeCode = make(
        tr("Remove from coded chart"), {QKeySequence::Delete},
        [this]() {
            const QString code = m_chart->currentCode();
            if (!code.isEmpty())
                removeCode(code);
        },
        coded);
    const auto moveCurrent = [this](int delta) {
        const QString code = m_chart->view()->hasFocus() && !m_chart->currentCode().isEmpty()
                                 ? m_chart->currentCode()
                                 : m_suggestions->currentCode();
        if (!code.isEmpty())
            moveCode(code, delta);
    };
    a.moveUp = make(
        tr("Move code &up"), {QKeySequence(Qt::CTRL | Qt::Key_Up)}, [moveCurrent]() { moveCurrent(-1); },
        coded);
    table->addAction(a.moveUp);
    a.moveDown = make(
        tr("Move code &down"), {QKeySequence(Qt::CTRL | Qt::Key_Down)}, [moveCurrent]() { moveCurrent(1); },
        coded);
    table->addAction(a.moveDown);
    a.nextChart =
        make(tr("&Next chart"), {QKeySequence(Qt::CTRL | Qt::Key_PageDown)}, [this]() { nextChart(); });
    a.previousChart =
        make(tr("&Previous chart"), {QKeySequence(Qt::CTRL | Qt::Key_PageUp)}, [this]() { previousChart(); });
    a.done = make(tr("Mark chart &done and next"), {QKeySequence(Qt::CTRL | Qt::Key_D)}, [this]() {
        setChartStatus(static_cast<int>(ChartStatus::Done));
        nextChart();
    });
    a.exportChart =
        make(tr("&Export chart…"), {QKeySequence(Qt::CTRL | Qt::Key_E)}, [this]() { openExportDialog(); });
    a.import = make(tr("&Import decisions…"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I)},
                    [this]() { importDialog(); });
    a.filter =
        make(tr("&Filter suggestions"), {QKeySequence::Find}, [this]() { m_suggestions->focusFilter(); });
    a.byUncertainty = make(tr("Order worklist by &uncertainty"), {}, [this]() { orderWorklist(); });
    a.byUncertainty->setCheckable(true);
    a.byUncertainty->setToolTip(
        tr("Charts where the model is least sure first: deciding them teaches it most"));
    a.blindPass = make(tr("&Blind first pass"), {}, [this]() {
        QSettings().setValue(QStringLiteral("review/blindFirstPass"), m_actions->blindPass->isChecked());
    });
    a.blindPass->setCheckable(true);
    a.blindPass->setChecked(QSettings().value(QStringLiteral("review/blindFirstPass"), false).toBool());
    a.blindPass->setToolTip(
        tr("Hide the suggestions of a new chart until you have coded it (Ctrl+Shift+R reveals)"));
    a.reveal = make(tr("&Reveal suggestions"), {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R)},
                    [this]() { revealSuggestions(); });
    // A long note is scored window by window; Esc stops it (the note stays, without suggestions).
    a.cancelAnalysis = make(tr("&Cancel analysis"), {Qt::Key_Escape}, [this]() {
        if (!m_session->isAnalysing())
            return;
        m_session->cancelAnalysis();
        statusBar()->showMessage(tr("Analysis cancelled. Edit the note to analyse it again."), 10000);
    });
    a.help = make(tr("&Keyboard shortcuts"), {Qt::Key_F1}, [this]() { toggleShortcutHelp(); });
    // "?" too, only where it does not type into the note or a search box.
    auto* question = new QAction(this);
    question->setShortcut(QKeySequence(Qt::Key_Question));
    question->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    table->addAction(question);
    connect(question, &QAction::triggered, this, &MainWindow::toggleShortcutHelp);
}

void MainWindow::buildMenus() {
    const Actions& a = *m_actions;
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open note…"), this, &MainWindow::openNoteDialog);
    open->setShortcut(QKeySequence::Open);
    QAction* folder = file->addAction(tr("Open &folder as worklist…"), this, &MainWindow::openFolderDialog);
    folder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_recentMenu = file->addMenu(tr("Open &recent"));
    QAction* paste = file->addAction(tr("&Paste note"), this, &MainWindow::pasteNote);
    paste->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
    file->addSeparator();
    file->addAction(a.cancelAnalysis);
    file->addSeparator();
    file->addActions({a.exportChart, a.import});
    file->addSeparator();
    QAction* settings = file->addAction(tr("&Settings…"), this, [this]() { openSettingsDialog(); });
    settings->setShortcut(QKeySequence::Preferences);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* decide = menuBar()->addMenu(tr("&Decide"));
    decide->addActions({a.accept, a.acceptNext, a.acceptAll, a.reject, a.undo});
    decide->addSeparator();
    decide->addActions({a.next, a.previous, a.filter});
    decide->addSeparator();
    decide->addActions({a.addCode, a.moveUp, a.moveDown, a.removeCode});

    QMenu* chart = menuBar()->addMenu(tr("&Chart"));
    chart->addActions(
        {a.nextChart, a.previousChart, a.done, m_worklistDock->toggleViewAction(), a.byUncertainty});
    chart->addSeparator();
    chart->addActions({a.blindPass, a.reveal});
    chart->addSeparator();
    chart->addAction(a.exportChart);

    addLearnMenu(this, m_session); // Learn -> Fine-tune… / Insights… (ui/learnmenu.h)

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(a.help);
    help->addAction(tr("&About fusioncoder"), this, [this]() { showAbout(); });

    m_actionGroups = {
        {tr("Decide (in the suggestion list)"),
         {a.accept, a.acceptNext, a.acceptAll, a.reject, a.next, a.previous}},
        {tr("Edit the coded chart"), {a.undo, a.addCode, a.moveUp, a.moveDown, a.removeCode}},
        {tr("Charts"),
         {open, folder, paste, a.cancelAnalysis, a.nextChart, a.previousChart, a.done, a.reveal}},
        {tr("Export"), {a.exportChart, a.import}},
        {tr("Other"), {a.filter, settings, a.help, quit}},
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

void MainWindow::updateActions() {
    const Actions& a = *m_actions;
    const bool hasCurrent = m_suggestions->currentSourceRow() >= 0;
    for (QAction* action : {a.accept, a.reject, a.acceptNext})
        action->setEnabled(hasCurrent);
    const DecisionUndoStack* undo = m_session->undoStack();
    a.undo->setEnabled(undo->canUndo());
    a.undo->setText(undo->canUndo() ? tr("&Undo %1").arg(undo->undoDescription()) : tr("&Undo decision"));
    const bool hasChart = !m_session->analysedText().isEmpty();
    for (QAction* action : {a.exportChart, a.import, a.acceptAll})
        action->setEnabled(hasChart);
    a.nextChart->setEnabled(m_chartRow + 1 < m_worklist->model()->rowCount());
    a.previousChart->setEnabled(m_chartRow > 0);
    a.done->setEnabled(m_chartRow >= 0);
    a.reveal->setEnabled(m_suggestions->isBlind());
    a.cancelAnalysis->setEnabled(m_session->isAnalysing());
}

} // namespace fc::ui
