#include "insightsdialog.h"

#include "codecatalog.h"
#include "codingsession.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace fc::ui {

namespace {

QTableWidget* table(const QStringList& headers, QWidget* parent) {
    auto* t = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->hide();
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    return t;
}

QTableWidgetItem* cell(const QString& text, bool number = false) {
    auto* item = new QTableWidgetItem(text);
    if (number)
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

// A rate as a bar with its number (not colour alone).
QProgressBar* rateBar(double rate) {
    auto* bar = new QProgressBar;
    bar->setRange(0, 100);
    bar->setValue(static_cast<int>(std::lround(rate * 100)));
    bar->setFormat(QStringLiteral("%p%"));
    bar->setAlignment(Qt::AlignCenter);
    return bar;
}

} // namespace

InsightsDialog::InsightsDialog(CodingSession* session, QWidget* parent)
    : QDialog(parent), m_session(session), m_catalog(session->catalog()) {
    setWindowTitle(tr("Insights from your decisions"));
    auto* layout = new QVBoxLayout(this);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    auto* tabs = new QTabWidget(this);
    m_acceptance =
        table({tr("Code"), tr("Description"), tr("Suggested"), tr("Kept"), tr("Acceptance")}, tabs);
    m_misses = table({tr("Code"), tr("Description"), tr("Added by hand")}, tabs);
    m_calibration =
        table({tr("Score"), tr("Suggestions"), tr("Mean score"), tr("Kept"), tr("Acceptance")}, tabs);
    m_acceptance->setObjectName(QStringLiteral("acceptance"));
    m_misses->setObjectName(QStringLiteral("misses"));
    m_calibration->setObjectName(QStringLiteral("calibration"));
    tabs->addTab(m_acceptance, tr("&Acceptance per code"));
    tabs->addTab(m_misses, tr("&Missed codes"));
    tabs->addTab(m_calibration, tr("&Calibration"));
    layout->addWidget(tabs, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* refreshButton = buttons->addButton(tr("&Refresh"), QDialogButtonBox::ActionRole);
    connect(refreshButton, &QPushButton::clicked, this, &InsightsDialog::refresh);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    refresh();
    resize(760, 520);
}

QString InsightsDialog::describe(const std::string& code) const {
    if (!m_catalog)
        return {};
    const auto entry = m_catalog->lookupAny(QString::fromStdString(code));
    return entry ? codeDescription(*entry) : QString();
}

void InsightsDialog::refresh() {
    m_insights = m_session->feedbackInsights(10);
    const auto& in = m_insights;
    m_summary->setText(tr("%1 suggestions decided, %2 kept (%3 %); %4 codes added by hand on notes. A well "
                          "calibrated model keeps "
                          "about as many suggestions in a score bin as the bin's mean score says.")
                           .arg(in.suggestions)
                           .arg(in.accepted)
                           .arg(in.suggestions ? 100.0 * static_cast<double>(in.accepted) /
                                                     static_cast<double>(in.suggestions)
                                               : 0.0,
                                0, 'f', 1)
                           .arg(in.added));

    m_acceptance->setRowCount(static_cast<int>(in.acceptance.size()));
    for (int r = 0; r < static_cast<int>(in.acceptance.size()); ++r) {
        const CodeAcceptance& a = in.acceptance[static_cast<std::size_t>(r)];
        m_acceptance->setItem(r, 0, cell(QString::fromStdString(a.code)));
        m_acceptance->setItem(r, 1, cell(describe(a.code)));
        m_acceptance->setItem(r, 2, cell(QString::number(a.suggested), true));
        m_acceptance->setItem(r, 3, cell(QString::number(a.accepted), true));
        m_acceptance->setCellWidget(r, 4, rateBar(a.rate()));
    }
    m_misses->setRowCount(static_cast<int>(in.misses.size()));
    for (int r = 0; r < static_cast<int>(in.misses.size()); ++r) {
        const CodeMisses& m = in.misses[static_cast<std::size_t>(r)];
        m_misses->setItem(r, 0, cell(QString::fromStdString(m.code)));
        m_misses->setItem(r, 1, cell(describe(m.code)));
        m_misses->setItem(r, 2, cell(QString::number(m.added), true));
    }
    m_calibration->setRowCount(static_cast<int>(in.calibration.size()));
    for (int r = 0; r < static_cast<int>(in.calibration.size()); ++r) {
        const CalibrationBin& b = in.calibration[static_cast<std::size_t>(r)];
        const bool last = r + 1 == static_cast<int>(in.calibration.size());
        m_calibration->setItem(r, 0,
                               cell(QStringLiteral("[%1 – %2%3")
                                        .arg(b.low, 0, 'f', 1)
                                        .arg(b.high, 0, 'f', 1)
                                        .arg(last ? QStringLiteral("]") : QStringLiteral(")"))));
        m_calibration->setItem(r, 1, cell(QString::number(b.count), true));
        m_calibration->setItem(
            r, 2, cell(b.count ? QString::number(b.meanScore, 'f', 3) : QStringLiteral("–"), true));
        m_calibration->setItem(r, 3, cell(QString::number(b.accepted), true));
        if (b.count)
            m_calibration->setCellWidget(r, 4, rateBar(b.rate()));
        else
            m_calibration->setItem(r, 4, cell(QStringLiteral("–"), true));
    }
    for (QTableWidget* t : {m_acceptance, m_misses, m_calibration}) {
        t->resizeColumnsToContents();
        t->horizontalHeader()->setStretchLastSection(true);
    }
}

} // namespace fc::ui
