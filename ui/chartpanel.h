#pragma once
// The coded chart: accepted and added codes in sequence (# and Role first, then Code, Description, POA).
// Reordered by drag and drop or Ctrl+Up/Down (the window's actions), POA set with the keys Y N U W 1
// (Backspace clears). The #, Role and POA columns are as wide as their widest possible content in the table's
// bold font (the principal row is bold), the Code column as its widest listed code ("0FT44ZZ (added)"), so
// nothing is cut at any window size; the description takes the rest. Threading: UI thread only.
#include <QWidget>

class QLabel;
class QTableView;

namespace fc::ui {

class CodingListModel;

class ChartPanel : public QWidget {
    Q_OBJECT
public:
    explicit ChartPanel(QWidget* parent = nullptr);

    CodingListModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    QString currentCode() const; // of the selected row; empty when none
    // Sets the table's font and sizes rows and the fixed columns for it.
    void setTableFont(const QFont& font);

Q_SIGNALS:
    // The coder reordered the codes or changed a POA (not emitted for programmatic changes).
    void edited();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void sizeColumns();
    void updateLabel();

    CodingListModel* m_model = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_label = nullptr;
};

} // namespace fc::ui
