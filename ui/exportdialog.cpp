#include "exportdialog.h"

#include "codecatalog.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSaveFile>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace fc::ui {

namespace {

struct Written {
    bool ok = false;
    QString message;
    QByteArray data; // for the clipboard
};

Written writeChart(const CodedChart& chart, ExportFormat format, const QString& path) {
    Written result;
    result.data = serialize(chart, format);
    if (path.isEmpty()) {
        result.ok = true;
        return result;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(result.data) != result.data.size() || !file.commit()) {
        result.message = QObject::tr("Cannot write %1: %2").arg(path, file.errorString());
        return result;
    }
    result.ok = true;
    result.message = QObject::tr("Exported %n code(s) to %1", nullptr, static_cast<int>(chart.entries.size()))
                         .arg(QFileInfo(path).absoluteFilePath());
    return result;
}

} // namespace

ExportDialog::ExportDialog(CodedChart chart, std::shared_ptr<const CodeCatalog> catalog, QWidget* parent)
    : QDialog(parent), m_chart(std::move(chart)), m_catalog(std::move(catalog)) {
    setWindowTitle(tr("Export the coded chart"));

    m_summary = new QLabel(tr("Checking the codes…"), this);
    m_summary->setWordWrap(true);
    m_issueList = new QListWidget(this);
    m_issueList->setAccessibleName(tr("Problems found by the validity checks"));
    m_issueList->setWordWrap(true);

    m_format = new QComboBox(this);
    m_format->setAccessibleName(tr("Export format"));
    m_format->addItem(tr("CSV (one row per code)"), static_cast<int>(ExportFormat::Csv));
    m_format->addItem(tr("JSON"), static_cast<int>(ExportFormat::Json));
    m_format->addItem(tr("FHIR R4 Bundle (Conditions and Procedures)"),
                      static_cast<int>(ExportFormat::FhirBundle));
    m_format->addItem(tr("FHIR R4 Claim (diagnosis.sequence, procedure)"),
                      static_cast<int>(ExportFormat::FhirClaim));

    m_anyway = new QCheckBox(tr("Export anyway, although the checks found errors"), this);
    m_anyway->setVisible(false);
    connect(m_anyway, &QCheckBox::toggled, this, &ExportDialog::updateButtons);

    m_toFile = new QPushButton(tr("Export to &file…"), this);
    m_toClipboard = new QPushButton(tr("&Copy to clipboard"), this);
    connect(m_toFile, &QPushButton::clicked, this, &ExportDialog::chooseFile);
    connect(m_toClipboard, &QPushButton::clicked, this, &ExportDialog::copyToClipboard);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_toFile, QDialogButtonBox::ActionRole);
    buttons->addButton(m_toClipboard, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    m_status = new QLabel(this);
    m_status->setWordWrap(true);

    auto* form = new QFormLayout;
    form->addRow(tr("F&ormat:"), m_format);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(
        tr("<b>%n code(s)</b> on this chart.", nullptr, static_cast<int>(m_chart.entries.size())), this));
    layout->addWidget(m_summary);
    layout->addWidget(m_issueList, 1);
    layout->addWidget(m_anyway);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(640, 420);
    updateButtons();

    auto* watcher = new QFutureWatcher<QVector<ValidationIssue>>(this);
    connect(watcher, &QFutureWatcher<QVector<ValidationIssue>>::finished, this, [this, watcher]() {
        onValidated(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(
        [chart = m_chart, catalog = m_catalog]() { return validate(chart, catalog.get()); }));
}

void ExportDialog::onValidated(const QVector<ValidationIssue>& issues) {
    m_issues = issues;
    m_validated = true;
    int errors = 0, warnings = 0;
    // Errors first; severity is spelled out in words, not only an icon.
    for (int pass = 0; pass < 2; ++pass)
        for (const ValidationIssue& issue : m_issues) {
            const bool error = issue.severity == ValidationIssue::Error;
            if (error != (pass == 0))
                continue;
            (error ? errors : warnings)++;
            auto* item = new QListWidgetItem(
                style()->standardIcon(error ? QStyle::SP_MessageBoxCritical : QStyle::SP_MessageBoxWarning),
                (error ? tr("Error: %1") : tr("Warning: %1")).arg(issue.message), m_issueList);
            item->setToolTip(issue.code);
        }
    if (m_issues.isEmpty())
        m_summary->setText(
            tr("All checks passed: every code exists in its catalog, no duplicates, sequencing "
               "and POA are valid."));
    else
        m_summary->setText(tr("The checks found %1 error(s) and %2 warning(s) (header codes are warnings).")
                               .arg(errors)
                               .arg(warnings));
    m_issueList->setVisible(!m_issues.isEmpty());
    m_anyway->setVisible(errors > 0);
    updateButtons();
    Q_EMIT validated();
}

void ExportDialog::setFormat(ExportFormat format) {
    m_format->setCurrentIndex(m_format->findData(static_cast<int>(format)));
}

ExportFormat ExportDialog::format() const {
    return static_cast<ExportFormat>(m_format->currentData().toInt());
}

void ExportDialog::setExportAnyway(bool on) {
    m_anyway->setChecked(on);
}

bool ExportDialog::mayExport(QString* reason) const {
    if (m_busy) {
        *reason = tr("An export is already running.");
        return false;
    }
    if (!m_validated) {
        *reason = tr("The validity checks are still running.");
        return false;
    }
    if (hasErrors(m_issues) && !m_anyway->isChecked()) {
        *reason = tr("The checks found errors: fix them, or tick “export anyway”.");
        return false;
    }
    return true;
}

void ExportDialog::updateButtons() {
    QString reason;
    const bool ok = mayExport(&reason);
    m_toFile->setEnabled(ok);
    m_toClipboard->setEnabled(ok);
}

void ExportDialog::chooseFile() {
    const QString suggested =
        QStringLiteral("chart-%1.%2").arg(m_chart.noteSha256.left(8), fileSuffix(format()));
    auto* dialog = new QFileDialog(this, tr("Export the chart"), suggested);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    connect(dialog, &QFileDialog::fileSelected, this, &ExportDialog::exportToFile);
    dialog->open();
}

void ExportDialog::exportToFile(const QString& path) {
    QString reason;
    if (!mayExport(&reason)) {
        finishExport(false, reason);
        return;
    }
    m_busy = true;
    updateButtons();
    m_status->setText(tr("Exporting…"));
    auto* watcher = new QFutureWatcher<Written>(this);
    connect(watcher, &QFutureWatcher<Written>::finished, this, [this, watcher]() {
        const Written written = watcher->result();
        watcher->deleteLater();
        m_busy = false;
        QString message = written.message;
        if (written.ok && hasErrors(m_issues))
            message += tr(" — exported despite validity errors");
        finishExport(written.ok, message);
    });
    watcher->setFuture(QtConcurrent::run(writeChart, m_chart, format(), path));
}

void ExportDialog::copyToClipboard() {
    QString reason;
    if (!mayExport(&reason)) {
        finishExport(false, reason);
        return;
    }
    m_busy = true;
    updateButtons();
    auto* watcher = new QFutureWatcher<Written>(this);
    connect(watcher, &QFutureWatcher<Written>::finished, this, [this, watcher]() {
        const Written written = watcher->result();
        watcher->deleteLater();
        m_busy = false;
        QApplication::clipboard()->setText(QString::fromUtf8(written.data));
        finishExport(true, tr("Copied %n code(s) to the clipboard", nullptr,
                              static_cast<int>(m_chart.entries.size())) +
                               (hasErrors(m_issues) ? tr(" — despite validity errors") : QString()));
    });
    watcher->setFuture(QtConcurrent::run(writeChart, m_chart, format(), QString()));
}

void ExportDialog::finishExport(bool ok, const QString& message) {
    m_status->setText(message);
    updateButtons();
    Q_EMIT exported(ok, message);
}

} // namespace fc::ui
