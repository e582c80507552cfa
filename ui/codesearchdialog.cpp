#include "codesearchdialog.h"

#include "catalogsearchmodel.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace fc::ui {

CodeSearchDialog::CodeSearchDialog(std::shared_ptr<const CodeCatalog> catalog, const QStringList& systems,
                                   QWidget* parent)
    : QDialog(parent), m_model(new CatalogSearchModel(this)), m_debounce(new QTimer(this)) {
    setWindowTitle(tr("Add a code"));
    const bool hasCatalog = catalog != nullptr;
    m_model->setCatalog(std::move(catalog), systems);

    m_query = new QLineEdit(this);
    m_query->setPlaceholderText(tr("Code prefix (e.g. N39) or words (e.g. urinary infection)"));
    m_query->setAccessibleName(tr("Search the code catalog"));
    m_query->setClearButtonEnabled(true);
    m_query->installEventFilter(this);

    m_view = new QTableView(this);
    m_view->setModel(m_model);
    m_view->setAccessibleName(tr("Catalog search results"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->setWordWrap(false);
    QHeaderView* header = m_view->horizontalHeader();
    header->setSectionResizeMode(CatalogSearchModel::CodeColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(CatalogSearchModel::SystemColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(CatalogSearchModel::DescriptionColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(CatalogSearchModel::BillableColumn, QHeaderView::ResizeToContents);
    m_view->installEventFilter(this);

    m_status = new QLabel(hasCatalog ? tr("Type a code or words; Enter adds the highlighted code.")
                                     : tr("No code catalog is loaded, so codes cannot be searched."),
                          this);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Add code"));
    connect(buttons, &QDialogButtonBox::accepted, this,
            [this]() { chooseRow(m_view->currentIndex().row()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_view, &QTableView::doubleClicked, this,
            [this](const QModelIndex& index) { chooseRow(index.row()); });

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_debounce, &QTimer::timeout, this, &CodeSearchDialog::runSearch);
    connect(m_query, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_query);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(760, 420);
}

void CodeSearchDialog::setNoteScores(const QHash<QString, double>& scores) {
    m_model->setNoteScores(scores);
}

void CodeSearchDialog::setQuery(const QString& query) {
    m_query->setText(query);
    m_query->selectAll();
    runSearch();
}

QString CodeSearchDialog::query() const {
    return m_query->text();
}

void CodeSearchDialog::runSearch() {
    m_debounce->stop();
    m_model->search(m_query->text());
    if (m_model->rowCount() > 0)
        m_view->setCurrentIndex(m_model->index(0, 0));
    if (!m_query->text().trimmed().isEmpty())
        m_status->setText(m_model->rowCount() == 0
                              ? tr("No code matches “%1”.").arg(m_query->text().trimmed())
                              : tr("%n code(s); Enter adds the highlighted one, "
                                   "Up/Down moves.",
                                   nullptr, m_model->rowCount()));
}

bool CodeSearchDialog::chooseRow(int row) {
    if (m_debounce->isActive())
        runSearch();
    if (row < 0 || row >= m_model->rowCount())
        return false;
    const CatalogEntry& entry = m_model->entry(row);
    Q_EMIT codeChosen(entry.code, entry.system, codeDescription(entry));
    accept();
    return true;
}

bool CodeSearchDialog::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            if (m_debounce->isActive())
                runSearch();
            chooseRow(m_view->currentIndex().row());
            return true;
        }
        // Up/Down in the search box move through the hits so the hands stay on the keys.
        if (watched == m_query && (key->key() == Qt::Key_Down || key->key() == Qt::Key_Up)) {
            if (m_debounce->isActive())
                runSearch();
            const int row = m_view->currentIndex().row() + (key->key() == Qt::Key_Down ? 1 : -1);
            if (row >= 0 && row < m_model->rowCount())
                m_view->setCurrentIndex(m_model->index(row, 0));
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace fc::ui
