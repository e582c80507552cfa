#include "noteeditor.h"

#include <algorithm>

namespace fc::ui {

namespace {

// Background alpha for a span of this weight relative to the strongest span: 60..200 of 255.
int highlightAlpha(double weight, double strongest) {
    const double relative = strongest > 0.0 ? std::clamp(weight / strongest, 0.0, 1.0) : 1.0;
    return 60 + static_cast<int>(140.0 * relative + 0.5);
}

} // namespace

NoteEditor::NoteEditor(QWidget* parent) : QPlainTextEdit(parent) {
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setTabChangesFocus(true);
    setPlaceholderText(tr("Open a note (File → Open note…) or paste one (File → Paste note)."));
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(600);
    connect(&m_debounce, &QTimer::timeout, this, [this]() { Q_EMIT textEdited(noteText()); });
    connect(this, &QPlainTextEdit::textChanged, this, &NoteEditor::onContentsChanged);
}

void NoteEditor::setNoteText(const QString& text) {
    m_debounce.stop();
    m_settingText = true;
    setExtraSelections({});
    setPlainText(text);
    m_settingText = false;
    m_text = text;
    m_edited = false;
    m_offsets = TextOffsets(m_text);
}

QString NoteEditor::noteText() const {
    return m_edited ? toPlainText() : m_text;
}

void NoteEditor::onContentsChanged() {
    if (m_settingText)
        return;
    if (!m_edited) {
        m_edited = true;
        m_text.clear();
    }
    // Spans shown refer to the text before the edit.
    setExtraSelections({});
    m_offsets = TextOffsets(toPlainText());
    m_debounce.start();
}

void NoteEditor::setEditDebounce(int milliseconds) {
    m_debounce.setInterval(milliseconds);
}

void NoteEditor::clearHighlights() {
    setExtraSelections({});
}

void NoteEditor::highlightSpans(const std::vector<EvidenceSpan>& spans) {
    QList<QTextEdit::ExtraSelection> selections;
    double strongest = 0.0;
    const EvidenceSpan* strongestSpan = nullptr;
    for (const EvidenceSpan& span : spans) {
        if (span.end <= span.begin)
            continue;
        if (!strongestSpan || span.weight > strongest) {
            strongest = span.weight;
            strongestSpan = &span;
        }
    }
    if (!strongestSpan) {
        setExtraSelections({});
        return;
    }

    QColor base = palette().color(QPalette::Highlight);
    for (const EvidenceSpan& span : spans) {
        if (span.end <= span.begin)
            continue;
        const int begin = m_offsets.toDocument(span.begin);
        const int end = m_offsets.toDocument(span.end);
        if (end <= begin)
            continue;
        QTextEdit::ExtraSelection selection;
        selection.cursor = QTextCursor(document());
        selection.cursor.setPosition(begin);
        selection.cursor.setPosition(end, QTextCursor::KeepAnchor);
        QColor background = base;
        background.setAlpha(highlightAlpha(span.weight, strongest));
        selection.format.setBackground(background);
        // Extra selections are drawn without re-layout, so weight is shown by the underline style, not
        // by a bolder font: solid for the strongest span, dotted for the others.
        selection.format.setUnderlineStyle(&span == strongestSpan ? QTextCharFormat::SingleUnderline
                                                                  : QTextCharFormat::DotLine);
        selection.format.setUnderlineColor(palette().color(QPalette::Text));
        selection.format.setToolTip(tr("Evidence weight %1").arg(span.weight, 0, 'f', 2));
        selections.append(selection);
    }
    setExtraSelections(selections);

    if (hasFocus())
        return; // the coder is typing: keep the caret and the view where they are
    QTextCursor cursor(document());
    cursor.setPosition(m_offsets.toDocument(strongestSpan->begin));
    setTextCursor(cursor);
    centerCursor();
}

} // namespace fc::ui
