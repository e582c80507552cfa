#include "settingsdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>

namespace fc::ui {

namespace {

QWidget* withBrowse(QLineEdit* edit, QWidget* parent, bool directory) {
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto* browse = new QPushButton(QObject::tr("Browse…"), row);
    browse->setAccessibleName(QObject::tr("Browse for %1").arg(edit->accessibleName()));
    layout->addWidget(browse);
    QObject::connect(browse, &QPushButton::clicked, row, [edit, row, directory]() {
        const QString chosen =
            directory ? QFileDialog::getExistingDirectory(row, edit->accessibleName(), edit->text())
                      : QFileDialog::getSaveFileName(row, edit->accessibleName(), edit->text(),
                                                     QObject::tr("SQLite database (*.sqlite)"), nullptr,
                                                     QFileDialog::DontConfirmOverwrite);
        if (!chosen.isEmpty())
            edit->setText(chosen);
    });
    return row;
}

} // namespace

SettingsDialog::SettingsDialog(const AppSettings& settings, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Settings"));
    m_model = new QLineEdit(settings.model, this);
    m_model->setPlaceholderText(tr("default (the shipped model)"));
    m_model->setAccessibleName(tr("Model directory or name"));

    m_useModelThreshold = new QCheckBox(tr("Use the model's tuned threshold"), this);
    m_useModelThreshold->setChecked(settings.threshold < 0.0);
    m_threshold = new QDoubleSpinBox(this);
    m_threshold->setRange(0.0, 1.0);
    m_threshold->setSingleStep(0.05);
    m_threshold->setDecimals(3);
    m_threshold->setValue(settings.threshold < 0.0 ? 0.5 : settings.threshold);
    m_threshold->setEnabled(settings.threshold >= 0.0);
    m_threshold->setAccessibleName(tr("Default threshold"));
    connect(m_useModelThreshold, &QCheckBox::toggled, m_threshold,
            [this](bool on) { m_threshold->setEnabled(!on); });

    m_band = new QDoubleSpinBox(this);
    m_band->setRange(0.0, 0.5);
    m_band->setSingleStep(0.01);
    m_band->setDecimals(2);
    m_band->setPrefix(QStringLiteral("± "));
    m_band->setValue(settings.uncertainBand);
    m_band->setAccessibleName(tr("Uncertain band around the threshold"));

    m_threads = new QSpinBox(this);
    m_threads->setRange(0, std::max(1, QThread::idealThreadCount()) * 2);
    m_threads->setSpecialValueText(tr("all cores"));
    m_threads->setValue(settings.threads);
    m_threads->setAccessibleName(tr("Inference threads"));

    m_fast = new QCheckBox(tr("Fast mode (bfloat16: confidences may differ by a few hundredths)"), this);
    m_fast->setChecked(settings.fast);
    m_fast->setToolTip(
        tr("Runs the network in bfloat16 on CPUs that compute it natively (AVX512-BF16 or "
           "AMX); elsewhere the exact model is used. Measured on an AMD Zen 5: 1.4-1.55x faster "
           "per 2,500-token window, the same CodiEsp dev MAP within 0.001."));
    m_fast->setAccessibleName(tr("Fast mode"));

    m_database = new QLineEdit(settings.databasePath, this);
    m_database->setPlaceholderText(tr("fusioncoder.sqlite in the application data folder"));
    m_database->setAccessibleName(tr("Decision database file"));

    m_fontSize = new QSpinBox(this);
    m_fontSize->setRange(0, 32);
    m_fontSize->setSpecialValueText(tr("system default"));
    m_fontSize->setSuffix(tr(" pt"));
    m_fontSize->setValue(settings.fontSize);
    m_fontSize->setAccessibleName(tr("Font size"));

    m_palette = new QComboBox(this);
    m_palette->addItems({tr("Light"), tr("Dark")});
    m_palette->setCurrentIndex(settings.dark ? 1 : 0);
    m_palette->setAccessibleName(tr("Colour scheme"));

    auto* form = new QFormLayout;
    form->addRow(tr("&Model:"), withBrowse(m_model, this, true));
    form->addRow(QString(), m_useModelThreshold);
    form->addRow(tr("&Threshold:"), m_threshold);
    form->addRow(tr("&Uncertain band:"), m_band);
    form->addRow(tr("T&hreads:"), m_threads);
    form->addRow(QString(), m_fast);
    form->addRow(tr("&Database:"), withBrowse(m_database, this, false));
    form->addRow(tr("&Font size:"), m_fontSize);
    form->addRow(tr("&Colours:"), m_palette);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this]() {
        Q_EMIT settingsAccepted(this->settings());
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    resize(560, sizeHint().height());
}

AppSettings SettingsDialog::settings() const {
    AppSettings s;
    s.model = m_model->text().trimmed();
    s.threshold = m_useModelThreshold->isChecked() ? -1.0 : m_threshold->value();
    s.uncertainBand = m_band->value();
    s.threads = m_threads->value();
    s.fast = m_fast->isChecked();
    s.databasePath = m_database->text().trimmed();
    s.fontSize = m_fontSize->value();
    s.dark = m_palette->currentIndex() == 1;
    return s;
}

} // namespace fc::ui
