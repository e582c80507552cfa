#include "evidencelistmodel.h"

#include "textoffsets.h"

#include <algorithm>

namespace fc::ui {

namespace {

QString folded(const QString& text) {
    return text.simplified();
}

} // namespace

EvidenceListModel::EvidenceListModel(QObject* parent) : QAbstractListModel(parent) {}

void EvidenceListModel::setEvidence(const QString& code, const QString& text,
                                    const std::vector<EvidenceSpan>& spans) {
    beginResetModel();
    m_code = code;
    m_rows.clear();
    std::vector<EvidenceSpan> kept;
    for (const EvidenceSpan& span : spans) {
        if (span.end <= span.begin || span.begin < 0)
            continue;
        kept.push_back(span);
    }
    std::stable_sort(kept.begin(), kept.end(),
                     [](const EvidenceSpan& a, const EvidenceSpan& b) { return a.weight > b.weight; });
    std::vector<std::int64_t> boundaries;
    for (const EvidenceSpan& span : kept)
        boundaries.insert(boundaries.end(), {std::max<std::int64_t>(0, span.begin - kContext), span.begin,
                                             span.end, span.end + kContext});
    const std::vector<qsizetype> at = utf16Indexes(text, boundaries);
    for (size_t i = 0; i < kept.size(); ++i) {
        const qsizetype from = at[4 * i], begin = at[4 * i + 1], end = at[4 * i + 2], to = at[4 * i + 3];
        if (begin >= text.size())
            continue;
        Row row;
        row.span = kept[i];
        row.evidence = folded(text.mid(begin, end - begin));
        row.snippet = folded((from > 0 ? QStringLiteral("…") : QString()) + text.mid(from, begin - from) +
                             QStringLiteral("«") + text.mid(begin, end - begin) + QStringLiteral("»") +
                             text.mid(end, to - end) + (to < text.size() ? QStringLiteral("…") : QString()));
        m_rows.push_back(std::move(row));
    }
    endResetModel();
}

void EvidenceListModel::clear() {
    beginResetModel();
    m_code.clear();
    m_rows.clear();
    endResetModel();
}

int EvidenceListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant EvidenceListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[static_cast<size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return tr("%1  (weight %2)").arg(row.snippet).arg(row.span.weight, 0, 'f', 2);
    case Qt::ToolTipRole:
        return tr("Click to show this phrase in the note (code points %1–%2)")
            .arg(row.span.begin)
            .arg(row.span.end);
    case BeginRole:
        return static_cast<qlonglong>(row.span.begin);
    case EndRole:
        return static_cast<qlonglong>(row.span.end);
    case WeightRole:
        return row.span.weight;
    case SnippetRole:
        return row.evidence;
    default:
        return {};
    }
}

} // namespace fc::ui
