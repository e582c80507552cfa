#include "worklistmodel.h"

#include "notefilereader.h"

#include "codingtypes.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace fc::ui {

QString chartStatusName(ChartStatus status) {
    switch (status) {
    case ChartStatus::New:
        return QStringLiteral("new");
    case ChartStatus::InProgress:
        return QStringLiteral("in progress");
    case ChartStatus::Done:
        return QStringLiteral("done");
    }
    return {};
}

ChartStatus chartStatusFromName(const QString& name) {
    if (name == QLatin1String("in progress"))
        return ChartStatus::InProgress;
    if (name == QLatin1String("done"))
        return ChartStatus::Done;
    return ChartStatus::New;
}

namespace {

// Natural order: digit runs compare as numbers ("note2" before "note10"), the rest case-insensitively.
bool naturalLess(const QString& a, const QString& b) {
    qsizetype i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i].isDigit() && b[j].isDigit()) {
            qsizetype ei = i, ej = j;
            while (ei < a.size() && a[ei].isDigit())
                ++ei;
            while (ej < b.size() && b[ej].isDigit())
                ++ej;
            const QString na = a.mid(i, ei - i), nb = b.mid(j, ej - j);
            const QString ta =
                na.mid(std::min(na.size() - 1, na.indexOf(QRegularExpression(QStringLiteral("[^0]")))));
            const QString tb =
                nb.mid(std::min(nb.size() - 1, nb.indexOf(QRegularExpression(QStringLiteral("[^0]")))));
            if (ta.size() != tb.size())
                return ta.size() < tb.size();
            if (ta != tb)
                return ta < tb;
            i = ei;
            j = ej;
            continue;
        }
        const QChar ca = a[i].toCaseFolded(), cb = b[j].toCaseFolded();
        if (ca != cb)
            return ca < cb;
        ++i;
        ++j;
    }
    return (a.size() - i) < (b.size() - j) || (a.size() - i == b.size() - j && a < b);
}

} // namespace

WorklistModel::WorklistModel(QObject* parent) : QAbstractTableModel(parent) {}

bool WorklistModel::setFolder(const QString& directory) {
    beginResetModel();
    m_entries.clear();
    m_folder.clear();
    const QDir dir(directory);
    const bool ok = dir.exists() && dir.isReadable();
    if (ok) {
        m_folder = dir.absolutePath();
        QStringList names =
            dir.entryList({QStringLiteral("*.txt"), QStringLiteral("*.text"), QStringLiteral("*.note"),
                           QStringLiteral("*.pdf"), QStringLiteral("*.TXT"), QStringLiteral("*.PDF")},
                          QDir::Files | QDir::Readable);
        names.removeDuplicates();
        std::sort(names.begin(), names.end(), naturalLess);
        for (const QString& name : names) {
            Entry entry;
            entry.path = dir.absoluteFilePath(name);
            entry.nameRank = static_cast<int>(m_entries.size());
            m_entries.push_back(std::move(entry));
        }
        if (m_byUncertainty)
            sortEntries();
    }
    endResetModel();
    return ok;
}

void WorklistModel::setMargins(const QVector<double>& margins) {
    beginResetModel();
    for (size_t row = 0; row < m_entries.size() && row < static_cast<size_t>(margins.size()); ++row)
        m_entries[row].margin = margins[static_cast<qsizetype>(row)];
    if (m_byUncertainty)
        sortEntries();
    endResetModel();
}

void WorklistModel::setUncertaintyOrder(bool byUncertainty) {
    beginResetModel();
    m_byUncertainty = byUncertainty;
    sortEntries();
    endResetModel();
}

double WorklistModel::margin(int row) const {
    return m_entries.at(static_cast<size_t>(row)).margin;
}

void WorklistModel::sortEntries() {
    std::stable_sort(m_entries.begin(), m_entries.end(), [this](const Entry& a, const Entry& b) {
        if (m_byUncertainty) {
            const bool knownA = !std::isnan(a.margin), knownB = !std::isnan(b.margin);
            if (knownA != knownB)
                return knownA;
            if (knownA && a.margin != b.margin)
                return a.margin < b.margin;
        }
        return a.nameRank < b.nameRank;
    });
}

QStringList WorklistModel::paths() const {
    QStringList result;
    for (const Entry& entry : m_entries)
        result << entry.path;
    return result;
}

void WorklistModel::setKeys(const QStringList& keys, const QHash<QString, QString>& statusByKey) {
    for (size_t row = 0; row < m_entries.size() && row < static_cast<size_t>(keys.size()); ++row) {
        Entry& entry = m_entries[row];
        entry.key = keys[static_cast<qsizetype>(row)];
        entry.status =
            entry.key.isEmpty() ? ChartStatus::New : chartStatusFromName(statusByKey.value(entry.key));
    }
    if (!m_entries.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void WorklistModel::setStatus(int row, ChartStatus status) {
    if (row < 0 || row >= rowCount() || m_entries[static_cast<size_t>(row)].status == status)
        return;
    m_entries[static_cast<size_t>(row)].status = status;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

ChartStatus WorklistModel::status(int row) const {
    return m_entries.at(static_cast<size_t>(row)).status;
}

QString WorklistModel::key(int row) const {
    return m_entries.at(static_cast<size_t>(row)).key;
}

QString WorklistModel::path(int row) const {
    return m_entries.at(static_cast<size_t>(row)).path;
}

int WorklistModel::rowForPath(const QString& path) const {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    for (size_t row = 0; row < m_entries.size(); ++row)
        if (m_entries[row].path == absolute)
            return static_cast<int>(row);
    return -1;
}

int WorklistModel::count(ChartStatus status) const {
    return static_cast<int>(std::count_if(m_entries.begin(), m_entries.end(),
                                          [status](const Entry& entry) { return entry.status == status; }));
}

QString WorklistModel::noteKey(const QString& path) {
    const NoteFile note = NoteFileReader::read(path);
    if (!note.ok())
        return {};
    return noteSha256(note.text);
}

int WorklistModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int WorklistModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WorklistModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& entry = m_entries[static_cast<size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == ChartColumn)
            return QFileInfo(entry.path).fileName();
        switch (entry.status) {
        case ChartStatus::New:
            return tr("○ new");
        case ChartStatus::InProgress:
            return tr("◐ in progress");
        case ChartStatus::Done:
            return tr("● done");
        }
        return {};
    case Qt::ToolTipRole:
        if (!std::isnan(entry.margin))
            return tr("%1\nClosest score to the threshold: %2 away (smaller = the model is less sure)")
                .arg(entry.path)
                .arg(entry.margin, 0, 'f', 3);
        return entry.path;
    case Qt::AccessibleTextRole:
        if (index.column() == StatusColumn)
            return chartStatusName(entry.status);
        return {};
    case PathRole:
        return entry.path;
    case StatusRole:
        return static_cast<int>(entry.status);
    case KeyRole:
        return entry.key;
    default:
        return {};
    }
}

QVariant WorklistModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    return section == ChartColumn ? tr("Chart") : tr("Status");
}

} // namespace fc::ui
