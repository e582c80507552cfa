#pragma once
// Every code of one analysis as a table: code, description, system, confidence, status. Rows are all the
// scored codes in the order given (score descending for a prediction) followed by codes the coder added;
// which rows are shown is the business of SuggestionFilterProxy. The model knows the threshold and the
// uncertain band so that views and proxies can tell codes apart:
//   above threshold: score >= threshold;
//   uncertain:       |score - threshold| <= band (on either side of the threshold; band 0 = none);
//   shown by default (ShownByDefaultRole): score >= threshold - band, or any decided code.
// Uncertain rows are marked by a "?" after the number, an italic font and a hatched bar (ConfidenceDelegate),
// never by colour alone.
// Sort with SortRole (a proxy with sortRole() = SortRole): scores sort as doubles.
// Threading: UI thread only.
#include "codingtypes.h"

#include <QAbstractTableModel>
#include <QHash>

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
        AboveThresholdRole,   // bool: score >= threshold
        UncertainRole,        // bool: scored and within the band around the threshold
        ShownByDefaultRole,   // bool: score >= threshold - band, or decided
        DecidedRole,          // bool: status is not Suggested
        SystemRole,           // QString: "icd-10-cm", ...
        DescriptionRole,      // QString: catalog description, empty when unknown
    };

    explicit SuggestionTableModel(QObject* parent = nullptr);

    // Replaces all suggestions (resets the model).
    void setSuggestions(std::vector<Suggestion> all, double threshold);
    void clear();
    // Changing the threshold or the band emits dataChanged for every row (the derived roles change).
    void setThreshold(double threshold);
    double threshold() const { return m_threshold; }
    void setUncertainBand(double band); // half-width in score units, >= 0
    double uncertainBand() const { return m_band; }

    // Changes the status of a row; emits dataChanged for the whole row (fonts depend on status).
    void setStatus(int row, SuggestionStatus status);
    // Sets the status of a code, appending it (as an added code without score) when the model did not
    // score it. Returns its row.
    // `description` is used for a new row (a code the model did not score).
    int setStatusForCode(const QString& code, const QString& system, SuggestionStatus status,
                         const QString& description = {});
    // Records the coded-list position and POA of a row (kept with the suggestion; not displayed here).
    void setCoding(int row, int sequence, const QString& poa);

    const Suggestion& suggestion(int row) const; // row in [0, rowCount())
    int rowForCode(const QString& code) const;   // or -1
    int totalCount() const { return rowCount(); }
    const std::vector<Suggestion>& suggestions() const { return m_all; }

    bool isUncertain(const Suggestion& suggestion) const;
    bool isShownByDefault(const Suggestion& suggestion) const;

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // The threshold or the band changed (after the dataChanged for every row).
    void classificationChanged();

private:
    void emitAllChanged();

    std::vector<Suggestion> m_all;
    QHash<QString, int> m_rowOfCode;
    double m_threshold = 0.5;
    double m_band = 0.1;
};

} // namespace fc::ui
