#pragma once
// Which suggestions the table shows, sorted by SuggestionTableModel::SortRole:
//   Show::Suggested (default): codes at or above threshold - band (so uncertain ones too) and decided codes;
//   Show::All: every scored and added code;
//   Show::Decided: accepted, rejected and added codes.
// A filter text further narrows the rows: a row matches when its code starts with the text (case and dots
// ignored) or every word of the text starts a word of its description (case-insensitive).
// Threading: UI thread only.
#include <QSortFilterProxyModel>
#include <QStringList>

namespace fc::ui {

class SuggestionFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    enum class Show { Suggested, All, Decided };

    explicit SuggestionFilterProxy(QObject* parent = nullptr);

    void setShow(Show show);
    Show show() const { return m_show; }
    void setFilterText(const QString& text);
    QString filterText() const { return m_text; }

    // Re-evaluates every row (call after the source's threshold or band changed).
    void refilter();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    Show m_show = Show::Suggested;
    QString m_text;
    QString m_codePrefix; // m_text without dots, upper case
    QStringList m_words;  // m_text folded into words
};

} // namespace fc::ui
