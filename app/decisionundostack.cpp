#include "decisionundostack.h"

namespace fc {

namespace {
constexpr size_t kMaxEntries = 200;
}

DecisionUndoStack::DecisionUndoStack(QObject* parent) : QObject(parent) {}

void DecisionUndoStack::push(const QString& description, DecisionSnapshot before) {
    if (m_entries.size() == kMaxEntries)
        m_entries.erase(m_entries.begin());
    m_entries.emplace_back(description, std::move(before));
    Q_EMIT changed();
}

QString DecisionUndoStack::undoDescription() const {
    return m_entries.empty() ? QString() : m_entries.back().first;
}

DecisionSnapshot DecisionUndoStack::pop() {
    Q_ASSERT(canUndo());
    DecisionSnapshot state = std::move(m_entries.back().second);
    m_entries.pop_back();
    Q_EMIT changed();
    return state;
}

void DecisionUndoStack::clear() {
    if (m_entries.empty())
        return;
    m_entries.clear();
    Q_EMIT changed();
}

} // namespace fc
