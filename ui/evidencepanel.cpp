#include "evidencepanel.h"

#include "evidencelegend.h"
#include "evidencelistmodel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QVBoxLayout>

namespace fc::ui {

EvidencePanel::EvidencePanel(QWidget* parent) : QWidget(parent) {
    m_model = new EvidenceListModel(this);
    m_view = new QListView(this);
    m_view->setModel(m_model);
    m_view->setAccessibleName(tr("Evidence snippets"));
    m_view->setWordWrap(true);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setMinimumHeight(m_view->fontMetrics().height() * 3);
    const auto jump = [this](const QModelIndex& index) {
        if (index.isValid())
            Q_EMIT jumpRequested(index.data(EvidenceListModel::BeginRole).toLongLong(),
                                 index.data(EvidenceListModel::EndRole).toLongLong());
    };
    connect(m_view, &QListView::clicked, this, jump);
    connect(m_view, &QListView::activated, this, jump);
    m_label = new QLabel(this);
    m_label->setTextFormat(Qt::PlainText);
    auto* top = new QHBoxLayout;
    top->addWidget(m_label, 1);
    top->addWidget(new EvidenceLegend(this));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);
}

void EvidencePanel::showEvidence(const QString& code, const QString& text,
                                 const std::vector<EvidenceSpan>& spans) {
    m_model->setEvidence(code, text, spans);
    m_label->setText(spans.empty() ? tr("%1: no evidence in the note.").arg(code)
                                   : tr("Evidence for %1 (click to show):").arg(code));
}

void EvidencePanel::showNoteChanged() {
    m_model->clear();
    m_label->setText(tr("The note changed since the analysis; evidence will show after the update."));
}

void EvidencePanel::clear() {
    m_model->clear();
    m_label->clear();
}

} // namespace fc::ui
