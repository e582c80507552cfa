#include "suggestionpanel.h"

#include "confidencedelegate.h"
#include "suggestionfilterproxy.h"
#include "suggestiontablemodel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace fc::ui {

namespace {
constexpr int kSliderSteps = 1000;
}

SuggestionPanel::SuggestionPanel(QWidget* parent) : QWidget(parent) {
    m_model = new SuggestionTableModel(this);
    m_proxy = new SuggestionFilterProxy(this);
    m_proxy->setSourceModel(m_model);
    connect(m_model, &SuggestionTableModel::classificationChanged, m_proxy, &SuggestionFilterProxy::refilter);

    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setAccessibleName(tr("Suggestions"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(SuggestionTableModel::ConfidenceColumn, Qt::DescendingOrder);
    m_table->setItemDelegateForColumn(SuggestionTableModel::ConfidenceColumn,
                                      new ConfidenceDelegate(m_table));
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    m_table->setWordWrap(false);
    QHeaderView* header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Fixed);
    header->setSectionResizeMode(SuggestionTableModel::DescriptionColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(SuggestionTableModel::ConfidenceColumn, QHeaderView::Interactive);
    header->resizeSection(SuggestionTableModel::ConfidenceColumn, 150);
    // Code, system and status fit their widest text, measured in bold (decided rows are bold) whenever rows
    // come or go: QHeaderView::ResizeToContents missed rows added later (a code added from the catalog).
    connect(m_model, &QAbstractItemModel::modelReset, this, &SuggestionPanel::sizeColumns);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &SuggestionPanel::sizeColumns);
    sizeColumns();
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this]() {
        const bool hasCurrent = m_table->currentIndex().isValid();
        m_accept->setEnabled(hasCurrent);
        m_reject->setEnabled(hasCurrent);
        Q_EMIT currentChanged();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &SuggestionPanel::currentChanged);

    auto* title = new QLabel(tr("<b>Suggestions</b>"), this);
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter: code or words (Ctrl+F)"));
    m_filter->setAccessibleName(tr("Filter suggestions"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &SuggestionFilterProxy::setFilterText);
    m_show = new QComboBox(this);
    m_show->setAccessibleName(tr("Which suggestions to show"));
    m_show->addItem(tr("Above threshold + uncertain"),
                    static_cast<int>(SuggestionFilterProxy::Show::Suggested));
    m_show->addItem(tr("All codes"), static_cast<int>(SuggestionFilterProxy::Show::All));
    m_show->addItem(tr("Decided only"), static_cast<int>(SuggestionFilterProxy::Show::Decided));
    connect(m_show, &QComboBox::currentIndexChanged, this, [this]() {
        const QString code = currentCode();
        m_proxy->setShow(static_cast<SuggestionFilterProxy::Show>(m_show->currentData().toInt()));
        if (!code.isEmpty())
            selectCode(code);
    });

    m_box = new QDoubleSpinBox(this);
    m_box->setRange(0.0, 1.0);
    m_box->setSingleStep(0.01);
    m_box->setDecimals(3);
    m_box->setValue(m_model->threshold());
    m_box->setToolTip(tr("Codes scoring below the threshold minus the uncertain band are hidden (decided "
                         "codes stay visible); codes within the band are marked “?”."));
    m_box->setAccessibleName(tr("Threshold"));
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setRange(0, kSliderSteps);
    m_slider->setAccessibleName(tr("Threshold slider"));
    m_slider->setToolTip(m_box->toolTip());
    m_slider->setMinimumWidth(100);
    connect(m_box, &QDoubleSpinBox::valueChanged, this, &SuggestionPanel::setThreshold);
    connect(m_slider, &QSlider::valueChanged, this,
            [this](int value) { setThreshold(static_cast<double>(value) / kSliderSteps); });
    m_modelDefault = new QPushButton(tr("Model default"), this);
    m_modelDefault->setToolTip(tr("Back to the threshold the model was tuned with"));
    connect(m_modelDefault, &QPushButton::clicked, this, [this]() { setThreshold(m_modelThreshold); });
    auto* thresholdLabel = new QLabel(tr("&Threshold:"), this);
    thresholdLabel->setBuddy(m_box);

    auto* top = new QHBoxLayout;
    top->addWidget(title);
    top->addWidget(m_filter, 2);
    top->addWidget(m_show);
    auto* thresholdRow = new QHBoxLayout;
    thresholdRow->addWidget(thresholdLabel);
    thresholdRow->addWidget(m_slider, 1);
    thresholdRow->addWidget(m_box);
    thresholdRow->addWidget(m_modelDefault);

    m_accept = new QPushButton(tr("Accept (A)"), this);
    m_reject = new QPushButton(tr("Reject (R)"), this);
    m_accept->setToolTip(tr("Accept the selected code (A; Enter accepts and moves to the next code)"));
    m_reject->setToolTip(tr("Reject the selected code (R)"));
    m_accept->setEnabled(false);
    m_reject->setEnabled(false);
    connect(m_accept, &QPushButton::clicked, this, &SuggestionPanel::acceptRequested);
    connect(m_reject, &QPushButton::clicked, this, &SuggestionPanel::rejectRequested);
    auto* add = new QPushButton(tr("Add code… (Ctrl+K)"), this);
    connect(add, &QPushButton::clicked, this, &SuggestionPanel::addCodeRequested);
    auto* hint = new QLabel(
        tr("Enter = accept and next · Shift+A = accept all above threshold · F1 = all keys"), this);
    hint->setEnabled(false);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_accept);
    buttons->addWidget(m_reject);
    buttons->addWidget(add);
    buttons->addWidget(hint, 1);

    m_blindNote =
        new QLabel(tr("<b>Blind first pass.</b> Code the chart from the note first: Add code (Ctrl+K) "
                      "puts codes on the coded chart. Then reveal the model's suggestions "
                      "(Ctrl+Shift+R) to compare."),
                   this);
    m_blindNote->setWordWrap(true);
    m_blindNote->setAlignment(Qt::AlignCenter);
    m_blindNote->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addLayout(thresholdRow);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_blindNote, 1);
    layout->addLayout(buttons);
}

void SuggestionPanel::sizeColumns() {
    QFont bold = m_table->font();
    bold.setBold(true);
    const QFontMetrics metrics(bold);
    QHeaderView* header = m_table->horizontalHeader();
    for (const int column : {int(SuggestionTableModel::CodeColumn), int(SuggestionTableModel::SystemColumn),
                             int(SuggestionTableModel::StatusColumn)}) {
        QStringList texts{m_model->headerData(column, Qt::Horizontal).toString()};
        if (column == SuggestionTableModel::StatusColumn)
            texts << QStringLiteral("suggested") << QStringLiteral("accepted") << QStringLiteral("rejected");
        else if (column == SuggestionTableModel::SystemColumn)
            texts << QStringLiteral("ICD-10-PCS");
        for (int row = 0; row < m_model->rowCount(); ++row)
            texts << m_model->index(row, column).data().toString();
        texts.removeDuplicates();
        int width = 0;
        for (const QString& text : texts)
            width = std::max(width, metrics.horizontalAdvance(text));
        header->resizeSection(column,
                              width + 2 * m_table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin) + 16);
    }
}

void SuggestionPanel::setModelThreshold(double threshold) {
    m_modelThreshold = threshold;
    m_modelDefault->setText(tr("Model default (%1)").arg(threshold, 0, 'f', 2));
}

void SuggestionPanel::setThreshold(double threshold) {
    threshold = std::clamp(threshold, 0.0, 1.0);
    {
        const QSignalBlocker blockBox(m_box);
        const QSignalBlocker blockSlider(m_slider);
        m_box->setValue(threshold);
        m_slider->setValue(static_cast<int>(threshold * kSliderSteps + 0.5));
    }
    if (threshold == m_model->threshold())
        return;
    const QString code = currentCode();
    m_model->setThreshold(threshold);
    if (!code.isEmpty() && m_model->isShownByDefault(m_model->suggestion(m_model->rowForCode(code))))
        selectCode(code);
    Q_EMIT thresholdChanged(threshold);
}

bool SuggestionPanel::selectCode(const QString& code) {
    const int row = m_model->rowForCode(code);
    if (row < 0)
        return false;
    QModelIndex index = m_proxy->mapFromSource(m_model->index(row, SuggestionTableModel::CodeColumn));
    if (!index.isValid()) {
        // Hidden by the filter: show everything rather than fail.
        m_filter->clear();
        m_show->setCurrentIndex(m_show->findData(static_cast<int>(SuggestionFilterProxy::Show::All)));
        index = m_proxy->mapFromSource(m_model->index(row, SuggestionTableModel::CodeColumn));
        if (!index.isValid())
            return false;
    }
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index);
    return true;
}

bool SuggestionPanel::selectViewRow(int row) {
    if (row < 0 || row >= m_proxy->rowCount())
        return false;
    const QModelIndex index = m_proxy->index(row, SuggestionTableModel::CodeColumn);
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index);
    return true;
}

void SuggestionPanel::moveSelection(int delta) {
    const int row = m_table->currentIndex().isValid() ? m_table->currentIndex().row() + delta : 0;
    selectViewRow(std::clamp(row, 0, std::max(0, m_proxy->rowCount() - 1)));
}

QString SuggestionPanel::currentCode() const {
    return m_table->currentIndex().data(SuggestionTableModel::CodeRole).toString();
}

int SuggestionPanel::currentSourceRow() const {
    const QModelIndex current = m_table->currentIndex();
    return current.isValid() ? m_proxy->mapToSource(current).row() : -1;
}

void SuggestionPanel::setBlind(bool blind) {
    m_blind = blind;
    m_table->setVisible(!blind);
    m_blindNote->setVisible(blind);
    m_accept->setVisible(!blind);
    m_reject->setVisible(!blind);
}

void SuggestionPanel::focusFilter() {
    m_filter->setFocus();
    m_filter->selectAll();
}

} // namespace fc::ui
