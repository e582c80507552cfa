#include "catalogsearchmodel.h"

#include "codingtypes.h"

namespace fc::ui {

CatalogSearchModel::CatalogSearchModel(QObject* parent) : QAbstractTableModel(parent) {}

void CatalogSearchModel::setCatalog(std::shared_ptr<const CodeCatalog> catalog, const QStringList& systems) {
    m_catalog = std::move(catalog);
    m_systems = systems;
    search(m_query);
}

void CatalogSearchModel::setNoteScores(QHash<QString, double> scores) {
    m_noteScores = std::move(scores);
    search(m_query);
}

void CatalogSearchModel::search(const QString& query, int limit) {
    beginResetModel();
    m_query = query;
    m_hits.clear();
    if (m_catalog && !query.trimmed().isEmpty()) {
        // Rank a wider set than is shown, so billable codes and the note's codes beyond the first `limit`
        // matches come up; header codes move down but stay reachable by a more precise query.
        m_hits = rankForCoding(m_catalog->search(query.trimmed(), m_systems, limit * 4), m_noteScores);
        if (m_hits.size() > limit)
            m_hits.resize(limit);
    }
    endResetModel();
}

int CatalogSearchModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_hits.size());
}

int CatalogSearchModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CatalogSearchModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CatalogEntry& e = m_hits.at(index.row()).entry;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case CodeColumn:
            return e.code;
        case SystemColumn:
            return systemShortName(e.system);
        case DescriptionColumn:
            return codeDescription(e);
        case BillableColumn:
            return e.billable ? tr("billable") : tr("header");
        }
        return {};
    case Qt::ToolTipRole:
        if (!e.billable)
            return tr("%1 is a header (category) code: not billable on its own").arg(e.code);
        return e.longDescription;
    case CodeRole:
        return e.code;
    case SystemRole:
        return e.system;
    case DescriptionRole:
        return codeDescription(e);
    case BillableRole:
        return e.billable;
    default:
        return {};
    }
}

QVariant CatalogSearchModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case CodeColumn:
        return tr("Code");
    case SystemColumn:
        return tr("System");
    case DescriptionColumn:
        return tr("Description");
    case BillableColumn:
        return tr("Kind");
    default:
        return {};
    }
}

} // namespace fc::ui
