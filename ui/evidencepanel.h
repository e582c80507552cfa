#pragma once
// The evidence of the selected code: one line per span with its context and weight; clicking a line asks the
// note to show that span (jumpRequested). Threading: UI thread only.
#include "fc/model/prediction.h"

#include <QWidget>

#include <vector>

class QLabel;
class QListView;

namespace fc::ui {

class EvidenceListModel;

class EvidencePanel : public QWidget {
    Q_OBJECT
public:
    explicit EvidencePanel(QWidget* parent = nullptr);

    EvidenceListModel* model() const { return m_model; }
    QListView* view() const { return m_view; }

    void showEvidence(const QString& code, const QString& text, const std::vector<EvidenceSpan>& spans);
    void showNoteChanged(); // the note was edited after the analysis: its offsets no longer apply
    void clear();

Q_SIGNALS:
    void jumpRequested(std::int64_t begin, std::int64_t end);

private:
    EvidenceListModel* m_model = nullptr;
    QListView* m_view = nullptr;
    QLabel* m_label = nullptr;
};

} // namespace fc::ui
