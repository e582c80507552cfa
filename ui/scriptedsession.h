#pragma once
// Drives a MainWindow for scripts and tests (the GUI's --select-code, --accept, --add-code, --show-help,
// --export-dialog, --settings-dialog, --about, --screenshot and --quit switches): waits for the model and
// the analysis, accepts and selects codes, opens what was asked, saves a screenshot of the window (with any
// open dialog drawn centred over it) once it has been rendered, and finishes. Nothing blocks: every step is a
// signal or a timer. A timeout ends a run that hangs with a clear message. Threading: UI thread only.
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

namespace fc::ui {

class MainWindow;

class ScriptedSession : public QObject {
    Q_OBJECT
public:
    struct Options {
        bool expectAnalysis = false; // a note was opened: wait for its suggestions
        QString selectCode;          // select this code after the analysis (else the top suggestion stays)
        QString screenshotPath;      // save a PNG of the window when everything is rendered
        bool quit = false;           // finish after the screenshot, or after the analysis
        int timeoutSeconds = 120;
        QStringList accept;    // after the analysis, accept these codes in this order (coded chart)
        QString addCodeQuery;  // open the add-code search with this query
        bool showHelp = false; // show the keyboard shortcut overlay
        QString dialog;        // open this dialog: "export", "settings" or "about"
    };

    ScriptedSession(MainWindow* window, Options options, QObject* parent = nullptr);

    // Starts watching the window; call before the model load is started.
    void start();
    // True when the session has work to do (a screenshot or --quit); otherwise the window runs normally.
    bool isActive() const { return !m_options.screenshotPath.isEmpty() || m_options.quit; }

Q_SIGNALS:
    // The scripted work is over: exitCode 0 on success, 1 on failure (message says why, one line).
    // Emitted only when a screenshot or quit was requested.
    void finished(int exitCode, const QString& message);
    // Non-fatal problems meant for stderr (e.g. the requested code is not among the suggestions).
    void warning(const QString& message);

private:
    void onModelLoadFinished(bool ok, const QString& error);
    void onAnalysisFinished(bool ok, const QString& error);
    void applySelectionAndCapture();
    void capture();
    void finish(int exitCode, const QString& message);

    MainWindow* m_window;
    Options m_options;
    QTimer m_timeout;
    QString m_waitingFor;
    bool m_done = false;
};

} // namespace fc::ui
