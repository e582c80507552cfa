#include "catalogsearchmodel.h"

#include "suggestion.h"

namespace fc::ui {

CatalogSearchModel::CatalogSearchModel(QObject* parent) : QAbstractTableModel(parent) {}

void CatalogSearchModel::setCatalog(std::shared_ptr<const CodeCatalog> catalog, const QStringList& systems) {
    m_catalog = std::move(catalog);
    m_systems = systems;
    search(m_query);
}

void CatalogSearchModel::search(const QString& query, int limit) {
    beginResetModel();
    m_query = query;
    m_hits.clear();
    if (m_catalog && !query.trimmed().isEmpty())
        m_hits = m_catalog->search(query.trimmed(), m_systems, limit);
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
            return e.longDescription;
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
        return e.longDescription;
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
