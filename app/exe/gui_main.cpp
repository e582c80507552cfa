// fusioncoder: the coder's GUI. Argument parsing and wiring only; see interfaces.md for the switches that
// scripts and tests use. Exit codes: 0 success, 2 bad usage or bad input, 1 other failures.
#include "appsettings.h"
#include "databaseunlock.h"
#include "mainwindow.h"
#include "modellocator.h"
#include "noteeditor.h"
#include "passphrasedialog.h"
#include "process_tuning.h"
#include "scriptedsession.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QStandardPaths>

#include <cstdio>

namespace {

constexpr int kBadUsage = 2;
constexpr int kFailure = 1;

// The offscreen platform warns about a window-manager feature it lacks on every window; scripted runs
// (--screenshot) use that platform and their stderr should carry only what matters.
QtMessageHandler g_defaultHandler = nullptr;
void filterMessages(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    if (type == QtWarningMsg && message == QLatin1String("This plugin does not support propagateSizeHints()"))
        return;
    g_defaultHandler(type, context, message);
}

// Platforms without a screen, where a dialog would wait for ever.
bool isHeadless() {
    const QString platform = QGuiApplication::platformName();
    return platform == QLatin1String("offscreen") || platform == QLatin1String("minimal");
}

int fail(int code, const QString& message) {
    std::fprintf(stderr, "fusioncoder: %s\n", qPrintable(message));
    return code;
}

} // namespace

int main(int argc, char* argv[]) {
    // First: allocator, OpenMP wait policy and BLAS kernels (may re-execute the process once).
    fc::tuneProcess(argv);
    g_defaultHandler = qInstallMessageHandler(filterMessages);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("fusioncoder"));
    QApplication::setOrganizationName(QStringLiteral("fusioncoder"));
    QApplication::setApplicationVersion(QStringLiteral(FC_VERSION));
    QApplication::setApplicationDisplayName(QStringLiteral("fusioncoder"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Local ICD coding assistant: suggests codes for a clinical note with evidence, and stores "
        "the coder's decisions."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption modelOption(
        QStringLiteral("model"),
        QStringLiteral(
            "Model directory or installed model name (default: the one in Settings, else default)."),
        QStringLiteral("MODEL"));
    const QCommandLineOption dbOption(
        QStringLiteral("db"),
        QStringLiteral("Decision database (default: fusioncoder.sqlite in the application data directory)."),
        QStringLiteral("FILE"));
    const QCommandLineOption encryptOption(
        QStringLiteral("encrypt-db"),
        QStringLiteral("Create the database as a new encrypted file (asks for its passphrase twice). An "
                       "encrypted database asks for its passphrase when opened; scripts and runs without a "
                       "screen give it in the environment variable FUSIONCODER_DB_PASSPHRASE (readable by "
                       "other processes of the same user)."));
    const QCommandLineOption openOption(
        QStringLiteral("open"), QStringLiteral("Open this note (plain text in any common encoding, or PDF)."),
        QStringLiteral("FILE"));
    const QCommandLineOption worklistOption(
        QStringLiteral("worklist"),
        QStringLiteral("Open this folder of notes as the worklist (and its first chart)."),
        QStringLiteral("DIR"));
    const QCommandLineOption acceptOption(
        QStringLiteral("accept"),
        QStringLiteral("After the analysis, accept these codes in this order (comma-separated)."),
        QStringLiteral("CODES"));
    const QCommandLineOption addCodeOption(
        QStringLiteral("add-code"), QStringLiteral("Open the add-code catalog search with this query."),
        QStringLiteral("QUERY"));
    const QCommandLineOption helpOverlayOption(QStringLiteral("show-help"),
                                               QStringLiteral("Show the keyboard shortcut overlay."));
    const QCommandLineOption exportDialogOption(QStringLiteral("export-dialog"),
                                                QStringLiteral("Open the export dialog after the analysis."));
    const QCommandLineOption settingsDialogOption(QStringLiteral("settings-dialog"),
                                                  QStringLiteral("Open the settings dialog."));
    const QCommandLineOption aboutOption(QStringLiteral("about"),
                                         QStringLiteral("Open the About box (model card)."));
    const QCommandLineOption selectOption(
        QStringLiteral("select-code"),
        QStringLiteral("After the analysis, select this code (its evidence is "
                       "highlighted); the top suggestion when it is not shown."),
        QStringLiteral("CODE"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QStringLiteral(
            "Once the model is loaded, the note analysed and the selection shown, save a PNG of the "
            "main window."),
        QStringLiteral("FILE.png"));
    const QCommandLineOption quitOption(QStringLiteral("quit"),
                                        QStringLiteral("Quit after the screenshot, or after the analysis."));
    const QCommandLineOption threadsOption(
        QStringLiteral("threads"),
        QStringLiteral("Inference threads (0 = number of cores; default: Settings, else 0)."),
        QStringLiteral("N"));
    const QCommandLineOption timeoutOption(
        QStringLiteral("timeout"),
        QStringLiteral("Seconds a --screenshot/--quit run may take before it fails (default 120)."),
        QStringLiteral("SECONDS"), QStringLiteral("120"));
    parser.addOptions({modelOption, dbOption, encryptOption, openOption, worklistOption, selectOption,
                       acceptOption, addCodeOption, helpOverlayOption, exportDialogOption,
                       settingsDialogOption, aboutOption, screenshotOption, quitOption, threadsOption,
                       timeoutOption});
    if (!parser.parse(QApplication::arguments()))
        return fail(kBadUsage, parser.errorText());
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty())
        return fail(kBadUsage, QStringLiteral("unexpected argument '%1' (use --open FILE to open a note)")
                                   .arg(parser.positionalArguments().constFirst()));

    const fc::ui::AppSettings settings = fc::ui::AppSettings::load();
    bool numberOk = true;
    const int threads =
        parser.isSet(threadsOption) ? parser.value(threadsOption).toInt(&numberOk) : settings.threads;
    if (!numberOk || threads < 0)
        return fail(
            kBadUsage,
            QStringLiteral("--threads: expected a number >= 0, got '%1'").arg(parser.value(threadsOption)));
    const int timeoutSeconds = parser.value(timeoutOption).toInt(&numberOk);
    if (!numberOk || timeoutSeconds <= 0)
        return fail(kBadUsage, QStringLiteral("--timeout: expected a number of seconds > 0, got '%1'")
                                   .arg(parser.value(timeoutOption)));
    const QString screenshot = parser.value(screenshotOption);
    if (!screenshot.isEmpty() && !screenshot.endsWith(QLatin1String(".png"), Qt::CaseInsensitive))
        return fail(kBadUsage,
                    QStringLiteral("--screenshot: the file name must end in .png: %1").arg(screenshot));

    QString error;
    const QString modelName = parser.isSet(modelOption)  ? parser.value(modelOption)
                              : settings.model.isEmpty() ? QStringLiteral("default")
                                                         : settings.model;
    const QString modelDirectory = fc::locateModel(modelName, &error);
    if (modelDirectory.isEmpty())
        return fail(kBadUsage, QStringLiteral("--model: %1").arg(error));

    QString database = parser.isSet(dbOption) ? parser.value(dbOption) : settings.databasePath;
    if (database.isEmpty()) {
        const QString dataDirectory = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        if (!QDir().mkpath(dataDirectory))
            return fail(kFailure, QStringLiteral("cannot create the data directory %1").arg(dataDirectory));
        database = QDir(dataDirectory).absoluteFilePath(QStringLiteral("fusioncoder.sqlite"));
    }

    // The passphrase of an encrypted database is needed before anything opens it.
    const fc::PassphrasePrompt prompt =
        isHeadless() ? fc::PassphrasePrompt() : fc::ui::passphraseDialogPrompt(nullptr, database);
    if (!fc::unlockDatabase(database, parser.isSet(encryptOption), prompt, &error))
        return fail(kBadUsage, error);

    fc::ui::MainWindow window;
    window.resize(1400, 850);
    window.applySettings(settings);
    // A database failure is shown in the window, which keeps working without saving.
    if (!window.openDatabase(database))
        std::fprintf(stderr,
                     "fusioncoder: warning: the database %s cannot be used; decisions will not be saved\n",
                     qPrintable(database));

    const QString worklist = parser.value(worklistOption);
    if (!worklist.isEmpty() && !window.openWorklist(worklist, &error))
        return fail(kBadUsage, QStringLiteral("--worklist: %1").arg(error));
    const QString notePath = parser.value(openOption);
    if (!notePath.isEmpty()) {
        if (!window.openNoteFile(notePath, &error))
            return fail(kBadUsage, QStringLiteral("--open: %1").arg(error));
    }

    fc::ui::ScriptedSession::Options options;
    options.expectAnalysis = !window.noteEditor()->noteText().trimmed().isEmpty();
    options.selectCode = parser.value(selectOption);
    options.screenshotPath = screenshot;
    options.quit = parser.isSet(quitOption);
    options.timeoutSeconds = timeoutSeconds;
    if (parser.isSet(acceptOption))
        options.accept = parser.value(acceptOption).split(QLatin1Char(','), Qt::SkipEmptyParts);
    options.addCodeQuery = parser.value(addCodeOption);
    options.showHelp = parser.isSet(helpOverlayOption);
    if (parser.isSet(exportDialogOption))
        options.dialog = QStringLiteral("export");
    else if (parser.isSet(settingsDialogOption))
        options.dialog = QStringLiteral("settings");
    else if (parser.isSet(aboutOption))
        options.dialog = QStringLiteral("about");
    fc::ui::ScriptedSession session(&window, options);
    int exitCode = 0;
    QObject::connect(&session, &fc::ui::ScriptedSession::warning, [](const QString& message) {
        std::fprintf(stderr, "fusioncoder: warning: %s\n", qPrintable(message));
    });
    QObject::connect(&session, &fc::ui::ScriptedSession::finished, &app,
                     [&exitCode](int code, const QString& message) {
                         exitCode = code;
                         if (!message.isEmpty())
                             std::fprintf(stderr, "fusioncoder: %s\n", qPrintable(message));
                         QApplication::exit(code);
                     });
    session.start();
    window.show();
    window.loadModel(modelDirectory, threads);
    const int loopCode = QApplication::exec();
    return exitCode != 0 ? exitCode : loopCode;
}
