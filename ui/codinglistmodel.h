#pragma once
// The coded list of one chart: the accepted and added codes in sequence order (row 0 = principal), each
// with its optional present-on-admission indicator. Columns: sequence (1, 2, ...), role ("principal" for the
// first diagnosis, "secondary" for other diagnoses, "procedure" for ICD-10-PCS / ICD-9 procedure codes),
// code, description, POA. Rows can be moved (moveRows, drag and drop inside a view) and the POA edited
// (setData on PoaColumn with one of poaValues()).
// User edits (moveRows, drops, setPoa, setData) emit edited(); programmatic changes (setEntries, append,
// remove) do not, so the owner persists exactly what the coder changed.
// Threading: UI thread only.
#include "codingtypes.h"

#include <QAbstractTableModel>

#include <vector>

namespace fc::ui {

struct CodingListEntry {
    QString code;
    QString system;
    QString description;
    SuggestionStatus status = SuggestionStatus::Accepted; // Accepted or Added
    double score = -1.0;                                  // model score; negative when added without one
    QString poa;                                          // "" or one of poaValues()
};

class CodingListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    // Column 0 is the code (stable under moves and removals, as item-model testers expect); views put the
    // sequence first with QHeaderView::moveSection.
    enum Column { CodeColumn, SequenceColumn, RoleColumn, DescriptionColumn, PoaColumn, ColumnCount };
    enum Role { CodeRole = Qt::UserRole + 1, PoaRole, SequenceRole };
    static constexpr const char* kMimeType = "application/x-fusioncoder-coded-rows";

    explicit CodingListModel(QObject* parent = nullptr);

    void setEntries(std::vector<CodingListEntry> entries); // resets the model; order is kept as given
    const std::vector<CodingListEntry>& entries() const { return m_entries; }
    void clear() { setEntries({}); }
    // Appends the entry (last in sequence) unless its code is listed; returns its row.
    int append(const CodingListEntry& entry);
    bool remove(const QString& code); // false when not listed
    int rowForCode(const QString& code) const;
    int sequenceOf(const QString& code) const { return rowForCode(code) + 1; } // 1-based; 0 when absent
    QString roleOf(int row) const;                        // "principal", "secondary" or "procedure"
    static bool isProcedureSystem(const QString& system); // "icd-10-pcs", "icd-9-pcs"

    // Moves one row to `to` (the row it will occupy afterwards); emits edited(). False when out of range.
    bool moveEntry(int from, int to);
    bool setPoa(int row, const QString& poa); // false for a value outside poaValues()

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool moveRows(const QModelIndex& sourceParent, int sourceRow, int count,
                  const QModelIndex& destinationParent, int destinationChild) override;

    Qt::DropActions supportedDropActions() const override;
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                         const QModelIndex& parent) const override;
    bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                      const QModelIndex& parent) override;

Q_SIGNALS:
    // The coder reordered the list or changed a POA.
    void edited();

private:
    std::vector<CodingListEntry> m_entries;
};

} // namespace fc::ui
