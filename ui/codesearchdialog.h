#pragma once
// Add a code the model missed: a search box over the bundled catalogs (code prefix or words, results as
// you type) and the hits; Enter or a double click chooses the current hit. Non-modal: codeChosen() is
// emitted and the dialog closes.
// Threading: UI thread only.
#include <QDialog>
#include <QHash>

#include <memory>

class QLineEdit;
class QLabel;
class QTableView;
class QTimer;

namespace fc {
class CodeCatalog;
}

namespace fc::ui {

class CatalogSearchModel;

class CodeSearchDialog : public QDialog {
    Q_OBJECT
public:
    CodeSearchDialog(std::shared_ptr<const CodeCatalog> catalog, const QStringList& systems,
                     QWidget* parent = nullptr);

    // The model's scores of the codes the note supports: they are listed first (then billable codes).
    void setNoteScores(const QHash<QString, double>& scores);
    // Fills the search box and searches at once.
    void setQuery(const QString& query);
    QString query() const;
    CatalogSearchModel* results() const { return m_model; }
    QTableView* resultView() const { return m_view; }
    // Chooses the hit at this row (as Enter would); false when out of range.
    bool chooseRow(int row);

Q_SIGNALS:
    void codeChosen(const QString& code, const QString& system, const QString& description);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void runSearch();

    QLineEdit* m_query = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_status = nullptr;
    CatalogSearchModel* m_model = nullptr;
    QTimer* m_debounce = nullptr;
};

} // namespace fc::ui
