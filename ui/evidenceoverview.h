#pragma once
// A narrow strip beside the note showing where evidence sits in the whole note: each mark is drawn at the
// fraction of the note where its span begins. Marks of the selected code are full-width bars (longer =
// heavier); marks of the other coded codes are short ticks on the right half. The visible part of the note is
// outlined. Clicking jumps to the nearest mark within a few pixels, else to that place in the note.
// Threading: UI thread only.
#include "fc/model/prediction.h"

#include <QWidget>

#include <vector>

namespace fc::ui {

class EvidenceOverview : public QWidget {
    Q_OBJECT
public:
    struct Mark {
        EvidenceSpan span;
        bool selected = false; // of the selected code
    };

    explicit EvidenceOverview(QWidget* parent = nullptr);

    void setNoteLength(std::int64_t codePoints);
    void setMarks(std::vector<Mark> marks);
    const std::vector<Mark>& marks() const { return m_marks; }
    // The visible part of the note, in code points.
    void setVisibleRange(std::int64_t first, std::int64_t last);
    // The code point a click at this y would jump to (nearest mark within 4 px, else proportional).
    std::int64_t codePointAt(int y) const;

    QSize sizeHint() const override;

Q_SIGNALS:
    void jumpRequested(std::int64_t begin, std::int64_t end); // end < 0: a place, not a span

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    int yOf(std::int64_t codePoint) const;
    const Mark* markNear(int y) const;

    std::int64_t m_length = 0;
    std::vector<Mark> m_marks;
    std::int64_t m_visibleFirst = 0;
    std::int64_t m_visibleLast = 0;
};

} // namespace fc::ui
