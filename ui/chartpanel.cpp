#include "chartpanel.h"

#include "codinglistmodel.h"

#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace fc::ui {

ChartPanel::ChartPanel(QWidget* parent) : QWidget(parent) {
    m_model = new CodingListModel(this);
    m_view = new QTableView(this);
    m_view->setModel(m_model);
    m_view->setAccessibleName(tr("Coded chart"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_view->setDragEnabled(true);
    m_view->setAcceptDrops(true);
    m_view->setDropIndicatorShown(true);
    m_view->setDragDropMode(QAbstractItemView::InternalMove);
    m_view->setDefaultDropAction(Qt::MoveAction);
    m_view->verticalHeader()->hide();
    m_view->setWordWrap(false);
    QHeaderView* header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Fixed);
    header->setSectionResizeMode(CodingListModel::DescriptionColumn, QHeaderView::Stretch);
    header->moveSection(header->visualIndex(CodingListModel::SequenceColumn), 0);
    header->moveSection(header->visualIndex(CodingListModel::RoleColumn), 1);
    m_view->installEventFilter(this);
    setTableFont(m_view->font());
    connect(m_model, &CodingListModel::edited, this, &ChartPanel::edited);
    // The code column follows what is listed (an added code says so); the others are fixed.
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &ChartPanel::sizeColumns);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ChartPanel::sizeColumns);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ChartPanel::sizeColumns);

    m_label = new QLabel(this);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &ChartPanel::updateLabel);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &ChartPanel::updateLabel);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ChartPanel::updateLabel);
    updateLabel();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_view, 1);
}

void ChartPanel::updateLabel() {
    m_label->setText(tr("<b>Coded chart</b> · %n code(s) · Ctrl+↑/↓ or drag to reorder · "
                        "Y N U W 1 set POA · Del removes",
                        nullptr, m_model->rowCount()));
}

QString ChartPanel::currentCode() const {
    const QModelIndex index = m_view->currentIndex();
    return index.isValid() ? index.data(CodingListModel::CodeRole).toString() : QString();
}

void ChartPanel::setTableFont(const QFont& font) {
    m_view->setFont(font);
    m_view->verticalHeader()->setDefaultSectionSize(QFontMetrics(font).height() + 8);
    sizeColumns();
}

void ChartPanel::sizeColumns() {
    // The principal diagnosis is drawn bold: measure every candidate in the bold font, plus the cell margins.
    QFont bold = m_view->font();
    bold.setBold(true);
    const QFontMetrics metrics(bold);
    const int padding = 2 * m_view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_view) + 16;
    const auto widest = [&](const QStringList& texts) {
        int width = 0;
        for (const QString& text : texts)
            width = std::max(width, metrics.horizontalAdvance(text));
        return width + padding;
    };
    const auto headerText = [this](int column) {
        return m_model->headerData(column, Qt::Horizontal).toString();
    };
    QHeaderView* header = m_view->horizontalHeader();
    header->resizeSection(CodingListModel::SequenceColumn,
                          widest({QStringLiteral("99"), headerText(CodingListModel::SequenceColumn)}));
    header->resizeSection(CodingListModel::RoleColumn,
                          widest({QStringLiteral("principal"), QStringLiteral("secondary"),
                                  QStringLiteral("procedure"), headerText(CodingListModel::RoleColumn)}));
    // Codes: at least a typical eight-character ICD-10-CM code, else the widest code listed (with "(added)").
    QStringList codes{QStringLiteral("M99.999A"), headerText(CodingListModel::CodeColumn)};
    for (int row = 0; row < m_model->rowCount(); ++row)
        codes << m_model->index(row, CodingListModel::CodeColumn).data().toString();
    header->resizeSection(CodingListModel::CodeColumn, widest(codes));
    header->resizeSection(CodingListModel::PoaColumn, widest({QStringLiteral("W"), QStringLiteral("—"),
                                                              headerText(CodingListModel::PoaColumn)}));
}

bool ChartPanel::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_view && event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        const QModelIndex current = m_view->currentIndex();
        const QString text = key->text().toUpper();
        if (current.isValid() && !(key->modifiers() & (Qt::ControlModifier | Qt::AltModifier))) {
            if (key->key() == Qt::Key_Backspace) {
                m_model->setPoa(current.row(), QString());
                return true;
            }
            if (!text.isEmpty() && poaValues().contains(text)) {
                m_model->setPoa(current.row(), text);
                return true;
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace fc::ui
