#pragma once
// Undo for the coder's decisions on one chart. Each entry is the stored state of every decided code
// before one coder action (a decision, an addition, a reorder, a POA change). Undoing restores that state
// by storing new decisions (decisions are append-only), so the history keeps both the action and its undo.
// Threading: UI thread only.
#include "codingtypes.h"

#include <QHash>
#include <QObject>
#include <QString>

#include <vector>

namespace fc {

struct CodeDecisionState {
    QString code;
    QString system;
    SuggestionStatus status = SuggestionStatus::Suggested;
    int sequence = 0; // 1-based position on the coded list; 0 when not listed
    QString poa;

    bool operator==(const CodeDecisionState& other) const {
        return code == other.code && system == other.system && status == other.status &&
               sequence == other.sequence && poa == other.poa;
    }
    bool operator!=(const CodeDecisionState& other) const { return !(*this == other); }
};

// Decided codes by code; codes absent are Suggested (no decision, or a removed one).
using DecisionSnapshot = QHash<QString, CodeDecisionState>;

class DecisionUndoStack : public QObject {
    Q_OBJECT
public:
    explicit DecisionUndoStack(QObject* parent = nullptr);

    // `description` names the action for the menu ("accept I10"); `before` is the state it changes.
    void push(const QString& description, DecisionSnapshot before);
    bool canUndo() const { return !m_entries.empty(); }
    QString undoDescription() const; // empty when nothing to undo
    // Removes and returns the newest entry's state. Precondition: canUndo().
    DecisionSnapshot pop();
    void clear();
    int count() const { return static_cast<int>(m_entries.size()); }

Q_SIGNALS:
    void changed();

private:
    std::vector<std::pair<QString, DecisionSnapshot>> m_entries;
};

} // namespace fc
