#include "chartdecisions.h"

#include "codecatalog.h"
#include "suggestiontablemodel.h"

#include <algorithm>
#include <climits>

namespace fc::ui {

ChartDecisions::ChartDecisions(CodingSession* session, SuggestionTableModel* suggestions,
                               CodingListModel* coded, QObject* parent)
    : QObject(parent), m_session(session), m_suggestions(suggestions), m_coded(coded) {}

void ChartDecisions::showAnalysis(NoteAnalysis analysis, double threshold) {
    m_suggestions->setSuggestions(std::move(analysis.suggestions), threshold);
    applySnapshot(analysis.decisions);
    Q_EMIT changed();
}

bool ChartDecisions::decide(int row, SuggestionStatus status) {
    if (row < 0 || row >= m_suggestions->rowCount())
        return false;
    const Suggestion& s = m_suggestions->suggestion(row);
    if (s.status == status)
        return false;
    const QString code = s.code;
    const QString system = s.system;
    m_suggestions->setStatus(row, status);
    if (isCoded(status))
        m_coded->append(codingEntryFor(code, system, status));
    else
        m_coded->remove(code);
    commit(tr("%1 %2").arg(statusName(status), code));
    return true;
}

int ChartDecisions::acceptAllAboveThreshold() {
    // Highest score first, so the coded chart lists them in the model's order of confidence.
    std::vector<int> rows;
    for (int row = 0; row < m_suggestions->rowCount(); ++row) {
        const Suggestion& s = m_suggestions->suggestion(row);
        if (s.status == SuggestionStatus::Suggested && s.hasScore() && s.score >= m_suggestions->threshold())
            rows.push_back(row);
    }
    std::stable_sort(rows.begin(), rows.end(), [this](int a, int b) {
        return m_suggestions->suggestion(a).score > m_suggestions->suggestion(b).score;
    });
    for (const int row : rows) {
        const Suggestion& s = m_suggestions->suggestion(row);
        const QString code = s.code, system = s.system;
        m_suggestions->setStatus(row, SuggestionStatus::Accepted);
        m_coded->append(codingEntryFor(code, system, SuggestionStatus::Accepted));
    }
    if (!rows.empty())
        commit(tr("accept %n code(s) above the threshold", nullptr, static_cast<int>(rows.size())));
    return static_cast<int>(rows.size());
}

SuggestionStatus ChartDecisions::addCode(const QString& code, const QString& system,
                                         const QString& description) {
    const int existing = m_suggestions->rowForCode(code);
    const bool suggested =
        existing >= 0 && m_suggestions->suggestion(existing).score >= m_suggestions->threshold();
    const SuggestionStatus status = suggested ? SuggestionStatus::Accepted : SuggestionStatus::Added;
    m_suggestions->setStatusForCode(code, system, status, description);
    if (m_coded->rowForCode(code) < 0)
        m_coded->append(codingEntryFor(code, system, status));
    commit(tr("add %1").arg(code));
    return status;
}

bool ChartDecisions::removeCode(const QString& code) {
    const int row = m_suggestions->rowForCode(code);
    if (row < 0 || m_coded->rowForCode(code) < 0)
        return false;
    m_suggestions->setStatus(row, SuggestionStatus::Suggested);
    m_coded->remove(code);
    commit(tr("remove %1").arg(code));
    return true;
}

void ChartDecisions::importChart(const CodedChart& chart, const QString& label) {
    for (const CodedEntry& entry : chart.entries) {
        const SuggestionStatus status =
            entry.decision == QLatin1String("added") ? SuggestionStatus::Added : SuggestionStatus::Accepted;
        m_suggestions->setStatusForCode(entry.code, entry.system, status, entry.description);
        if (m_coded->rowForCode(entry.code) < 0)
            m_coded->append(codingEntryFor(entry.code, entry.system, status));
    }
    // The export's order: principal diagnosis first, diagnoses then procedures; POA as exported.
    std::vector<CodingListEntry> ordered;
    for (const CodedEntry& entry : chart.entries) {
        CodingListEntry coded = m_coded->entries()[static_cast<size_t>(m_coded->rowForCode(entry.code))];
        coded.poa = entry.poa;
        ordered.push_back(coded);
    }
    for (const CodingListEntry& entry : m_coded->entries())
        if (std::none_of(ordered.begin(), ordered.end(),
                         [&entry](const CodingListEntry& o) { return o.code == entry.code; }))
            ordered.push_back(entry);
    m_coded->setEntries(std::move(ordered));
    commit(tr("import %1").arg(label));
}

void ChartDecisions::commitChartEdit() {
    commit(tr("reorder or POA"));
}

bool ChartDecisions::undo(QString* description) {
    if (description)
        *description = m_session->undoStack()->undoDescription();
    const std::optional<DecisionSnapshot> previous = m_session->undo();
    if (!previous)
        return false;
    applySnapshot(*previous);
    Q_EMIT changed();
    return true;
}

void ChartDecisions::commit(const QString& description) {
    m_session->commit(description, currentSnapshot());
    syncSequences();
    Q_EMIT changed();
}

void ChartDecisions::syncSequences() {
    for (int row = 0; row < m_suggestions->rowCount(); ++row) {
        const Suggestion& s = m_suggestions->suggestion(row);
        const int coded = m_coded->rowForCode(s.code);
        const int sequence = coded >= 0 ? coded + 1 : 0;
        const QString poa = coded >= 0 ? m_coded->entries()[static_cast<size_t>(coded)].poa : QString();
        if (s.sequence != sequence || s.poa != poa)
            m_suggestions->setCoding(row, sequence, poa);
    }
}

DecisionSnapshot ChartDecisions::currentSnapshot() const {
    DecisionSnapshot snapshot;
    for (const Suggestion& s : m_suggestions->suggestions()) {
        if (s.status == SuggestionStatus::Suggested)
            continue;
        CodeDecisionState state{s.code, s.system, s.status, 0, {}};
        const int row = m_coded->rowForCode(s.code);
        if (row >= 0) {
            state.sequence = row + 1;
            state.poa = m_coded->entries()[static_cast<size_t>(row)].poa;
        }
        snapshot.insert(s.code, state);
    }
    return snapshot;
}

CodingListEntry ChartDecisions::codingEntryFor(const QString& code, const QString& system,
                                               SuggestionStatus status) const {
    CodingListEntry entry;
    entry.code = code;
    entry.system = system;
    entry.status = status;
    const int row = m_suggestions->rowForCode(code);
    if (row >= 0) {
        entry.description = m_suggestions->suggestion(row).description;
        entry.score = m_suggestions->suggestion(row).score;
    }
    return entry;
}

void ChartDecisions::applySnapshot(const DecisionSnapshot& snapshot) {
    for (int row = 0; row < m_suggestions->rowCount(); ++row) {
        const Suggestion& s = m_suggestions->suggestion(row);
        if (s.status != SuggestionStatus::Suggested && !snapshot.contains(s.code))
            m_suggestions->setStatus(row, SuggestionStatus::Suggested);
    }
    const std::shared_ptr<const CodeCatalog> catalog = m_session->catalog();
    std::vector<CodeDecisionState> coded;
    for (const CodeDecisionState& state : snapshot) {
        QString description;
        if (m_suggestions->rowForCode(state.code) < 0 && catalog)
            if (const auto entry = catalog->lookup(state.system, state.code))
                description = codeDescription(*entry);
        m_suggestions->setStatusForCode(state.code, state.system, state.status, description);
        if (isCoded(state.status))
            coded.push_back(state);
    }
    // Stored order: sequence 1, 2, ... then unsequenced codes by code.
    std::sort(coded.begin(), coded.end(), [](const CodeDecisionState& a, const CodeDecisionState& b) {
        const int sa = a.sequence > 0 ? a.sequence : INT_MAX, sb = b.sequence > 0 ? b.sequence : INT_MAX;
        return sa != sb ? sa < sb : a.code < b.code;
    });
    std::vector<CodingListEntry> entries;
    for (const CodeDecisionState& state : coded) {
        CodingListEntry entry = codingEntryFor(state.code, state.system, state.status);
        entry.poa = state.poa;
        entries.push_back(std::move(entry));
    }
    m_coded->setEntries(std::move(entries));
    syncSequences();
}

} // namespace fc::ui
