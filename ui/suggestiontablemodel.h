#pragma once
// The suggestions of one analysis as a table: code, description, system, confidence, status.
// Rows: every code scoring at or above the threshold, plus every code with a decision (accepted,
// rejected, added) whatever its score, in the order given (score descending for a prediction).
// Sort with SortRole (a QSortFilterProxyModel with sortRole() = SortRole): scores sort as doubles.
// Threading: UI thread only.
#include "suggestion.h"

#include <QAbstractTableModel>

#include <vector>

namespace fc::ui {

class SuggestionTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { CodeColumn, DescriptionColumn, SystemColumn, ConfidenceColumn, StatusColumn, ColumnCount };
    enum Role {
        SortRole =
            Qt::UserRole + 1, // per column: code string, description, system, score (double), status rank
        ScoreRole,            // double in [0, 1]; negative when the code has no model score
        CodeRole,             // QString
        StatusRole,           // int (SuggestionStatus)
    };

    explicit SuggestionTableModel(QObject* parent = nullptr);

    // Replaces all suggestions (resets the model). `all` holds every scored code, not only visible ones.
    void setSuggestions(std::vector<Suggestion> all, double threshold);
    void clear();
    // Shows codes scoring >= threshold (and decided codes); resets the model when the visible set changes.
    void setThreshold(double threshold);
    double threshold() const { return m_threshold; }

    // Changes the status of a visible row; emits dataChanged for the whole row (fonts depend on status).
    void setStatus(int row, SuggestionStatus status);
    // Sets the status of a code among all suggestions, appending it (as an added code without score) when
    // the model did not score it. Returns the visible row afterwards.
    int setStatusForCode(const QString& code, const QString& system, SuggestionStatus status);

    const Suggestion& suggestion(int row) const; // row in [0, rowCount())
    int rowForCode(const QString& code) const;   // visible row, or -1
    int totalCount() const { return static_cast<int>(m_all.size()); }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    bool isVisible(const Suggestion& suggestion) const;
    std::vector<int> visibleRows() const;

    std::vector<Suggestion> m_all;
    std::vector<int> m_rows; // visible row -> index into m_all
    double m_threshold = 0.5;
};

} // namespace fc::ui
