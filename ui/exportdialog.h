#pragma once
// Export of the current chart: runs the validity checks (fc::validate) and lists their findings (errors
// first; header codes flagged), then writes the chart as CSV, JSON or FHIR R4 (Bundle or Claim) to a file
// or to the clipboard. Exporting a chart with errors needs "export anyway" ticked, and the file dialog and
// status line say so. Checks, serialisation and the file write run off the UI thread.
// Threading: UI thread only (background work reports through signals on the UI thread).
#include "exportservice.h"

#include <QDialog>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace fc::ui {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    ExportDialog(CodedChart chart, std::shared_ptr<const CodeCatalog> catalog, QWidget* parent = nullptr);

    const CodedChart& chart() const { return m_chart; }
    bool isValidated() const { return m_validated; }
    const QVector<ValidationIssue>& issues() const { return m_issues; }
    void setFormat(ExportFormat format);
    ExportFormat format() const;
    void setExportAnyway(bool on);

    // Start a background export; exported() reports the outcome. Refused (exported(false, ...)) while the
    // checks run or when they found errors and "export anyway" is not ticked.
    void exportToFile(const QString& path);
    void copyToClipboard();

Q_SIGNALS:
    void validated();
    void exported(bool ok, const QString& message);

private:
    void onValidated(const QVector<ValidationIssue>& issues);
    bool mayExport(QString* reason) const;
    void chooseFile();
    void finishExport(bool ok, const QString& message);
    void updateButtons();

    CodedChart m_chart;
    std::shared_ptr<const CodeCatalog> m_catalog;
    QVector<ValidationIssue> m_issues;
    bool m_validated = false;
    bool m_busy = false;
    QListWidget* m_issueList = nullptr;
    QLabel* m_summary = nullptr;
    QComboBox* m_format = nullptr;
    QCheckBox* m_anyway = nullptr;
    QPushButton* m_toFile = nullptr;
    QPushButton* m_toClipboard = nullptr;
    QLabel* m_status = nullptr;
};

} // namespace fc::ui
