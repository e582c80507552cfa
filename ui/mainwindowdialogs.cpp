// MainWindow's dialogs: add code, export, import, settings, about, and the file choosers. Non-modal; each is
// owned by the window and deleted on close.
#include "mainwindow.h"

#include "aboutbox.h"
#include "chartdecisions.h"
#include "codecatalog.h"
#include "codesearchdialog.h"
#include "exportdialog.h"
#include "passphrasedialog.h"
#include "settingsdialog.h"
#include "shortcutoverlay.h"
#include "suggestionpanel.h"
#include "suggestiontablemodel.h"

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QStatusBar>

namespace fc::ui {

CodeSearchDialog* MainWindow::openCodeSearch(const QString& query) {
    const std::shared_ptr<const CodeCatalog> catalog = m_session->catalog();
    auto* dialog = new CodeSearchDialog(catalog, catalog ? catalog->systems() : QStringList(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // Codes the note supports (the model's suggestions shown by default) rank first, then billable codes.
    QHash<QString, double> supported;
    const SuggestionTableModel* model = m_suggestions->model();
    for (const Suggestion& s : model->suggestions())
        if (!m_suggestions->isBlind() && s.hasScore() && model->isShownByDefault(s))
            supported.insert(s.code, s.score);
    dialog->setNoteScores(supported);
    connect(dialog, &CodeSearchDialog::codeChosen, this, &MainWindow::addCode);
    if (!query.isEmpty())
        dialog->setQuery(query);
    dialog->show();
    return dialog;
}

ExportDialog* MainWindow::openExportDialog() {
    const std::optional<CodedChart> chart = currentChart();
    if (!chart) {
        statusBar()->showMessage(tr("Open and analyse a note first."), 4000);
        return nullptr;
    }
    auto* dialog = new ExportDialog(*chart, m_session->catalog(), this);
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
    if (m_session->analysedText().isEmpty())
        return fail(tr("Open and analyse the note the export belongs to first."));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(tr("%1: %2").arg(path, file.errorString()));
    QString parseError;
    const CodedChart chart = fromExport(file.readAll(), &parseError);
    if (!parseError.isEmpty())
        return fail(tr("%1: %2").arg(path, parseError));
    const std::optional<CodedChart> current = currentChart();
    if (!chart.noteSha256.isEmpty() && current && chart.noteSha256 != current->noteSha256)
        return fail(tr("%1 belongs to another note (its text differs from the one shown), so its codes and "
                       "evidence offsets do not apply here.")
                        .arg(QFileInfo(path).fileName()));
    m_decisions->importChart(chart, QFileInfo(path).fileName());
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
            m_suggestions->setThreshold(m_suggestions->modelThreshold());
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
    return showAboutBox(this, *m_session);
}

} // namespace fc::ui
