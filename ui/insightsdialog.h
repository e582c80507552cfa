#pragma once
// Learn -> Insights…: acceptance rate per code, the codes most often added by hand (the model's misses) and
// calibration (score bins -> how often the coder kept such suggestions), from computeFeedbackInsights().
// Threading: reads the session's database on the UI thread when constructed or refreshed (one aggregate
// query).
#include "feedbackinsights.h"

#include <QDialog>

#include <memory>

class QLabel;
class QTableWidget;

namespace fc {
class CodeCatalog;
class CodingSession;
} // namespace fc

namespace fc::ui {

class InsightsDialog : public QDialog {
    Q_OBJECT
public:
    // The session's database and catalog (which may be null: codes are then shown without descriptions).
    explicit InsightsDialog(CodingSession* session, QWidget* parent = nullptr);

    void refresh();
    const FeedbackInsights& insights() const { return m_insights; }

private:
    QString describe(const std::string& code) const;

    CodingSession* m_session;
    std::shared_ptr<const CodeCatalog> m_catalog;
    FeedbackInsights m_insights;
    QLabel* m_summary = nullptr;
    QTableWidget* m_acceptance = nullptr;
    QTableWidget* m_misses = nullptr;
    QTableWidget* m_calibration = nullptr;
};

} // namespace fc::ui
