#include "codinglistmodel.h"

#include <QFont>
#include <QMimeData>

namespace fc::ui {

CodingListModel::CodingListModel(QObject* parent) : QAbstractTableModel(parent) {}

void CodingListModel::setEntries(std::vector<CodingListEntry> entries) {
    beginResetModel();
    m_entries = std::move(entries);
    endResetModel();
}

int CodingListModel::append(const CodingListEntry& entry) {
    const int existing = rowForCode(entry.code);
    if (existing >= 0)
        return existing;
    const int row = rowCount();
    beginInsertRows(QModelIndex(), row, row);
    m_entries.push_back(entry);
    endInsertRows();
    return row;
}

bool CodingListModel::remove(const QString& code) {
    const int row = rowForCode(code);
    if (row < 0)
        return false;
    beginRemoveRows(QModelIndex(), row, row);
    m_entries.erase(m_entries.begin() + row);
    endRemoveRows();
    // Sequence numbers after the removed row changed.
    if (row < rowCount())
        Q_EMIT dataChanged(index(0, SequenceColumn), index(rowCount() - 1, ColumnCount - 1));
    return true;
}

int CodingListModel::rowForCode(const QString& code) const {
    for (size_t row = 0; row < m_entries.size(); ++row)
        if (m_entries[row].code == code)
            return static_cast<int>(row);
    return -1;
}

bool CodingListModel::moveEntry(int from, int to) {
    if (from < 0 || from >= rowCount() || to < 0 || to >= rowCount() || from == to)
        return false;
    // beginMoveRows takes the destination as "insert before this row" in the old numbering.
    return moveRows(QModelIndex(), from, 1, QModelIndex(), to > from ? to + 1 : to);
}

bool CodingListModel::moveRows(const QModelIndex& sourceParent, int sourceRow, int count,
                               const QModelIndex& destinationParent, int destinationChild) {
    if (sourceParent.isValid() || destinationParent.isValid() || count != 1 || sourceRow < 0 ||
        sourceRow >= rowCount() || destinationChild < 0 || destinationChild > rowCount() ||
        destinationChild == sourceRow || destinationChild == sourceRow + 1)
        return false;
    if (!beginMoveRows(QModelIndex(), sourceRow, sourceRow, QModelIndex(), destinationChild))
        return false;
    CodingListEntry moved = std::move(m_entries[static_cast<size_t>(sourceRow)]);
    m_entries.erase(m_entries.begin() + sourceRow);
    const int insertAt = destinationChild > sourceRow ? destinationChild - 1 : destinationChild;
    m_entries.insert(m_entries.begin() + insertAt, std::move(moved));
    endMoveRows();
    Q_EMIT dataChanged(index(0, SequenceColumn), index(rowCount() - 1, ColumnCount - 1));
    Q_EMIT edited();
    return true;
}

bool CodingListModel::setPoa(int row, const QString& poa) {
    if (row < 0 || row >= rowCount() || !poaValues().contains(poa))
        return false;
    CodingListEntry& entry = m_entries[static_cast<size_t>(row)];
    if (entry.poa == poa)
        return true;
    entry.poa = poa;
    Q_EMIT dataChanged(index(row, PoaColumn), index(row, PoaColumn));
    Q_EMIT edited();
    return true;
}

bool CodingListModel::isProcedureSystem(const QString& system) {
    return system.endsWith(QLatin1String("-pcs"));
}

QString CodingListModel::roleOf(int row) const {
    const CodingListEntry& entry = m_entries[static_cast<size_t>(row)];
    if (isProcedureSystem(entry.system))
        return QStringLiteral("procedure");
    for (int earlier = 0; earlier < row; ++earlier)
        if (!isProcedureSystem(m_entries[static_cast<size_t>(earlier)].system))
            return QStringLiteral("secondary");
    return QStringLiteral("principal");
}

int CodingListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int CodingListModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CodingListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CodingListEntry& entry = m_entries[static_cast<size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SequenceColumn:
            return QString::number(index.row() + 1);
        case RoleColumn:
            return roleOf(index.row());
        case CodeColumn:
            return entry.status == SuggestionStatus::Added ? tr("%1 (added)").arg(entry.code) : entry.code;
        case DescriptionColumn:
            return entry.description.isEmpty() ? systemLongName(entry.system) : entry.description;
        case PoaColumn:
            return entry.poa.isEmpty() ? QStringLiteral("—") : entry.poa;
        }
        return {};
    case Qt::EditRole:
        if (index.column() == PoaColumn)
            return entry.poa;
        return data(index, Qt::DisplayRole);
    case Qt::ToolTipRole:
        if (index.column() == PoaColumn)
            return tr("Present on admission: Y yes, N no, U unknown, W clinically undetermined, 1 exempt; "
                      "press the letter to set it, Delete to clear");
        if (index.column() == SequenceColumn)
            return tr("Ctrl+Up / Ctrl+Down or drag to reorder; the first diagnosis is the principal one");
        return {};
    case Qt::FontRole:
        if (roleOf(index.row()) == QLatin1String("principal")) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case CodeRole:
        return entry.code;
    case PoaRole:
        return entry.poa;
    case SequenceRole:
        return index.row() + 1;
    default:
        return {};
    }
}

bool CodingListModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::EditRole || index.column() != PoaColumn ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    QString poa = value.toString().trimmed().toUpper();
    if (poa == QStringLiteral("—"))
        poa.clear();
    return setPoa(index.row(), poa);
}

QVariant CodingListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case SequenceColumn:
        return tr("#");
    case RoleColumn:
        return tr("Role");
    case CodeColumn:
        return tr("Code");
    case DescriptionColumn:
        return tr("Description");
    case PoaColumn:
        return tr("POA");
    default:
        return {};
    }
}

Qt::ItemFlags CodingListModel::flags(const QModelIndex& index) const {
    if (!index.isValid())
        return Qt::ItemIsDropEnabled;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled;
    if (index.column() == PoaColumn)
        flags |= Qt::ItemIsEditable;
    return flags;
}

Qt::DropActions CodingListModel::supportedDropActions() const {
    return Qt::MoveAction;
}

QStringList CodingListModel::mimeTypes() const {
    return {QString::fromLatin1(kMimeType)};
}

QMimeData* CodingListModel::mimeData(const QModelIndexList& indexes) const {
    if (indexes.isEmpty())
        return nullptr;
    auto* data = new QMimeData;
    data->setData(QString::fromLatin1(kMimeType), QByteArray::number(indexes.first().row()));
    return data;
}

bool CodingListModel::canDropMimeData(const QMimeData* data, Qt::DropAction action, int, int,
                                      const QModelIndex&) const {
    return data && action == Qt::MoveAction && data->hasFormat(QString::fromLatin1(kMimeType));
}

bool CodingListModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                                   const QModelIndex& parent) {
    if (!canDropMimeData(data, action, row, column, parent))
        return false;
    bool ok = false;
    const int from = data->data(QString::fromLatin1(kMimeType)).toInt(&ok);
    if (!ok || from < 0 || from >= rowCount())
        return false;
    // Dropped on an item: insert before it; on empty space below the rows: append.
    int destination = row;
    if (destination < 0)
        destination = parent.isValid() ? parent.row() : rowCount();
    moveRows(QModelIndex(), from, 1, QModelIndex(), destination);
    // The move is done here; returning false keeps the view from removing the source row afterwards.
    return false;
}

} // namespace fc::ui
