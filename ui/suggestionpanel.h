#pragma once
// The suggestions of the live model for the current note: filter, which rows to show, threshold (slider, box,
// back to the model's tuned value), the sortable table with a confidence bar, and the decision buttons.
// It owns the table model and its filter proxy; the window decides what a click means (signals).
// Threading: UI thread only.
#include "codingtypes.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QDoubleSpinBox;
class QLineEdit;
class QPushButton;
class QSlider;
class QTableView;

namespace fc::ui {

class SuggestionFilterProxy;
class SuggestionTableModel;

class SuggestionPanel : public QWidget {
    Q_OBJECT
public:
    explicit SuggestionPanel(QWidget* parent = nullptr);

    SuggestionTableModel* model() const { return m_model; }
    SuggestionFilterProxy* proxy() const { return m_proxy; }
    QTableView* view() const { return m_table; }
    QLineEdit* filterEdit() const { return m_filter; }
    QSlider* thresholdSlider() const { return m_slider; }
    QDoubleSpinBox* thresholdBox() const { return m_box; }

    // The live model's tuned threshold ("Model default" goes back to it).
    void setModelThreshold(double threshold);
    double modelThreshold() const { return m_modelThreshold; }
    // Clamps to [0, 1], updates slider, box and table (the selected code stays selected when still shown)
    // and emits thresholdChanged when it changed.
    void setThreshold(double threshold);

    // Selects the row of this code, showing every suggestion when the filter hides it; false when absent.
    bool selectCode(const QString& code);
    // Selects the row at this position of the sorted, filtered view; false when out of range.
    bool selectViewRow(int row);
    void moveSelection(int delta);
    QString currentCode() const;
    int currentSourceRow() const; // row of the table model, -1 when nothing is selected
    void focusFilter();
    // Sizes the code, system and status columns to their widest text (after a font change too).
    void sizeColumns();
    // Blind first pass (product.md): the suggestions are hidden, and a note says how to code the chart
    // first and reveal them after.
    void setBlind(bool blind);
    bool isBlind() const { return m_blind; }

Q_SIGNALS:
    void acceptRequested();
    void rejectRequested();
    void addCodeRequested();
    void thresholdChanged(double threshold);
    void currentChanged();

private:
    SuggestionTableModel* m_model = nullptr;
    SuggestionFilterProxy* m_proxy = nullptr;
    QTableView* m_table = nullptr;
    QLineEdit* m_filter = nullptr;
    QComboBox* m_show = nullptr;
    QSlider* m_slider = nullptr;
    QDoubleSpinBox* m_box = nullptr;
    QPushButton* m_modelDefault = nullptr;
    QPushButton* m_accept = nullptr;
    QPushButton* m_reject = nullptr;
    QLabel* m_blindNote = nullptr;
    double m_modelThreshold = 0.5;
    bool m_blind = false;
};

} // namespace fc::ui
