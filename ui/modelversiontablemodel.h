#pragma once
// The registered model versions as a table (Learn dialog): id, name, created, parent, active, summary, path.
// A snapshot: call reload() after registering, activating or rolling back.
#include "fc/storage/model_repositories.h"

#include <QAbstractTableModel>

#include <vector>

namespace fc {
class ModelManager;
}

namespace fc::ui {

class ModelVersionTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, Name, Created, Parent, Active, Summary, Path, ColumnCount };

    explicit ModelVersionTableModel(ModelManager& manager, QObject* parent = nullptr);

    void reload();
    const storage::ModelVersionRecord* version(int row) const; // null outside [0, rowCount())

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    ModelManager& m_manager;
    std::vector<storage::ModelVersionRecord> m_versions; // oldest first
};

} // namespace fc::ui
