#pragma once
// The key to the note's evidence highlights, drawn with the same formats the editor uses: a darker
// background for more weight, a solid underline for the strongest span and a dotted one for the others.
#include <QWidget>

namespace fc::ui {

class EvidenceLegend : public QWidget {
    Q_OBJECT
public:
    explicit EvidenceLegend(QWidget* parent = nullptr);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent* event) override;
};

} // namespace fc::ui
