#include "banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>

namespace fc::ui {

Banner::Banner(Kind kind, QWidget* parent)
    : QFrame(parent), m_kind(kind), m_icon(new QLabel(this)), m_text(new QLabel(this)) {
    setObjectName(QStringLiteral("banner"));
    setFrameShape(QFrame::StyledPanel);
    QStyle::StandardPixmap pixmap = QStyle::SP_MessageBoxInformation;
    QString colours = QStringLiteral("background: #e8f0fe; border: 1px solid #5f84c9; color: #102040;");
    if (kind == Kind::Warning) {
        pixmap = QStyle::SP_MessageBoxWarning;
        colours = QStringLiteral("background: #fff4c2; border: 1px solid #c9a227; color: #3d2e00;");
    } else if (kind == Kind::Error) {
        pixmap = QStyle::SP_MessageBoxCritical;
        colours = QStringLiteral("background: #fde2e1; border: 1px solid #c0392b; color: #4a0d08;");
    }
    // The text colour is fixed with the fixed background (also on the label: style-sheet colours are not
    // inherited), so the banner stays readable under a dark palette.
    const QString text = colours.section(QStringLiteral("color:"), 1).trimmed();
    setStyleSheet(
        QStringLiteral("QFrame#banner { %1 border-radius: 3px; } QFrame#banner QLabel { border: none; "
                       "background: transparent; %2 }")
            .arg(colours, text.isEmpty() ? QString() : QStringLiteral("color: ") + text));
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_icon->setPixmap(style()->standardIcon(pixmap, nullptr, this).pixmap(iconSize, iconSize));
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont font = m_text->font();
    font.setBold(true);
    m_text->setFont(font);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 5, 8, 5);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    hide();
}

void Banner::setMessage(const QString& text) {
    m_text->setText(text);
    m_text->setAccessibleName(text);
    setVisible(!text.isEmpty());
}

QString Banner::message() const {
    return m_text->text();
}

} // namespace fc::ui
