#include "scriptedsession.h"

#include "mainwindow.h"

#include "codesearchdialog.h"
#include "exportdialog.h"

#include <QDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QPainter>
#include <QPixmap>

namespace fc::ui {

ScriptedSession::ScriptedSession(MainWindow* window, Options options, QObject* parent)
    : QObject(parent), m_window(window), m_options(std::move(options)) {
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this]() {
        finish(1, tr("timed out after %1 s waiting for %2").arg(m_options.timeoutSeconds).arg(m_waitingFor));
    });
}

void ScriptedSession::start() {
    connect(m_window, &MainWindow::modelLoadFinished, this, &ScriptedSession::onModelLoadFinished);
    connect(m_window, &MainWindow::analysisFinished, this, &ScriptedSession::onAnalysisFinished);
    if (isActive()) {
        m_waitingFor = tr("the model to load");
        m_timeout.start(m_options.timeoutSeconds * 1000);
    }
}

void ScriptedSession::onModelLoadFinished(bool ok, const QString& error) {
    if (m_done)
        return;
    if (!ok) {
        finish(1, tr("cannot load the model: %1").arg(error));
        return;
    }
    if (m_options.expectAnalysis) {
        m_waitingFor = tr("the analysis of the note");
        return;
    }
    applySelectionAndCapture();
}

void ScriptedSession::onAnalysisFinished(bool ok, const QString& error) {
    if (m_done || !m_options.expectAnalysis)
        return;
    if (!ok) {
        finish(1, tr("the analysis failed: %1").arg(error));
        return;
    }
    applySelectionAndCapture();
}

void ScriptedSession::applySelectionAndCapture() {
    if (m_done)
        return;
    // The documented switches select and accept suggestions with their evidence shown (interfaces.md): a
    // blind first pass left on in the settings does not hide them from a scripted run.
    if (!m_options.accept.isEmpty() || !m_options.selectCode.isEmpty())
        m_window->revealSuggestions();
    for (const QString& code : m_options.accept) {
        if (m_window->selectCode(code))
            m_window->acceptCurrent();
        else
            Q_EMIT warning(tr("code %1 is not among the suggestions; not accepted").arg(code));
    }
    if (!m_options.selectCode.isEmpty() && !m_window->selectCode(m_options.selectCode)) {
        Q_EMIT warning(
            tr("code %1 is not among the suggestions shown; the top suggestion is selected instead")
                .arg(m_options.selectCode));
        m_window->selectViewRow(0);
    }
    if (m_options.showHelp)
        m_window->toggleShortcutHelp();
    if (!m_options.addCodeQuery.isEmpty())
        m_window->openCodeSearch(m_options.addCodeQuery);
    int settle = 250;
    if (m_options.dialog == QLatin1String("export")) {
        if (!m_window->openExportDialog())
            Q_EMIT warning(tr("there is no analysed chart to export"));
        settle = 600; // the validity checks run in the background
    } else if (m_options.dialog == QLatin1String("settings")) {
        m_window->openSettingsDialog();
    } else if (m_options.dialog == QLatin1String("about")) {
        m_window->showAbout();
    }
    if (m_options.screenshotPath.isEmpty()) {
        if (m_options.quit)
            finish(0, {});
        else
            m_timeout.stop();
        return;
    }
    // Let pending layout and paint events run before grabbing (grab() renders, but layouts settle through
    // posted events).
    m_waitingFor = tr("the window to render");
    QTimer::singleShot(settle, this, &ScriptedSession::capture);
}

void ScriptedSession::capture() {
    if (m_done)
        return;
    QPixmap pixmap = m_window->grab();
    if (pixmap.isNull()) {
        finish(1, tr("cannot grab the window"));
        return;
    }
    // Dialogs are separate top-level windows: draw each visible one centred over the window, with a frame,
    // as a window manager would place it.
    for (QDialog* dialog : m_window->findChildren<QDialog*>()) {
        if (!dialog->isVisible())
            continue;
        const QPixmap shot = dialog->grab();
        QPainter painter(&pixmap);
        const QSize size = shot.deviceIndependentSize().toSize();
        const QPoint at((m_window->width() - size.width()) / 2, (m_window->height() - size.height()) / 2);
        painter.fillRect(QRect(at - QPoint(3, 3), size + QSize(6, 6)),
                         m_window->palette().color(QPalette::Shadow));
        painter.drawPixmap(QRect(at, size), shot);
    }
    if (!pixmap.save(m_options.screenshotPath, "PNG")) {
        finish(1, tr("cannot write the screenshot %1").arg(m_options.screenshotPath));
        return;
    }
    if (m_options.quit) {
        finish(0, tr("screenshot written to %1").arg(QFileInfo(m_options.screenshotPath).absoluteFilePath()));
        return;
    }
    m_timeout.stop();
}

void ScriptedSession::finish(int exitCode, const QString& message) {
    if (m_done)
        return;
    m_done = true;
    m_timeout.stop();
    Q_EMIT finished(exitCode, message);
}

} // namespace fc::ui
