#pragma once
// The note: a plain-text editor the coder mostly reads (pasting and typing are allowed) that shows the
// evidence of the selected code as extra selections. Evidence spans are code-point offsets into the
// note's text (see TextOffsets); highlights use background intensity by weight and an underline (solid
// for the strongest span, dotted for the others), so they never rely on colour alone.
// Threading: UI thread only.
#include "textoffsets.h"

#include "fc/model/prediction.h"

#include <QPlainTextEdit>
#include <QTimer>

#include <utility>
#include <vector>

namespace fc::ui {

// An evidence span and the code it supports (for hover tooltips and the overview strip).
struct CodeEvidence {
    QString code;
    EvidenceSpan span;
};

class NoteEditor : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit NoteEditor(QWidget* parent = nullptr);

    // Replaces the note without emitting textEdited; clears highlights. `text` is kept verbatim (CR LF
    // included) as noteText(), the text that offsets refer to.
    void setNoteText(const QString& text);
    // The note as offsets refer to it: the text given to setNoteText() until the coder edits, then the
    // edited document's plain text.
    QString noteText() const;

    // Replaces the highlights with these code-point spans (clamped to the note; empty spans skipped). The
    // caret moves to the start of the strongest span (highest weight), which is centred in the view, unless
    // the editor has keyboard focus (the coder is typing). An empty list clears the highlights.
    void highlightSpans(const std::vector<EvidenceSpan>& spans);
    void clearHighlights();

    // Every span of the codes the coder is looking at (shown and decided codes). Hovering text inside
    // some of them shows which codes it supports. Not drawn (drawing is for the selected code only).
    void setEvidenceOwners(std::vector<CodeEvidence> owners);
    // Codes whose evidence contains this code point, strongest span first, each code once.
    QStringList codesAt(std::int64_t codePoint) const;

    // Moves the caret to this code point (clamped) and centres it; selects [begin, end) when end > begin.
    void jumpTo(std::int64_t begin, std::int64_t end = -1);
    // The code points of the first and last visible characters (for the overview strip).
    std::pair<std::int64_t, std::int64_t> visibleRange() const;
    std::int64_t codePointCount() const { return m_offsets.codePointCount(); }
    // The selected text with paragraph separators as spaces; empty when nothing is selected.
    QString selectedNoteText() const;

    // Quiet time after the last keystroke before textEdited is emitted (default 600 ms).
    void setEditDebounce(int milliseconds);
    int editDebounce() const { return m_debounce.interval(); }

Q_SIGNALS:
    // The coder changed the text and then paused; `text` is noteText().
    void textEdited(const QString& text);
    // Local files were dropped on the editor (they are opened, not inserted as text).
    void filesDropped(const QStringList& paths);
    // The visible part of the note changed (scroll or resize).
    void viewportMoved();

protected:
    bool event(QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void onContentsChanged();

    QString m_text;
    bool m_edited = false;
    bool m_settingText = false;
    TextOffsets m_offsets;
    QTimer m_debounce;
    std::vector<CodeEvidence> m_owners;
};

} // namespace fc::ui
