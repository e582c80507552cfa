#pragma once
// Asks for the passphrase of an encrypted database: once to open an existing one, twice (they must match)
// for a new one. The fields hide what is typed; nothing of it is stored by the dialog.
#include "databaseunlock.h"

#include <QDialog>

#include <functional>
#include <optional>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace fc::ui {

class PassphraseDialog : public QDialog {
    Q_OBJECT
public:
    enum class Mode { Unlock, Create };
    PassphraseDialog(Mode mode, const QString& databasePath, QWidget* parent = nullptr);

    QString passphrase() const;
    // Shown in red above the fields (e.g. after a wrong passphrase); empty hides it.
    void setError(const QString& message);

    QLineEdit* passphraseField() const { return m_passphrase; }
    QLineEdit* repeatField() const { return m_repeat; } // null in Unlock mode
    QPushButton* okButton() const;

private:
    void updateState();

    Mode m_mode;
    QLineEdit* m_passphrase = nullptr;
    QLineEdit* m_repeat = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_mismatch = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

// The interactive prompt: a modal PassphraseDialog for the database at `path`.
PassphrasePrompt passphraseDialogPrompt(QWidget* parent, const QString& path);

} // namespace fc::ui
