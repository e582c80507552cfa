#pragma once
// A folder of notes as a worklist: one row per note file (*.txt, *.text, *.note, *.pdf), in natural name
// order, with its status: new, in progress or done (shown as a word and a shape: ○ ◐ ●, never colour alone).
// A chart's status is stored against the SHA-256 of its text (noteKey), which is computed off the UI thread
// by the owner (see noteKey) and set with setKeys(); until then its status shows as new.
// Threading: UI thread only, except noteKey() (any thread).
#include <QAbstractTableModel>
#include <QHash>
#include <QStringList>

#include <QVector>

#include <limits>
#include <vector>

namespace fc::ui {

enum class ChartStatus { New, InProgress, Done };
QString chartStatusName(ChartStatus status);          // "new", "in progress", "done" (as stored)
ChartStatus chartStatusFromName(const QString& name); // unknown names are New

class WorklistModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { ChartColumn, StatusColumn, ColumnCount };
    enum Role { PathRole = Qt::UserRole + 1, StatusRole, KeyRole };

    explicit WorklistModel(QObject* parent = nullptr);

    // Lists the note files of `directory` (not recursive). Returns false (model emptied) when it is not a
    // readable folder. Every status starts as new.
    bool setFolder(const QString& directory);
    QString folder() const { return m_folder; }
    QStringList paths() const;

    // The SHA-256 of each file's note text (same order as paths(); empty = unreadable), then their statuses.
    void setKeys(const QStringList& keys, const QHash<QString, QString>& statusByKey);
    void setStatus(int row, ChartStatus status);
    ChartStatus status(int row) const;
    QString key(int row) const;
    QString path(int row) const;
    int rowForPath(const QString& path) const;
    int count(ChartStatus status) const;

    // Ordering by uncertainty (product.md): each chart's predictionMargin (same order as paths(); NaN =
    // unknown), then the rows ordered smallest margin first (unknown last, ties in name order). Resets the
    // model. setUncertaintyOrder(false) goes back to name order.
    void setMargins(const QVector<double>& margins);
    void setUncertaintyOrder(bool byUncertainty);
    bool isUncertaintyOrder() const { return m_byUncertainty; }
    double margin(int row) const; // NaN when unknown

    // SHA-256 (hex) of the note text NoteFileReader reads from this file; empty when it cannot be read.
    static QString noteKey(const QString& path);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Entry {
        QString path;
        QString key;
        ChartStatus status = ChartStatus::New;
        double margin = std::numeric_limits<double>::quiet_NaN();
        int nameRank = 0; // position in name order
    };
    void sortEntries();
    QString m_folder;
    std::vector<Entry> m_entries;
    bool m_byUncertainty = false;
};

} // namespace fc::ui
