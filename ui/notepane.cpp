#include "notepane.h"

#include "evidenceoverview.h"
#include "noteeditor.h"

#include <QHBoxLayout>

namespace fc::ui {

NotePane::NotePane(QWidget* parent) : QWidget(parent) {
    m_editor = new NoteEditor(this);
    m_editor->setAccessibleName(tr("Note"));
    m_overview = new EvidenceOverview(this);
    m_overview->setAccessibleName(tr("Evidence overview"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_editor, 1);
    layout->addWidget(m_overview);
    connect(m_editor, &NoteEditor::viewportMoved, this, [this]() {
        const auto [first, last] = m_editor->visibleRange();
        m_overview->setVisibleRange(first, last);
    });
    connect(m_overview, &EvidenceOverview::jumpRequested, this,
            [this](std::int64_t begin, std::int64_t end) { m_editor->jumpTo(begin, end); });
}

void NotePane::setNote(const QString& text) {
    m_editor->setNoteText(text);
    m_overview->setNoteLength(m_editor->codePointCount());
    m_overview->setMarks({});
}

void NotePane::showEvidence(const std::vector<Suggestion>& suggestions, const QString& selectedCode,
                            bool upToDate, const std::function<bool(const Suggestion&)>& isShown) {
    if (!upToDate) {
        m_overview->setMarks({});
        m_editor->setEvidenceOwners({});
        return;
    }
    std::vector<EvidenceOverview::Mark> marks;
    std::vector<CodeEvidence> owners;
    for (const Suggestion& s : suggestions) {
        const bool isSelected = s.code == selectedCode;
        const bool shown = isShown(s) && s.status != SuggestionStatus::Rejected;
        if (!isSelected && !shown)
            continue;
        for (const EvidenceSpan& span : s.evidence) {
            owners.push_back({s.code, span});
            if (isSelected || isCoded(s.status))
                marks.push_back({span, isSelected});
        }
    }
    m_overview->setNoteLength(m_editor->codePointCount());
    m_overview->setMarks(std::move(marks));
    m_editor->setEvidenceOwners(std::move(owners));
    const auto [first, last] = m_editor->visibleRange();
    m_overview->setVisibleRange(first, last);
}

} // namespace fc::ui
