#include "confidencedelegate.h"

#include "suggestiontablemodel.h"

#include <QApplication>
#include <QPainter>

#include <algorithm>

namespace fc::ui {

ConfidenceDelegate::ConfidenceDelegate(QObject* parent) : QStyledItemDelegate(parent) {}

void ConfidenceDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                               const QModelIndex& index) const {
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    const QWidget* widget = opt.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const double score = index.data(SuggestionTableModel::ScoreRole).toDouble();
    const QRect cell = opt.rect.adjusted(4, 3, -4, -3);
    const int numberWidth = opt.fontMetrics.horizontalAdvance(QStringLiteral("0.00 ?")) + 8;
    const QRect barArea(cell.left(), cell.top(), std::max(0, cell.width() - numberWidth), cell.height());

    painter->save();
    if (score >= 0.0 && barArea.width() > 0) {
        const QPalette::ColorGroup group =
            opt.state & QStyle::State_Enabled ? QPalette::Normal : QPalette::Disabled;
        const bool selected = opt.state & QStyle::State_Selected;
        const QColor frame = opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Mid);
        QColor fill = opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Highlight);
        fill.setAlpha(selected ? 140 : 200);
        const int filled = static_cast<int>(barArea.width() * std::clamp(score, 0.0, 1.0) + 0.5);
        painter->setPen(Qt::NoPen);
        // Uncertain scores get a hatched bar (besides the "?" in the text): a pattern, not a colour.
        const bool uncertain = index.data(SuggestionTableModel::UncertainRole).toBool();
        if (uncertain) {
            fill.setAlpha(255);
            painter->setBrush(QBrush(fill, Qt::BDiagPattern));
        } else {
            painter->setBrush(fill);
        }
        painter->drawRect(QRect(barArea.left(), barArea.top(), filled, barArea.height()));
        painter->setPen(frame);
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(barArea.adjusted(0, 0, -1, -1));
    }
    const QPalette::ColorRole textRole =
        opt.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text;
    painter->setPen(opt.palette.color(textRole));
    painter->setFont(opt.font);
    const QRect numberArea(cell.right() - numberWidth + 1, cell.top(), numberWidth, cell.height());
    painter->drawText(numberArea, Qt::AlignRight | Qt::AlignVCenter, text);
    painter->restore();
}

QSize ConfidenceDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setWidth(
        std::max(size.width(), option.fontMetrics.horizontalAdvance(QStringLiteral("0.00 ?")) + 90));
    return size;
}

} // namespace fc::ui
