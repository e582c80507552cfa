#pragma once
// The note: the editor with evidence highlights and, beside it, the overview strip of where evidence sits in
// the whole note. Keeps the two in step (scrolling, clicking a mark jumps there).
// Threading: UI thread only.
#include "codingtypes.h"

#include <QWidget>

#include <functional>

#include <vector>

namespace fc::ui {

class EvidenceOverview;
class NoteEditor;

class NotePane : public QWidget {
    Q_OBJECT
public:
    explicit NotePane(QWidget* parent = nullptr);

    NoteEditor* editor() const { return m_editor; }
    EvidenceOverview* overview() const { return m_overview; }

    // Shows a new note (no marks until it is analysed).
    void setNote(const QString& text);
    // Marks and hover owners for the suggestions shown: every span of the selected code, and of the coded
    // codes; `isShown` tells which suggestions the table shows by default. Clears them when `upToDate` is
    // false (the note was edited since the analysis, so offsets no longer apply).
    void showEvidence(const std::vector<Suggestion>& suggestions, const QString& selectedCode, bool upToDate,
                      const std::function<bool(const Suggestion&)>& isShown);

private:
    NoteEditor* m_editor = nullptr;
    EvidenceOverview* m_overview = nullptr;
};

} // namespace fc::ui
