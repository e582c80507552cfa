#pragma once
// The coder's decisions on the chart shown: keeps the suggestion table and the coded chart in step and hands
// every change to the CodingSession as one snapshot (one commit = one undo step). Accept, reject, accept all
// above the threshold, add, remove, import from an export, undo.
// Threading: UI thread only.
#include "codinglistmodel.h"
#include "codingsession.h"

#include <QObject>

namespace fc::ui {

class SuggestionTableModel;

class ChartDecisions : public QObject {
    Q_OBJECT
public:
    ChartDecisions(CodingSession* session, SuggestionTableModel* suggestions, CodingListModel* coded,
                   QObject* parent = nullptr);

    // A finished analysis: its suggestions in the table, its stored decisions applied (not stored again).
    void showAnalysis(NoteAnalysis analysis, double threshold);
    // Decides the suggestion at this table-model row; false when it already had that status.
    bool decide(int row, SuggestionStatus status);
    // Accepts every undecided suggestion scoring at or above the threshold, as one undoable action.
    // Returns how many were accepted.
    int acceptAllAboveThreshold();
    // Adds a code from the catalog (accepted when the model scored it at or above the threshold, else
    // added). Returns the status it got.
    SuggestionStatus addCode(const QString& code, const QString& system, const QString& description);
    bool removeCode(const QString& code);
    // Applies the codes of an exported chart of this note as decisions, in the export's order with its POA.
    void importChart(const CodedChart& chart, const QString& label);
    // Stores the coded chart's order and POA after the coder edited it.
    void commitChartEdit();
    bool undo(QString* description = nullptr);

Q_SIGNALS:
    void changed(); // statuses, the coded list or its order changed

private:
    DecisionSnapshot currentSnapshot() const;
    void applySnapshot(const DecisionSnapshot& snapshot);
    void commit(const QString& description);
    void syncSequences();
    CodingListEntry codingEntryFor(const QString& code, const QString& system, SuggestionStatus status) const;

    CodingSession* m_session;
    SuggestionTableModel* m_suggestions;
    CodingListModel* m_coded;
};

} // namespace fc::ui
