#include "passphrasedialog.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace fc::ui {

namespace {

QLineEdit* passwordField(const QString& accessibleName, QWidget* parent) {
    auto* field = new QLineEdit(parent);
    field->setEchoMode(QLineEdit::Password);
    field->setAccessibleName(accessibleName);
    field->setMinimumWidth(280);
    return field;
}

} // namespace

PassphraseDialog::PassphraseDialog(Mode mode, const QString& databasePath, QWidget* parent)
    : QDialog(parent), m_mode(mode) {
    const bool create = mode == Mode::Create;
    setWindowTitle(create ? tr("New encrypted database") : tr("Encrypted database"));
    const QString name = QFileInfo(databasePath).fileName().toHtmlEscaped();
    auto* intro = new QLabel(
        create ? tr("The new database <b>%1</b> will be encrypted. Choose its passphrase: it is asked for "
                    "every time the database is opened, and a lost passphrase cannot be recovered.")
                     .arg(name)
               : tr("The database <b>%1</b> is encrypted. Enter its passphrase to open it.").arg(name),
        this);
    intro->setWordWrap(true);
    auto* location = new QLabel(QFileInfo(databasePath).absoluteFilePath(), this);
    location->setTextInteractionFlags(Qt::TextSelectableByMouse);
    location->setForegroundRole(QPalette::PlaceholderText);

    m_error = new QLabel(this);
    m_error->setStyleSheet(QStringLiteral("color: #c62828; font-weight: bold;"));
    m_error->setWordWrap(true);
    m_error->hide();

    m_passphrase = passwordField(tr("Passphrase"), this);
    auto* form = new QFormLayout;
    form->addRow(tr("&Passphrase:"), m_passphrase);
    if (create) {
        m_repeat = passwordField(tr("Repeat the passphrase"), this);
        form->addRow(tr("&Repeat:"), m_repeat);
        m_mismatch = new QLabel(tr("The two passphrases differ."), this);
        m_mismatch->setForegroundRole(QPalette::PlaceholderText);
        form->addRow(QString(), m_mismatch);
        connect(m_repeat, &QLineEdit::textChanged, this, &PassphraseDialog::updateState);
    }
    connect(m_passphrase, &QLineEdit::textChanged, this, &PassphraseDialog::updateState);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    okButton()->setText(create ? tr("Create") : tr("Open"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(location);
    layout->addWidget(m_error);
    layout->addLayout(form);
    layout->addWidget(m_buttons);
    setLayout(layout);
    setMinimumWidth(460); // a word-wrapped label would otherwise make the dialog tall and narrow
    m_passphrase->setFocus();
    updateState();
}

QString PassphraseDialog::passphrase() const {
    return m_passphrase->text();
}

void PassphraseDialog::setError(const QString& message) {
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

QPushButton* PassphraseDialog::okButton() const {
    return m_buttons->button(QDialogButtonBox::Ok);
}

void PassphraseDialog::updateState() {
    const bool filled = !m_passphrase->text().isEmpty();
    if (m_mode == Mode::Unlock) {
        okButton()->setEnabled(filled);
        return;
    }
    const bool differ = !m_repeat->text().isEmpty() && m_repeat->text() != m_passphrase->text();
    // Kept in the layout when hidden, so the dialog does not change size while typing.
    m_mismatch->setText(differ ? tr("The two passphrases differ.") : QString());
    okButton()->setEnabled(filled && m_repeat->text() == m_passphrase->text());
}

PassphrasePrompt passphraseDialogPrompt(QWidget* parent, const QString& path) {
    return [parent, path](bool create, const QString& error) -> std::optional<QString> {
        PassphraseDialog dialog(create ? PassphraseDialog::Mode::Create : PassphraseDialog::Mode::Unlock,
                                path, parent);
        dialog.setError(error);
        if (dialog.exec() != QDialog::Accepted)
            return std::nullopt;
        return dialog.passphrase();
    };
}

} // namespace fc::ui
