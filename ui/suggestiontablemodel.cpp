#include "suggestiontablemodel.h"

#include <QFont>
#include <QLocale>

#include <cmath>

namespace fc::ui {

SuggestionTableModel::SuggestionTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void SuggestionTableModel::setSuggestions(std::vector<Suggestion> all, double threshold) {
    beginResetModel();
    m_all = std::move(all);
    m_threshold = threshold;
    m_rowOfCode.clear();
    m_rowOfCode.reserve(static_cast<qsizetype>(m_all.size()));
    for (size_t i = 0; i < m_all.size(); ++i)
        m_rowOfCode.insert(m_all[i].code, static_cast<int>(i));
    endResetModel();
}

void SuggestionTableModel::clear() {
    setSuggestions({}, m_threshold);
}

void SuggestionTableModel::setThreshold(double threshold) {
    if (threshold == m_threshold)
        return;
    m_threshold = threshold;
    emitAllChanged();
}

void SuggestionTableModel::setUncertainBand(double band) {
    band = std::max(0.0, band);
    if (band == m_band)
        return;
    m_band = band;
    emitAllChanged();
}

void SuggestionTableModel::emitAllChanged() {
    if (!m_all.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    Q_EMIT classificationChanged();
}

void SuggestionTableModel::setStatus(int row, SuggestionStatus status) {
    Q_ASSERT(row >= 0 && row < rowCount());
    Suggestion& suggestion = m_all[static_cast<size_t>(row)];
    if (suggestion.status == status)
        return;
    suggestion.status = status;
    if (!isCoded(status)) {
        suggestion.sequence = 0;
        suggestion.poa.clear();
    }
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

int SuggestionTableModel::setStatusForCode(const QString& code, const QString& system,
                                           SuggestionStatus status, const QString& description) {
    int row = rowForCode(code);
    if (row < 0) {
        row = rowCount();
        Suggestion added;
        added.code = code;
        added.system = system;
        added.status = status;
        added.description = description;
        beginInsertRows(QModelIndex(), row, row);
        m_all.push_back(std::move(added));
        m_rowOfCode.insert(code, row);
        endInsertRows();
        return row;
    }
    setStatus(row, status);
    return row;
}

void SuggestionTableModel::setCoding(int row, int sequence, const QString& poa) {
    Q_ASSERT(row >= 0 && row < rowCount());
    Suggestion& suggestion = m_all[static_cast<size_t>(row)];
    suggestion.sequence = sequence;
    suggestion.poa = poa;
}

const Suggestion& SuggestionTableModel::suggestion(int row) const {
    Q_ASSERT(row >= 0 && row < rowCount());
    return m_all[static_cast<size_t>(row)];
}

int SuggestionTableModel::rowForCode(const QString& code) const {
    return m_rowOfCode.value(code, -1);
}

bool SuggestionTableModel::isUncertain(const Suggestion& suggestion) const {
    return suggestion.hasScore() && m_band > 0.0 && std::abs(suggestion.score - m_threshold) <= m_band;
}

bool SuggestionTableModel::isShownByDefault(const Suggestion& suggestion) const {
    return suggestion.status != SuggestionStatus::Suggested || suggestion.score >= m_threshold - m_band;
}

int SuggestionTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_all.size());
}

int SuggestionTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SuggestionTableModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Suggestion& s = suggestion(index.row());
    const bool uncertain = isUncertain(s);
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
            if (!s.hasScore())
                return QStringLiteral("—");
            return QLocale().toString(s.score, 'f', 2) + (uncertain ? QStringLiteral(" ?") : QString());
        case StatusColumn:
            return statusName(s.status);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == DescriptionColumn) {
            if (s.description.isEmpty())
                return tr("%1 is not in the bundled %2 catalog.").arg(s.code, systemShortName(s.system));
            return s.billable
                       ? s.description
                       : tr("%1\n(header code: a category, not billable on its own)").arg(s.description);
        }
        if (index.column() == ConfidenceColumn && s.hasScore()) {
            QString tip =
                tr("Model probability %1 (threshold %2)").arg(s.score, 0, 'f', 4).arg(m_threshold, 0, 'f', 2);
            if (uncertain)
                tip += tr("\nUncertain: within ±%1 of the threshold").arg(m_band, 0, 'f', 2);
            return tip;
        }
        return {};
    case Qt::FontRole: {
        // Status and uncertainty are carried by text and font, never by colour alone.
        if (s.status == SuggestionStatus::Suggested && !uncertain)
            return {};
        QFont font;
        font.setItalic(uncertain && s.status == SuggestionStatus::Suggested);
        font.setBold(isCoded(s.status));
        font.setStrikeOut(s.status == SuggestionStatus::Rejected && index.column() == CodeColumn);
        return font;
    }
    case Qt::TextAlignmentRole:
        if (index.column() == ConfidenceColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::AccessibleTextRole:
        if (index.column() == ConfidenceColumn && s.hasScore())
            return uncertain ? tr("%1, uncertain").arg(s.score, 0, 'f', 2) : QString::number(s.score, 'f', 2);
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
    case AboveThresholdRole:
        return s.hasScore() && s.score >= m_threshold;
    case UncertainRole:
        return uncertain;
    case ShownByDefaultRole:
        return isShownByDefault(s);
    case DecidedRole:
        return s.status != SuggestionStatus::Suggested;
    case SystemRole:
        return s.system;
    case DescriptionRole:
        return s.description;
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

} // namespace fc::ui
