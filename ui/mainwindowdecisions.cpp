// MainWindow's decision commands: the keys and buttons of the suggestion table and the coded chart, handed to
// ChartDecisions (which keeps table and chart in step and commits to the CodingSession: one undo step each).
#include "mainwindow.h"
#include "mainwindowactions.h"

#include "chartdecisions.h"
#include "chartpanel.h"
#include "codinglistmodel.h"
#include "noteeditor.h"
#include "suggestionfilterproxy.h"
#include "suggestionpanel.h"
#include "suggestiontablemodel.h"

#include <QSettings>
#include <QStatusBar>
#include <QTableView>

#include <algorithm>

namespace fc::ui {

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
    const int row = m_suggestions->currentSourceRow();
    if (row < 0)
        return;
    const int viewRow = m_suggestions->view()->currentIndex().row();
    const QString code = m_suggestions->model()->suggestion(row).code;
    if (m_decisions->decide(row, status))
        statusBar()->showMessage(tr("%1 %2%3").arg(code, statusName(status),
                                                   m_session->isSaving() ? QString() : tr(" (not saved)")),
                                 4000);
    if (moveToNext) {
        // The row keeps its place in the sorted view; move one down.
        SuggestionTableModel* model = m_suggestions->model();
        const QModelIndex now =
            m_suggestions->proxy()->mapFromSource(model->index(model->rowForCode(code), 0));
        selectViewRow(
            std::min((now.isValid() ? now.row() : viewRow) + 1, m_suggestions->proxy()->rowCount() - 1));
    }
}

int MainWindow::acceptAllAboveThreshold() {
    const int accepted = m_decisions->acceptAllAboveThreshold();
    statusBar()->showMessage(
        accepted > 0 ? tr("Accepted %n code(s) above the threshold (Ctrl+Z undoes all)", nullptr, accepted)
                     : tr("No undecided code scores at or above the threshold."),
        5000);
    return accepted;
}

void MainWindow::addCode(const QString& code, const QString& system, const QString& description) {
    if (m_session->analysedText().isEmpty() && noteEditor()->noteText().trimmed().isEmpty()) {
        statusBar()->showMessage(tr("Open a note first."), 4000);
        return;
    }
    const SuggestionStatus status = m_decisions->addCode(code, system, description);
    selectCode(code);
    statusBar()->showMessage(tr("%1 %2").arg(code, statusName(status)), 4000);
}

void MainWindow::removeCode(const QString& code) {
    m_decisions->removeCode(code);
}

bool MainWindow::moveCode(const QString& code, int delta) {
    CodingListModel* coded = m_chart->model();
    const int row = coded->rowForCode(code);
    if (row < 0)
        return false;
    const bool moved = coded->moveEntry(row, row + delta); // emits edited(), which commits
    if (moved && m_chart->view()->hasFocus())
        m_chart->view()->setCurrentIndex(coded->index(row + delta, CodingListModel::CodeColumn));
    return moved;
}

bool MainWindow::setPoa(const QString& code, const QString& poa) {
    return m_chart->model()->setPoa(m_chart->model()->rowForCode(code), poa);
}

bool MainWindow::undo() {
    const QString code = m_suggestions->currentCode();
    QString description;
    if (!m_decisions->undo(&description))
        return false;
    if (!code.isEmpty())
        selectCode(code);
    statusBar()->showMessage(tr("Undone: %1").arg(description), 4000);
    return true;
}

void MainWindow::setBlindFirstPass(bool on) {
    m_actions->blindPass->setChecked(on);
    QSettings().setValue(QStringLiteral("review/blindFirstPass"), on);
}

void MainWindow::revealSuggestions() {
    if (!m_suggestions->isBlind())
        return;
    m_suggestions->setBlind(false);
    // The coder's codes against the model's, before the coder saw the model's: an honest comparison.
    const SuggestionTableModel* model = m_suggestions->model();
    int suggested = 0, agreed = 0;
    for (const Suggestion& s : model->suggestions()) {
        const bool aboveThreshold = s.hasScore() && s.score >= model->threshold();
        suggested += aboveThreshold ? 1 : 0;
        agreed += aboveThreshold && isCoded(s.status) ? 1 : 0;
    }
    statusBar()->showMessage(
        tr("Blind pass: you coded %1; the model suggests %2 above the threshold; %3 in common.")
            .arg(m_chart->model()->rowCount())
            .arg(suggested)
            .arg(agreed),
        15000);
    updateEvidence();
    updateActions();
}

} // namespace fc::ui
