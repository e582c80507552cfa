#include "shortcutoverlay.h"

#include <QAction>
#include <QKeyEvent>
#include <QPainter>
#include <QPainterPath>

namespace fc::ui {

namespace {

QString actionText(const QAction* action) {
    QString text = action->text();
    text.remove(QLatin1Char('&'));
    text.remove(QStringLiteral("…"));
    return text;
}

QString keysText(const QAction* action) {
    QStringList keys;
    for (const QKeySequence& key : action->shortcuts())
        keys << key.toString(QKeySequence::NativeText);
    return keys.join(QStringLiteral(" / "));
}

} // namespace

ShortcutOverlay::ShortcutOverlay(QWidget* parent) : QWidget(parent) {
    setAccessibleName(tr("Keyboard shortcuts"));
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_StyledBackground, false);
    parent->installEventFilter(this);
    hide();
}

void ShortcutOverlay::setGroups(const QList<QPair<QString, QList<QAction*>>>& groups) {
    m_groups = groups;
    update();
}

QStringList ShortcutOverlay::lines() const {
    QStringList result;
    for (const auto& group : m_groups)
        for (const QAction* action : group.second)
            if (!action->shortcuts().isEmpty())
                result << keysText(action) + QLatin1Char('\t') + actionText(action);
    return result;
}

void ShortcutOverlay::toggle() {
    if (isVisible()) {
        hide();
        return;
    }
    setGeometry(parentWidget()->rect());
    raise();
    show();
    setFocus();
}

bool ShortcutOverlay::eventFilter(QObject* watched, QEvent* event) {
    if (watched == parentWidget() && event->type() == QEvent::Resize && isVisible())
        setGeometry(parentWidget()->rect());
    return QWidget::eventFilter(watched, event);
}

void ShortcutOverlay::mousePressEvent(QMouseEvent*) {
    hide();
}

void ShortcutOverlay::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Escape || event->key() == Qt::Key_F1 || event->text() == QLatin1String("?")) {
        hide();
        return;
    }
    QWidget::keyPressEvent(event);
}

void ShortcutOverlay::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    QColor shade = palette().color(QPalette::Shadow);
    shade.setAlpha(150);
    painter.fillRect(rect(), shade);

    QFont normal = font();
    QFont bold = normal;
    bold.setBold(true);
    QFont title = bold;
    title.setPointSizeF(normal.pointSizeF() * 1.3);
    const QFontMetrics metrics(normal), boldMetrics(bold);
    const int lineHeight = metrics.height() + 4;

    // Two columns of groups; measure the widest key text for alignment.
    int keysWidth = 0, textWidth = 0, rows = 0;
    for (const auto& group : m_groups) {
        rows += 2;
        for (const QAction* action : group.second) {
            if (action->shortcuts().isEmpty())
                continue;
            keysWidth = std::max(keysWidth, boldMetrics.horizontalAdvance(keysText(action)));
            textWidth = std::max(textWidth, metrics.horizontalAdvance(actionText(action)));
            ++rows;
        }
    }
    const int columnWidth = keysWidth + 16 + textWidth;
    const int rowsPerColumn = (rows + 1) / 2 + 1;
    const int panelWidth = std::min(width() - 40, 2 * columnWidth + 80);
    const int panelHeight = std::min(height() - 40, rowsPerColumn * lineHeight + 90);
    const QRect panel((width() - panelWidth) / 2, (height() - panelHeight) / 2, panelWidth, panelHeight);
    QPainterPath path;
    path.addRoundedRect(panel, 8, 8);
    painter.fillPath(path, palette().color(QPalette::Window));
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawPath(path);

    painter.setPen(palette().color(QPalette::WindowText));
    painter.setFont(title);
    painter.drawText(panel.adjusted(24, 14, -24, 0), Qt::AlignLeft | Qt::AlignTop, tr("Keyboard shortcuts"));
    painter.setFont(normal);
    painter.drawText(panel.adjusted(24, 14, -24, 0), Qt::AlignRight | Qt::AlignTop,
                     tr("F1, ? or Esc closes"));

    int x = panel.left() + 24;
    int y = panel.top() + 56;
    int row = 0;
    for (const auto& group : m_groups) {
        if (row > 0 && row + 2 >= rowsPerColumn && x == panel.left() + 24) {
            x += columnWidth + 32;
            y = panel.top() + 56;
            row = 0;
        }
        painter.setFont(bold);
        painter.drawText(x, y + metrics.ascent(), group.first);
        y += lineHeight;
        ++row;
        for (const QAction* action : group.second) {
            if (action->shortcuts().isEmpty())
                continue;
            painter.setFont(bold);
            painter.drawText(x, y + metrics.ascent(), keysText(action));
            painter.setFont(normal);
            painter.drawText(x + keysWidth + 16, y + metrics.ascent(), actionText(action));
            y += lineHeight;
            ++row;
        }
        y += lineHeight / 2;
        ++row;
    }
}

} // namespace fc::ui
