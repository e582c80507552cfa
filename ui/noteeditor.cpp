#include "noteeditor.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QHelpEvent>
#include <QMimeData>
#include <QScrollBar>
#include <QToolTip>

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
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &NoteEditor::viewportMoved);
}

namespace {

QStringList localFiles(const QMimeData* mime) {
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    return paths;
}

} // namespace

void NoteEditor::dragEnterEvent(QDragEnterEvent* event) {
    if (!localFiles(event->mimeData()).isEmpty()) {
        event->acceptProposedAction();
        return;
    }
    QPlainTextEdit::dragEnterEvent(event);
}

void NoteEditor::dragMoveEvent(QDragMoveEvent* event) {
    if (!localFiles(event->mimeData()).isEmpty()) {
        event->acceptProposedAction();
        return;
    }
    QPlainTextEdit::dragMoveEvent(event);
}

void NoteEditor::dropEvent(QDropEvent* event) {
    const QStringList paths = localFiles(event->mimeData());
    if (!paths.isEmpty()) {
        event->acceptProposedAction();
        Q_EMIT filesDropped(paths);
        return;
    }
    QPlainTextEdit::dropEvent(event);
}

void NoteEditor::resizeEvent(QResizeEvent* event) {
    QPlainTextEdit::resizeEvent(event);
    Q_EMIT viewportMoved();
}

bool NoteEditor::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QPoint inViewport = viewport()->mapFrom(this, help->pos());
        const QTextCursor cursor = cursorForPosition(inViewport);
        const QStringList codes = codesAt(m_offsets.toCodePoint(cursor.position()));
        if (codes.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), tr("Evidence for %1").arg(codes.join(QStringLiteral(", "))),
                               this);
        return true;
    }
    return QPlainTextEdit::event(event);
}

void NoteEditor::setEvidenceOwners(std::vector<CodeEvidence> owners) {
    m_owners = std::move(owners);
}

QStringList NoteEditor::codesAt(std::int64_t codePoint) const {
    std::vector<std::pair<double, QString>> hits;
    for (const CodeEvidence& owner : m_owners)
        if (owner.span.begin <= codePoint && codePoint < owner.span.end)
            hits.emplace_back(owner.span.weight, owner.code);
    std::stable_sort(hits.begin(), hits.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    QStringList codes;
    for (const auto& hit : hits)
        if (!codes.contains(hit.second))
            codes << hit.second;
    return codes;
}

void NoteEditor::jumpTo(std::int64_t begin, std::int64_t end) {
    QTextCursor cursor(document());
    cursor.setPosition(m_offsets.toDocument(begin));
    if (end > begin)
        cursor.setPosition(m_offsets.toDocument(end), QTextCursor::KeepAnchor);
    setTextCursor(cursor);
    centerCursor();
}

std::pair<std::int64_t, std::int64_t> NoteEditor::visibleRange() const {
    const QTextCursor first = cursorForPosition(QPoint(0, 0));
    const QTextCursor last = cursorForPosition(QPoint(viewport()->width() - 1, viewport()->height() - 1));
    return {m_offsets.toCodePoint(first.position()), m_offsets.toCodePoint(last.position())};
}

QString NoteEditor::selectedNoteText() const {
    QString text = textCursor().selectedText();
    text.replace(QChar::ParagraphSeparator, QLatin1Char(' '));
    return text.simplified();
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
    m_owners.clear();
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
    m_owners.clear();
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
