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

#include <vector>

namespace fc::ui {

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

    // Quiet time after the last keystroke before textEdited is emitted (default 600 ms).
    void setEditDebounce(int milliseconds);
    int editDebounce() const { return m_debounce.interval(); }

Q_SIGNALS:
    // The coder changed the text and then paused; `text` is noteText().
    void textEdited(const QString& text);

private:
    void onContentsChanged();

    QString m_text;
    bool m_edited = false;
    bool m_settingText = false;
    TextOffsets m_offsets;
    QTimer m_debounce;
};

} // namespace fc::ui
