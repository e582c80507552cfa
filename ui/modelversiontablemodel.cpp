#include "modelversiontablemodel.h"

#include <QFont>

namespace fc::ui {

ModelVersionTableModel::ModelVersionTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void ModelVersionTableModel::setVersions(std::vector<ModelVersion> versions) {
    beginResetModel();
    m_versions = std::move(versions);
    endResetModel();
}

const ModelVersion* ModelVersionTableModel::version(int row) const {
    return row >= 0 && row < rowCount() ? &m_versions[static_cast<std::size_t>(row)] : nullptr;
}

int ModelVersionTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_versions.size());
}

int ModelVersionTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ModelVersionTableModel::data(const QModelIndex& index, int role) const {
    const auto* v = version(index.row());
    if (!v)
        return {};
    if (role == Qt::FontRole && v->active) {
        QFont font;
        font.setBold(true); // the active version is not marked by colour alone
        return font;
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Id:
        return QVariant::fromValue<qlonglong>(v->id);
    case Name:
        return v->name;
    case Created:
        return v->createdAt.left(19).replace(QLatin1Char('T'), QLatin1Char(' '));
    case Parent:
        return v->parentId ? QVariant::fromValue<qlonglong>(v->parentId) : QVariant(tr("–"));
    case Active:
        return v->active ? tr("active") : QString();
    case Summary:
        return v->trainingSummary;
    case Path:
        return v->path;
    default:
        return {};
    }
}

QVariant ModelVersionTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Id:
        return tr("Id");
    case Name:
        return tr("Name");
    case Created:
        return tr("Created (UTC)");
    case Parent:
        return tr("From");
    case Active:
        return tr("State");
    case Summary:
        return tr("Training");
    case Path:
        return tr("Directory");
    default:
        return {};
    }
}

} // namespace fc::ui
