#pragma once
// Draws a confidence cell as a horizontal bar proportional to the score plus the number, so the value is
// readable without relying on the bar's colour. Reads SuggestionTableModel::ScoreRole (double in [0, 1];
// negative = no score, drawn as text only).
#include <QStyledItemDelegate>

namespace fc::ui {

class ConfidenceDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit ConfidenceDelegate(QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace fc::ui
