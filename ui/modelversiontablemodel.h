#pragma once
// The registered model versions as a table (Learn dialog): id, name, created, parent, active, summary, path.
// A snapshot of CodingSession::modelVersions(): set again after registering, activating or rolling back.
#include "codingsession.h"

#include <QAbstractTableModel>

#include <vector>

namespace fc::ui {

class ModelVersionTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, Name, Created, Parent, Active, Summary, Path, ColumnCount };

    explicit ModelVersionTableModel(QObject* parent = nullptr);

    void setVersions(std::vector<ModelVersion> versions); // oldest first
    const ModelVersion* version(int row) const;           // null outside [0, rowCount())

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<ModelVersion> m_versions; // oldest first
};

} // namespace fc::ui
