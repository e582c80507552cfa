#include "suggestiontablemodel.h"

#include <QFont>
#include <QLocale>

namespace fc::ui {

SuggestionTableModel::SuggestionTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void SuggestionTableModel::setSuggestions(std::vector<Suggestion> all, double threshold) {
    beginResetModel();
    m_all = std::move(all);
    m_threshold = threshold;
    m_rows = visibleRows();
    endResetModel();
}

void SuggestionTableModel::clear() {
    setSuggestions({}, m_threshold);
}

void SuggestionTableModel::setThreshold(double threshold) {
    m_threshold = threshold;
    std::vector<int> rows = visibleRows();
    if (rows == m_rows)
        return;
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

void SuggestionTableModel::setStatus(int row, SuggestionStatus status) {
    Q_ASSERT(row >= 0 && row < rowCount());
    Suggestion& suggestion = m_all[static_cast<size_t>(m_rows[static_cast<size_t>(row)])];
    if (suggestion.status == status)
        return;
    suggestion.status = status;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

int SuggestionTableModel::setStatusForCode(const QString& code, const QString& system,
                                           SuggestionStatus status) {
    const int visible = rowForCode(code);
    if (visible >= 0) {
        setStatus(visible, status);
        return visible;
    }
    size_t index = 0;
    while (index < m_all.size() && m_all[index].code != code)
        ++index;
    if (index == m_all.size()) {
        Suggestion added;
        added.code = code;
        added.system = system;
        m_all.push_back(std::move(added));
    }
    m_all[index].status = status;
    if (!isVisible(m_all[index]))
        return -1;
    // The row becomes visible: keep m_rows in m_all order.
    const std::vector<int> rows = visibleRows();
    int row = 0;
    while (m_rows.size() > static_cast<size_t>(row) &&
           rows[static_cast<size_t>(row)] == m_rows[static_cast<size_t>(row)])
        ++row;
    beginInsertRows(QModelIndex(), row, row);
    m_rows = rows;
    endInsertRows();
    return row;
}

const Suggestion& SuggestionTableModel::suggestion(int row) const {
    Q_ASSERT(row >= 0 && row < rowCount());
    return m_all[static_cast<size_t>(m_rows[static_cast<size_t>(row)])];
}

int SuggestionTableModel::rowForCode(const QString& code) const {
    for (size_t row = 0; row < m_rows.size(); ++row)
        if (m_all[static_cast<size_t>(m_rows[row])].code == code)
            return static_cast<int>(row);
    return -1;
}

int SuggestionTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int SuggestionTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SuggestionTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Suggestion& s = suggestion(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case CodeColumn:
            return s.code;
        case DescriptionColumn:
            // A code missing from the catalog still says what kind of code it is.
            return s.description.isEmpty() ? systemLongName(s.system) : s.description;
        case SystemColumn:
            return systemShortName(s.system);
        case ConfidenceColumn:
            return s.hasScore() ? QLocale().toString(s.score, 'f', 2) : QStringLiteral("—");
        case StatusColumn:
            return statusName(s.status);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == DescriptionColumn) {
            if (s.description.isEmpty())
                return tr("%1 is not in the bundled %2 catalog.").arg(s.code, systemShortName(s.system));
            return s.billable ? s.description
                              : tr("%1\n(header code: a category, not billable on its own)").arg(s.description);
        }
        if (index.column() == ConfidenceColumn && s.hasScore())
            return tr("Model probability %1 (threshold %2)")
                .arg(s.score, 0, 'f', 4)
                .arg(m_threshold, 0, 'f', 2);
        return {};
    case Qt::FontRole: {
        // Status is carried by text and font, never by colour alone.
        if (s.status == SuggestionStatus::Suggested)
            return {};
        QFont font;
        font.setBold(s.status == SuggestionStatus::Accepted || s.status == SuggestionStatus::Added);
        font.setStrikeOut(s.status == SuggestionStatus::Rejected && index.column() == CodeColumn);
        return font;
    }
    case Qt::TextAlignmentRole:
        if (index.column() == ConfidenceColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
        switch (index.column()) {
        case ConfidenceColumn:
            return s.score;
        case StatusColumn:
            return static_cast<int>(s.status);
        default:
            return data(index, Qt::DisplayRole);
        }
    case ScoreRole:
        return s.score;
    case CodeRole:
        return s.code;
    case StatusRole:
        return static_cast<int>(s.status);
    default:
        return {};
    }
}

QVariant SuggestionTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case CodeColumn:
        return tr("Code");
    case DescriptionColumn:
        return tr("Description");
    case SystemColumn:
        return tr("System");
    case ConfidenceColumn:
        return tr("Confidence");
    case StatusColumn:
        return tr("Status");
    default:
        return {};
    }
}

bool SuggestionTableModel::isVisible(const Suggestion& suggestion) const {
    return suggestion.status != SuggestionStatus::Suggested || suggestion.score >= m_threshold;
}

std::vector<int> SuggestionTableModel::visibleRows() const {
    std::vector<int> rows;
    for (size_t i = 0; i < m_all.size(); ++i)
        if (isVisible(m_all[i]))
            rows.push_back(static_cast<int>(i));
    return rows;
}

} // namespace fc::ui
