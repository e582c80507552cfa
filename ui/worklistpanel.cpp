#include "worklistpanel.h"

#include "notefilereader.h"

#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace fc::ui {

namespace {
// Values computed for `paths` (the order when a job started), in the order of the rows now.
template <typename List>
List inCurrentOrder(const QStringList& paths, const List& values, const QStringList& now) {
    List ordered;
    for (const QString& path : now) {
        const qsizetype at = paths.indexOf(path);
        ordered << (at >= 0 && at < values.size() ? values[at] : typename List::value_type());
    }
    return ordered;
}
} // namespace

WorklistPanel::WorklistPanel(QWidget* parent) : QWidget(parent) {
    m_model = new WorklistModel(this);
    m_view = new QTableView(this);
    m_view->setModel(m_model);
    m_view->setAccessibleName(tr("Worklist charts"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(WorklistModel::ChartColumn, QHeaderView::Stretch);
    m_view->horizontalHeader()->setSectionResizeMode(WorklistModel::StatusColumn,
                                                     QHeaderView::ResizeToContents);
    connect(m_view, &QTableView::activated, this,
            [this](const QModelIndex& index) { Q_EMIT chartActivated(index.row()); });
    m_summary = new QLabel(this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 4);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_summary);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &WorklistPanel::updateSummary);
    connect(m_model, &QAbstractItemModel::modelReset, this, &WorklistPanel::updateSummary);
}

bool WorklistPanel::setFolder(const QString& directory, std::function<QHash<QString, QString>()> statuses) {
    if (!m_model->setFolder(directory) || m_model->rowCount() == 0)
        return false;
    const QStringList paths = m_model->paths();
    const QString folder = m_model->folder();
    auto* watcher = new QFutureWatcher<QStringList>(this);
    connect(watcher, &QFutureWatcher<QStringList>::finished, this,
            [this, watcher, folder, paths, statuses]() {
                const QStringList keys = watcher->result();
                watcher->deleteLater();
                if (folder != m_model->folder())
                    return; // another folder was opened meanwhile
                m_model->setKeys(inCurrentOrder(paths, keys, m_model->paths()),
                                 statuses ? statuses() : QHash<QString, QString>());
                updateSummary();
                Q_EMIT keysLoaded();
            });
    watcher->setFuture(QtConcurrent::run([paths]() {
        QStringList keys;
        for (const QString& path : paths)
            keys << WorklistModel::noteKey(path);
        return keys;
    }));
    updateSummary();
    return true;
}

void WorklistPanel::orderByUncertainty(std::function<double(const QString&)> scorer) {
    if (!scorer)
        return;
    const QStringList paths = m_model->paths();
    const QString folder = m_model->folder();
    auto* watcher = new QFutureWatcher<QVector<double>>(this);
    connect(watcher, &QFutureWatcher<QVector<double>>::finished, this, [this, watcher, folder, paths]() {
        const QVector<double> margins = watcher->result();
        watcher->deleteLater();
        if (folder != m_model->folder())
            return; // another folder meanwhile
        m_model->setMargins(inCurrentOrder(paths, margins, m_model->paths()));
        m_model->setUncertaintyOrder(true);
        Q_EMIT uncertaintyScored();
    });
    watcher->setFuture(QtConcurrent::run([paths, scorer]() {
        QVector<double> margins;
        for (const QString& path : paths) {
            const NoteFile note = NoteFileReader::read(path);
            margins << (note.ok() ? scorer(note.text) : std::numeric_limits<double>::quiet_NaN());
        }
        return margins;
    }));
}

void WorklistPanel::setCurrentRow(int row) {
    if (row >= 0)
        m_view->setCurrentIndex(m_model->index(row, 0));
}

void WorklistPanel::updateSummary() {
    m_summary->setText(tr("%1 new · %2 in progress · %3 done")
                           .arg(m_model->count(ChartStatus::New))
                           .arg(m_model->count(ChartStatus::InProgress))
                           .arg(m_model->count(ChartStatus::Done)));
}

} // namespace fc::ui
