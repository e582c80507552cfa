#pragma once
// Results of a search in the bundled code catalogs (CodeCatalog::search: code prefix or words) as a table:
// code, system, description, and whether the code is billable (header codes say "header").
// Threading: UI thread only; the catalog is shared and immutable.
#include <QAbstractTableModel>
#include <QList>

#include <memory>

#include "codecatalog.h"

namespace fc::ui {

class CatalogSearchModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { CodeColumn, SystemColumn, DescriptionColumn, BillableColumn, ColumnCount };
    enum Role { CodeRole = Qt::UserRole + 1, SystemRole, DescriptionRole, BillableRole };

    explicit CatalogSearchModel(QObject* parent = nullptr);

    // The catalog searched (null: every search is empty); `systems` limits it (empty = every loaded one).
    void setCatalog(std::shared_ptr<const CodeCatalog> catalog, const QStringList& systems = {});
    // The model's scores for the codes the current note supports; they rank first (rankForCoding).
    void setNoteScores(QHash<QString, double> scores);
    // Runs the search (a few ms) and resets the model. A blank query gives no rows. Hits are ordered by
    // rankForCoding: exact code, codes the note supports, billable codes, then header codes.
    void search(const QString& query, int limit = 100);
    QString query() const { return m_query; }
    const CatalogEntry& entry(int row) const { return m_hits.at(row).entry; }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const CodeCatalog> m_catalog;
    QStringList m_systems;
    QString m_query;
    QHash<QString, double> m_noteScores;
    QList<CatalogHit> m_hits;
};

} // namespace fc::ui
