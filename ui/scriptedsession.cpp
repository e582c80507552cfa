#include "scriptedsession.h"

#include "mainwindow.h"

#include <QFileInfo>
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
    if (!m_options.selectCode.isEmpty() && !m_window->selectCode(m_options.selectCode)) {
        Q_EMIT warning(
            tr("code %1 is not among the suggestions shown; the top suggestion is selected instead")
                .arg(m_options.selectCode));
        m_window->selectViewRow(0);
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
    QTimer::singleShot(250, this, &ScriptedSession::capture);
}

void ScriptedSession::capture() {
    if (m_done)
        return;
    const QPixmap pixmap = m_window->grab();
    if (pixmap.isNull()) {
        finish(1, tr("cannot grab the window"));
        return;
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
