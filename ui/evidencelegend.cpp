#include "evidencelegend.h"

#include <QPainter>

namespace fc::ui {

namespace {

struct Sample {
    const char* text;
    int alpha;  // same scale as the editor: 60 (weak) .. 200 (strongest)
    bool solid; // solid underline (strongest) or dotted
};

const Sample kSamples[] = {{"strongest", 200, true}, {"weaker", 110, false}, {"weakest", 60, false}};

} // namespace

EvidenceLegend::EvidenceLegend(QWidget* parent) : QWidget(parent) {
    setAccessibleName(tr("Evidence legend"));
    setAccessibleDescription(tr("Darker background means more weight; solid underline marks the strongest "
                                "phrase, dotted underline the others."));
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

QSize EvidenceLegend::sizeHint() const {
    const QFontMetrics metrics = fontMetrics();
    int width = metrics.horizontalAdvance(tr("Evidence:")) + 12;
    for (const Sample& sample : kSamples)
        width += metrics.horizontalAdvance(tr(sample.text)) + 18;
    return {width, metrics.height() + 8};
}

void EvidenceLegend::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const QFontMetrics metrics = fontMetrics();
    const QColor text = palette().color(QPalette::WindowText);
    const int baseline = 4 + metrics.ascent();
    int x = 0;
    painter.setPen(text);
    const QString title = tr("Evidence:");
    painter.drawText(x, baseline, title);
    x += metrics.horizontalAdvance(title) + 12;
    for (const Sample& sample : kSamples) {
        const QString label = tr(sample.text);
        const int width = metrics.horizontalAdvance(label) + 6;
        QColor background = palette().color(QPalette::Highlight);
        background.setAlpha(sample.alpha);
        painter.fillRect(QRect(x, 3, width, metrics.height() + 2), background);
        painter.setPen(text);
        painter.drawText(x + 3, baseline, label);
        QPen underline(text);
        underline.setStyle(sample.solid ? Qt::SolidLine : Qt::DotLine);
        painter.setPen(underline);
        painter.drawLine(x + 1, baseline + 2, x + width - 2, baseline + 2);
        x += width + 12;
    }
}

} // namespace fc::ui
