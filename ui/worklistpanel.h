#pragma once
// The worklist dock's content: the charts of a folder with their status, and a one-line summary. Each
// chart's key (SHA-256 of its note text) is computed off the UI thread, because PDF text extraction is slow;
// the stored statuses are then applied. Threading: UI thread only.
#include "worklistmodel.h"

#include <QWidget>

#include <functional>

class QLabel;
class QTableView;

namespace fc::ui {

class WorklistPanel : public QWidget {
    Q_OBJECT
public:
    explicit WorklistPanel(QWidget* parent = nullptr);

    WorklistModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }

    // Lists the folder's notes (false when it holds none) and starts computing their keys; `statuses`
    // is asked for the stored statuses (key -> name) when the keys are ready, then keysLoaded() follows.
    bool setFolder(const QString& directory, std::function<QHash<QString, QString>()> statuses);
    void setCurrentRow(int row);
    // Scores every chart with `scorer` (CodingSession::uncertaintyScorer) off the UI thread and orders the
    // list by uncertainty (least sure first) when done; uncertaintyScored() follows.
    void orderByUncertainty(std::function<double(const QString& text)> scorer);

Q_SIGNALS:
    void chartActivated(int row);
    void keysLoaded();
    void uncertaintyScored();

private:
    void updateSummary();

    WorklistModel* m_model = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_summary = nullptr;
};

} // namespace fc::ui
