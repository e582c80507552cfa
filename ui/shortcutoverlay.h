#pragma once
// A help sheet drawn over the main window listing every keyboard shortcut, read from the window's actions
// (text and shortcut as the menus show them). F1 or ? toggles it; Esc or a click closes it.
// Threading: UI thread only.
#include <QList>
#include <QWidget>

class QAction;

namespace fc::ui {

class ShortcutOverlay : public QWidget {
    Q_OBJECT
public:
    explicit ShortcutOverlay(QWidget* parent);

    // Groups of actions ("Decide", "Chart", ...) in display order.
    void setGroups(const QList<QPair<QString, QList<QAction*>>>& groups);
    // Lines as shown: "A\tAccept" (shortcut, tab, text without accelerator ampersands).
    QStringList lines() const;
    void toggle();

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QList<QPair<QString, QList<QAction*>>> m_groups;
};

} // namespace fc::ui
