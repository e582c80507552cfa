#include "evidenceoverview.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cstdlib>

namespace fc::ui {

EvidenceOverview::EvidenceOverview(QWidget* parent) : QWidget(parent) {
    setMinimumWidth(14);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Expanding);
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("Where the evidence sits in the note: long bars = selected code, short ticks = other coded "
                  "codes. Click to jump."));
}

QSize EvidenceOverview::sizeHint() const {
    return {16, 200};
}

void EvidenceOverview::setNoteLength(std::int64_t codePoints) {
    m_length = std::max<std::int64_t>(0, codePoints);
    update();
}

void EvidenceOverview::setMarks(std::vector<Mark> marks) {
    m_marks = std::move(marks);
    update();
}

void EvidenceOverview::setVisibleRange(std::int64_t first, std::int64_t last) {
    if (first == m_visibleFirst && last == m_visibleLast)
        return;
    m_visibleFirst = first;
    m_visibleLast = last;
    update();
}

int EvidenceOverview::yOf(std::int64_t codePoint) const {
    if (m_length <= 0)
        return 0;
    const double fraction =
        std::clamp(static_cast<double>(codePoint) / static_cast<double>(m_length), 0.0, 1.0);
    return static_cast<int>(fraction * (height() - 1));
}

const EvidenceOverview::Mark* EvidenceOverview::markNear(int y) const {
    const Mark* best = nullptr;
    int bestDistance = 5;
    // Marks of the selected code win over other marks at the same distance.
    for (const Mark& mark : m_marks) {
        const int distance = std::abs(yOf(mark.span.begin) - y) - (mark.selected ? 1 : 0);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = &mark;
        }
    }
    return best;
}

std::int64_t EvidenceOverview::codePointAt(int y) const {
    if (const Mark* mark = markNear(y))
        return mark->span.begin;
    if (height() <= 1)
        return 0;
    return static_cast<std::int64_t>(static_cast<double>(y) / (height() - 1) * static_cast<double>(m_length));
}

void EvidenceOverview::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || m_length <= 0)
        return;
    const int y = static_cast<int>(event->position().y());
    if (const Mark* mark = markNear(y))
        Q_EMIT jumpRequested(mark->span.begin, mark->span.end);
    else
        Q_EMIT jumpRequested(codePointAt(y), -1);
}

void EvidenceOverview::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const QPalette& pal = palette();
    painter.fillRect(rect(), pal.color(QPalette::AlternateBase));
    if (m_length <= 0)
        return;
    // Visible part of the note.
    const int top = yOf(m_visibleFirst);
    const int bottom = std::max(top + 3, yOf(m_visibleLast));
    painter.fillRect(QRect(0, top, width(), bottom - top), pal.color(QPalette::Base));
    painter.setPen(pal.color(QPalette::Mid));
    painter.drawRect(QRect(0, top, width() - 1, bottom - top));

    const QColor other = pal.color(QPalette::Text);
    const QColor selected = pal.color(QPalette::Highlight);
    double strongest = 0.0;
    for (const Mark& mark : m_marks)
        if (mark.selected)
            strongest = std::max(strongest, mark.span.weight);
    for (const Mark& mark : m_marks) {
        const int y = yOf(mark.span.begin);
        const int height = std::max(3, yOf(mark.span.end) - y);
        if (mark.selected) {
            // Longer bars for heavier spans: the weight reads without colour.
            const double relative = strongest > 0.0 ? mark.span.weight / strongest : 1.0;
            const int length = std::max(4, static_cast<int>(width() * (0.4 + 0.6 * relative)));
            painter.fillRect(QRect(0, y - 1, length, height), selected);
        } else {
            painter.fillRect(QRect(width() / 2, y, width() - width() / 2, 2), other);
        }
    }
}

} // namespace fc::ui
