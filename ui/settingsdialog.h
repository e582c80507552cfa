#pragma once
// Edits AppSettings: model, threshold (or the model's tuned one), uncertain band, threads, database file,
// font size, light/dark. Non-modal; settingsAccepted() carries the new values (the caller saves and applies).
#include "appsettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace fc::ui {

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(const AppSettings& settings, QWidget* parent = nullptr);
    AppSettings settings() const;

Q_SIGNALS:
    void settingsAccepted(const fc::ui::AppSettings& settings);

private:
    QLineEdit* m_model = nullptr;
    QCheckBox* m_useModelThreshold = nullptr;
    QDoubleSpinBox* m_threshold = nullptr;
    QDoubleSpinBox* m_band = nullptr;
    QSpinBox* m_threads = nullptr;
    QCheckBox* m_fast = nullptr;
    QLineEdit* m_database = nullptr;
    QSpinBox* m_fontSize = nullptr;
    QComboBox* m_palette = nullptr;
};

} // namespace fc::ui
