#include "learndialog.h"

#include "codingsession.h"
#include "modelversiontablemodel.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace fc::ui {

namespace {

QString eta(double seconds) {
    if (seconds < 0)
        return QStringLiteral("–");
    const auto s = static_cast<qint64>(std::llround(seconds));
    return s >= 60 ? QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60) : QObject::tr("%1 s").arg(s);
}

QTableWidgetItem* number(double value, bool signedChange = false) {
    auto* item = new QTableWidgetItem(signedChange ? QString::asprintf("%+.4f", value)
                                                   : QString::number(value, 'f', 4));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace

LearnDialog::LearnDialog(CodingSession* session, const QString& versionsDir, QWidget* parent)
    : QDialog(parent), m_session(session), m_job(new FineTuneJob(this)) {
    setWindowTitle(tr("Learn from your decisions"));
    m_settings.databasePath = session->databasePath();
    m_settings.versionsDir = versionsDir;
    m_settings.catalog = session->catalog();
    m_settings.options.threads = session->threads();
    const auto active = session->activeVersion();
    m_settings.baseModelDir =
        active ? active->path : QString::fromStdString(session->liveModel().info.directory);

    auto* layout = new QVBoxLayout(this);
    auto* feedback = new QGroupBox(tr("Collected feedback"), this);
    auto* feedbackLayout = new QVBoxLayout(feedback);
    m_counts = new QLabel(feedback);
    m_counts->setWordWrap(true);
    feedbackLayout->addWidget(m_counts);
    layout->addWidget(feedback);

    auto* run = new QGroupBox(tr("Fine-tuning"), this);
    auto* runLayout = new QVBoxLayout(run);
    auto* base = new QLabel(tr("Starts from: %1").arg(m_settings.baseModelDir), run);
    base->setTextInteractionFlags(Qt::TextSelectableByMouse);
    runLayout->addWidget(base);
    auto* runRow = new QHBoxLayout;
    m_start = new QPushButton(tr("&Start fine-tuning"), run);
    m_cancel = new QPushButton(tr("&Cancel"), run);
    m_progress = new QProgressBar(run);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(true);
    runRow->addWidget(m_start);
    runRow->addWidget(m_progress, 1);
    runRow->addWidget(m_cancel);
    runLayout->addLayout(runRow);
    m_status = new QLabel(tr("Not started."), run);
    runLayout->addWidget(m_status);
    layout->addWidget(run);

    auto* gate = new QGroupBox(tr("Current model vs new model"), this);
    auto* gateLayout = new QVBoxLayout(gate);
    m_comparison = new QTableWidget(0, 4, gate);
    m_comparison->setObjectName(QStringLiteral("comparison"));
    m_comparison->setHorizontalHeaderLabels({tr("Measure"), tr("Current"), tr("New"), tr("Change")});
    m_comparison->verticalHeader()->hide();
    m_comparison->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_comparison->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_codeChanges = new QTableWidget(0, 4, gate);
    m_codeChanges->setObjectName(QStringLiteral("codeChanges"));
    m_codeChanges->setHorizontalHeaderLabels(
        {tr("Code"), tr("Held-out notes"), tr("F1 current"), tr("F1 new")});
    m_codeChanges->verticalHeader()->hide();
    m_codeChanges->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_codeChanges->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto* tables = new QHBoxLayout;
    tables->addWidget(m_comparison, 3);
    tables->addWidget(m_codeChanges, 2);
    gateLayout->addLayout(tables);
    m_verdict = new QLabel(tr("Run fine-tuning to compare."), gate);
    m_verdict->setWordWrap(true);
    gateLayout->addWidget(m_verdict);
    layout->addWidget(gate, 1);

    auto* versions = new QGroupBox(tr("Model versions"), this);
    auto* versionsLayout = new QVBoxLayout(versions);
    m_versions = new ModelVersionTableModel(this);
    m_versionView = new QTableView(versions);
    m_versionView->setObjectName(QStringLiteral("versions"));
    m_versionView->setModel(m_versions);
    m_versionView->verticalHeader()->hide();
    m_versionView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_versionView->horizontalHeader()->setSectionResizeMode(ModelVersionTableModel::Summary,
                                                            QHeaderView::Stretch);
    versionsLayout->addWidget(m_versionView);
    auto* versionButtons = new QHBoxLayout;
    m_activate = new QPushButton(tr("&Activate new model"), versions);
    m_rollback = new QPushButton(tr("&Roll back"), versions);
    m_activate->setEnabled(false);
    versionButtons->addWidget(m_activate);
    versionButtons->addWidget(m_rollback);
    versionButtons->addStretch(1);
    versionsLayout->addLayout(versionButtons);
    layout->addWidget(versions, 1);

    auto* close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    layout->addWidget(close);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);

    connect(m_start, &QPushButton::clicked, this, &LearnDialog::startFineTuning);
    connect(m_cancel, &QPushButton::clicked, m_job, &FineTuneJob::cancel);
    connect(m_job, &FineTuneJob::progress, this, &LearnDialog::onProgress);
    connect(m_job, &FineTuneJob::finished, this, &LearnDialog::showResult);
    connect(m_job, &FineTuneJob::failed, this, &LearnDialog::onFailed);
    connect(m_job, &FineTuneJob::cancelled, this, [this] {
        setRunning(false);
        m_progress->setValue(0);
        m_status->setText(tr("Cancelled: nothing was registered."));
    });
    connect(m_activate, &QPushButton::clicked, this, &LearnDialog::activateNewVersion);
    connect(m_rollback, &QPushButton::clicked, this, &LearnDialog::rollBack);
    connect(m_session, &CodingSession::modelChanged, this, [this](const LiveModel& model) {
        if (model.versionId != 0)
            m_status->setText(
                tr("Version %1 is active; the note is analysed again with it.").arg(model.versionId));
        if (const auto active = m_session->activeVersion())
            m_settings.baseModelDir = active->path; // the next run starts from it
        m_versions->setVersions(m_session->modelVersions());
    });
    connect(m_session, &CodingSession::modelLoadFailed, this, [this](const QString& error) {
        m_status->setText(tr("The model could not be switched: %1").arg(error));
    });
    setRunning(false);
    m_versions->setVersions(m_session->modelVersions());
    refreshCounts();
    resize(900, 720);
}

LearnDialog::~LearnDialog() = default;

void LearnDialog::refreshCounts() {
    const FeedbackCounts counts = m_session->feedbackCounts();
    QStringList kinds;
    for (const char* kind : {"accepted", "rejected", "added", "removed"}) {
        const auto it = counts.decisions.find(kind);
        kinds << tr("%1 %2").arg(it == counts.decisions.end() ? 0 : it->second).arg(QLatin1String(kind));
    }
    m_counts->setText(tr("<b>%1</b> reviewed notes; decisions: %2.")
                          .arg(counts.reviewedNotes)
                          .arg(kinds.join(QStringLiteral(", "))));
    m_start->setEnabled(counts.reviewedNotes >= 2 && !m_job->isRunning());
}

void LearnDialog::setRunning(bool running) {
    m_start->setEnabled(!running);
    m_cancel->setEnabled(running);
    m_rollback->setEnabled(!running);
    if (running)
        m_activate->setEnabled(false);
}

void LearnDialog::startFineTuning() {
    if (!m_job->start(m_settings))
        return;
    setRunning(true);
    m_progress->setValue(0);
    m_status->setText(tr("Collecting reviewed notes…"));
    m_comparison->setRowCount(0);
    m_codeChanges->setRowCount(0);
    m_verdict->setText(tr("Running…"));
}

void LearnDialog::onProgress(const FineTuneJobProgress& p) {
    m_progress->setValue(static_cast<int>(std::lround(p.fraction * 1000)));
    if (p.phase == QLatin1String("train"))
        m_status->setText(tr("Epoch %1/%2 · %3/%4 examples · loss %5 · remaining about %6")
                              .arg(p.epoch)
                              .arg(p.epochs)
                              .arg(p.examplesDone)
                              .arg(p.examples)
                              .arg(p.loss, 0, 'f', 4)
                              .arg(eta(p.etaSeconds)));
    else if (!p.message.isEmpty())
        m_status->setText(p.message);
}

void LearnDialog::onFailed(const QString& message) {
    setRunning(false);
    m_status->setText(tr("Fine-tuning failed: %1").arg(message));
    m_verdict->setText(QString());
    refreshCounts();
}

void LearnDialog::showResult(const FineTuneJobResult& result) {
    setRunning(false);
    m_progress->setValue(1000);
    m_newVersionId = result.newVersionId;
    const ModelComparison& c = result.comparison;
    m_comparison->setRowCount(0);
    const auto addRows = [&](const QString& set, const EvalMetrics& before, const EvalMetrics& after) {
        const double pk[2] = {c.k == 5 ? before.p_at_5 : before.p_at_8,
                              c.k == 5 ? after.p_at_5 : after.p_at_8};
        const struct {
            QString name;
            double before, after;
        } rows[] = {{tr("%1: micro-F1").arg(set), before.micro_f1, after.micro_f1},
                    {tr("%1: macro-F1").arg(set), before.macro_f1, after.macro_f1},
                    {tr("%1: P@%2").arg(set).arg(c.k), pk[0], pk[1]}};
        for (const auto& row : rows) {
            const int r = m_comparison->rowCount();
            m_comparison->insertRow(r);
            m_comparison->setItem(r, 0, new QTableWidgetItem(row.name));
            m_comparison->setItem(r, 1, number(row.before));
            m_comparison->setItem(r, 2, number(row.after));
            m_comparison->setItem(r, 3, number(row.after - row.before, true));
        }
    };
    addRows(tr("Held-out reviewed notes (%1)").arg(c.heldOutAfter.n_docs), c.heldOutBefore, c.heldOutAfter);
    if (c.hasDev)
        addRows(tr("Original dev set (%1)").arg(c.devAfter.n_docs), c.devBefore, c.devAfter);
    m_comparison->resizeColumnsToContents();
    m_codeChanges->setRowCount(0);
    for (const CodeChange& change : c.codeChanges) {
        const int r = m_codeChanges->rowCount();
        m_codeChanges->insertRow(r);
        m_codeChanges->setItem(r, 0,
                               new QTableWidgetItem(QString::fromStdString(change.code) +
                                                    (change.newLabel ? tr(" (new)") : QString())));
        m_codeChanges->setItem(r, 1, number(change.support));
        m_codeChanges->item(r, 1)->setText(QString::number(change.support));
        m_codeChanges->setItem(r, 2, number(change.f1Before));
        m_codeChanges->setItem(r, 3, number(change.f1After));
    }
    m_verdict->setText(tr("<b>Gate %1</b> (tolerance %2 on micro-F1 and P@%3): %4")
                           .arg(result.gatePassed ? tr("passed") : tr("not passed"))
                           .arg(c.tolerance, 0, 'f', 3)
                           .arg(c.k)
                           .arg(QString::fromStdString(c.verdict).toHtmlEscaped()));
    m_status->setText(tr("Registered as version %1 (%2 notes fine-tuned, %3 held out).")
                          .arg(result.newVersionId)
                          .arg(result.fineTuneNotes)
                          .arg(result.heldOutNotes));
    m_activate->setEnabled(result.gatePassed && result.newVersionId > 0);
    m_versions->setVersions(m_session->modelVersions());
    refreshCounts();
}

void LearnDialog::activateNewVersion() {
    QString error;
    if (!m_session->activateVersion(m_newVersionId, &error)) {
        QMessageBox::warning(this, tr("Activate"), tr("The new model could not be activated: %1").arg(error));
        return;
    }
    m_activate->setEnabled(false);
    m_status->setText(tr("Loading version %1…").arg(m_newVersionId));
}

void LearnDialog::rollBack() {
    QString error;
    if (!m_session->rollback(&error)) {
        QMessageBox::information(this, tr("Roll back"), tr("Nothing to roll back to: %1").arg(error));
        return;
    }
    m_status->setText(tr("Rolling back…"));
}

} // namespace fc::ui
