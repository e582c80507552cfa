#include "suggestionfilterproxy.h"

#include "suggestiontablemodel.h"

#include <QRegularExpression>

namespace fc::ui {

namespace {

QStringList words(const QString& text) {
    static const QRegularExpression separators(QStringLiteral("[^\\w]+"));
    return text.toCaseFolded().split(separators, Qt::SkipEmptyParts);
}

} // namespace

SuggestionFilterProxy::SuggestionFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(SuggestionTableModel::SortRole);
    setDynamicSortFilter(true);
}

void SuggestionFilterProxy::setShow(Show show) {
    if (show == m_show)
        return;
    m_show = show;
    refilter();
}

void SuggestionFilterProxy::setFilterText(const QString& text) {
    if (text == m_text)
        return;
    m_text = text;
    m_codePrefix = text.trimmed().toUpper().remove(QLatin1Char('.'));
    m_words = words(text);
    refilter();
}

void SuggestionFilterProxy::refilter() {
    invalidateFilter();
}

bool SuggestionFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    switch (m_show) {
    case Show::Suggested:
        if (!index.data(SuggestionTableModel::ShownByDefaultRole).toBool())
            return false;
        break;
    case Show::Decided:
        if (!index.data(SuggestionTableModel::DecidedRole).toBool())
            return false;
        break;
    case Show::All:
        break;
    }
    if (m_words.isEmpty() && m_codePrefix.isEmpty())
        return true;
    const QString code =
        index.data(SuggestionTableModel::CodeRole).toString().toUpper().remove(QLatin1Char('.'));
    if (!m_codePrefix.isEmpty() && code.startsWith(m_codePrefix))
        return true;
    if (m_words.isEmpty())
        return false;
    const QStringList description = words(index.data(SuggestionTableModel::DescriptionRole).toString());
    for (const QString& word : m_words) {
        bool found = false;
        for (const QString& candidate : description)
            if (candidate.startsWith(word)) {
                found = true;
                break;
            }
        if (!found)
            return false;
    }
    return true;
}

} // namespace fc::ui
