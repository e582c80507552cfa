#pragma once
// The evidence snippets of the selected code, strongest first: each row shows the span's text with a few
// words of context and its weight. BeginRole/EndRole give the code-point span to jump to.
// Threading: UI thread only.
#include "fc/model/prediction.h"

#include <QAbstractListModel>

#include <vector>

namespace fc::ui {

class EvidenceListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role { BeginRole = Qt::UserRole + 1, EndRole, WeightRole, SnippetRole };
    static constexpr int kContext = 40; // code points of context on each side

    explicit EvidenceListModel(QObject* parent = nullptr);

    // `text` is the note the code-point spans refer to. Empty spans and spans outside the text are skipped.
    void setEvidence(const QString& code, const QString& text, const std::vector<EvidenceSpan>& spans);
    void clear();
    QString code() const { return m_code; }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    struct Row {
        EvidenceSpan span;
        QString evidence; // the span's text, whitespace runs folded
        QString snippet;  // context «evidence» context, whitespace runs folded
    };
    QString m_code;
    std::vector<Row> m_rows;
};

} // namespace fc::ui
