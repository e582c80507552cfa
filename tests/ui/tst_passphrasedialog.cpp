// The passphrase prompt of encrypted databases: the dialog (hidden echo, a new passphrase typed twice) and
// unlockDatabase (when it asks, a wrong passphrase asked again, cancel, FUSIONCODER_DB_PASSPHRASE, headless
// runs). The cases that open encrypted files run in builds with SQLCipher (FC_SQLCIPHER=ON). With
// FC_SCREENSHOT_DIR set, the dialog after a wrong passphrase is saved there as passphrase.png.
#include "../support/screenshot.h"
#include "databasepassphrase.h"
#include "databaseunlock.h"
#include "decisionservice.h"
#include "passphrasedialog.h"

#include "fc/storage/database.h"
#include "fc/storage/repositories.h"

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include <vector>

using namespace fc;
using namespace fc::ui;

namespace {

using fc::testing::saveScreenshot;

// A prompt that gives `answers` in turn (nullopt = cancel) and records what it was asked.
struct ScriptedPrompt {
    std::vector<std::optional<QString>> answers;
    std::vector<std::pair<bool, QString>> asked; // (create, error shown)

    PassphrasePrompt prompt() {
        return [this](bool create, const QString& error) -> std::optional<QString> {
            asked.emplace_back(create, error);
            if (asked.size() > answers.size())
                return std::nullopt;
            return answers[asked.size() - 1];
        };
    }
};

[[maybe_unused]] void writeText(const QString& path, const QByteArray& bytes) { // used without SQLCipher
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

} // namespace

class TstPassphraseDialog : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString file(const char* name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    static void createEncrypted(const QString& path, const std::string& passphrase) {
        storage::DatabaseOptions options;
        options.passphrase = passphrase;
        storage::Database db(path.toStdString(), options);
        storage::NoteRepository(db).upsert("encrypted note", "test");
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        qunsetenv(kDatabasePassphraseVariable);
    }

    void unlockModeAsksOnceWithHiddenEcho() {
        PassphraseDialog dialog(PassphraseDialog::Mode::Unlock, file("chart.sqlite"));
        QVERIFY(dialog.repeatField() == nullptr);
        QCOMPARE(dialog.passphraseField()->echoMode(), QLineEdit::Password);
        QVERIFY(!dialog.okButton()->isEnabled());
        QTest::keyClicks(dialog.passphraseField(), QStringLiteral("s3cret"));
        QVERIFY(dialog.okButton()->isEnabled());
        QCOMPARE(dialog.passphrase(), QStringLiteral("s3cret"));
    }

    void createModeNeedsTwoMatchingPassphrases() {
        PassphraseDialog dialog(PassphraseDialog::Mode::Create, file("new.sqlite"));
        QVERIFY(dialog.repeatField() != nullptr);
        QCOMPARE(dialog.repeatField()->echoMode(), QLineEdit::Password);
        QTest::keyClicks(dialog.passphraseField(), QStringLiteral("horse battery"));
        QVERIFY(!dialog.okButton()->isEnabled());
        QTest::keyClicks(dialog.repeatField(), QStringLiteral("horse batterz"));
        QVERIFY(!dialog.okButton()->isEnabled());
        bool mismatchShown = false;
        for (const QLabel* label : dialog.findChildren<QLabel*>())
            mismatchShown = mismatchShown || label->text().contains(QStringLiteral("differ"));
        QVERIFY(mismatchShown);
        dialog.repeatField()->backspace();
        QTest::keyClicks(dialog.repeatField(), QStringLiteral("y"));
        QVERIFY(dialog.okButton()->isEnabled());
        QCOMPARE(dialog.passphrase(), QStringLiteral("horse battery"));
    }

    void errorIsShownAboveTheFields() {
        // The dialog only shows the path: a typical one makes a better screenshot than the temporary folder.
        PassphraseDialog dialog(PassphraseDialog::Mode::Unlock,
                                QStringLiteral("/home/coder/.local/share/fusioncoder/fusioncoder.sqlite"));
        dialog.setError(QStringLiteral("Wrong passphrase. Try again."));
        QTest::keyClicks(dialog.passphraseField(), QStringLiteral("another try"));
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.passphraseField()->deselect();
        bool shown = false;
        for (const QLabel* label : dialog.findChildren<QLabel*>())
            shown = shown ||
                    (label->isVisible() && label->text() == QStringLiteral("Wrong passphrase. Try again."));
        QVERIFY(shown);
        const QImage image = dialog.grab().toImage();
        QVERIFY(image.width() >= 300 && image.height() >= 100);
        saveScreenshot(dialog, "passphrase.png");
    }

    void plainAndNewDatabasesAreNotAsked() {
        const QString plain = file("plain.sqlite");
        { storage::Database db(plain.toStdString()); }
        ScriptedPrompt prompt;
        QString error;
        QVERIFY(unlockDatabase(plain, false, prompt.prompt(), &error));
        QVERIFY(unlockDatabase(file("not-yet.sqlite"), false, prompt.prompt(), &error));
        QVERIFY(unlockDatabase(QStringLiteral(":memory:"), false, prompt.prompt(), &error));
        QVERIFY(prompt.asked.empty());
        QVERIFY(databaseOptions(plain).passphrase.empty());
    }

    void encryptDbRefusesAnExistingPlainDatabase() {
        const QString plain = file("existing.sqlite");
        { storage::Database db(plain.toStdString()); }
        ScriptedPrompt prompt;
        QString error;
        QVERIFY(!unlockDatabase(plain, true, prompt.prompt(), &error));
        QVERIFY2(error.contains(QStringLiteral("--encrypt-db")), qPrintable(error));
        QVERIFY2(error.contains(plain), qPrintable(error));
        QVERIFY(prompt.asked.empty());
    }

#ifndef FC_HAVE_SQLCIPHER
    void withoutEncryptionSupport() {
        ScriptedPrompt prompt;
        QString error;
        QVERIFY(!unlockDatabase(file("wanted-encrypted.sqlite"), true, prompt.prompt(), &error));
        QVERIFY2(error.contains(QStringLiteral("no encryption support")), qPrintable(error));
        // A file that looks encrypted is left to the open, which reports it (the window keeps working).
        const QString other = file("other.sqlite");
        writeText(other, QByteArray(4096, '\x5a'));
        QVERIFY(unlockDatabase(other, false, prompt.prompt(), &error));
        QVERIFY(prompt.asked.empty());
        try {
            DecisionService service(other);
            QFAIL("an unreadable file opened");
        } catch (const storage::StorageError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("no encryption support")), e.what());
        }
    }
#else
    void wrongPassphraseIsAskedAgain() {
        const QString path = file("encrypted.sqlite");
        createEncrypted(path, "right one");
        ScriptedPrompt prompt;
        prompt.answers = {QStringLiteral("wrong one"), QStringLiteral("right one")};
        QString error;
        QVERIFY2(unlockDatabase(path, false, prompt.prompt(), &error), qPrintable(error));
        QCOMPARE(prompt.asked.size(), std::size_t(2));
        QVERIFY(!prompt.asked[0].first);
        QVERIFY(prompt.asked[0].second.isEmpty());
        QCOMPARE(prompt.asked[1].second, QStringLiteral("Wrong passphrase. Try again."));
        QCOMPARE(rememberedDatabasePassphrase(path), std::string("right one"));
        // Every later connection (the decision service, worker threads) gets it from the session.
        DecisionService service(path);
        QVERIFY(service.openNote(QStringLiteral("another note"), QStringLiteral("test")) > 0);
    }

    void cancelGivesUp() {
        const QString path = file("cancelled.sqlite");
        createEncrypted(path, "unknown");
        ScriptedPrompt prompt;
        prompt.answers = {QStringLiteral("guess"), std::nullopt};
        QString error;
        QVERIFY(!unlockDatabase(path, false, prompt.prompt(), &error));
        QCOMPARE(prompt.asked.size(), std::size_t(2));
        QVERIFY2(error.contains(QStringLiteral("no passphrase given")), qPrintable(error));
        QVERIFY(rememberedDatabasePassphrase(path).empty());
    }

    void newEncryptedDatabaseIsCreatedWithThePassphrase() {
        const QString path = file("fresh.sqlite");
        ScriptedPrompt prompt;
        prompt.answers = {QStringLiteral("brand new")};
        QString error;
        QVERIFY2(unlockDatabase(path, true, prompt.prompt(), &error), qPrintable(error));
        QCOMPARE(prompt.asked.size(), std::size_t(1));
        QVERIFY(prompt.asked[0].first); // asked twice in the dialog
        {
            DecisionService service(path);
            QVERIFY(service.openNote(QStringLiteral("a new note"), QStringLiteral("test")) > 0);
        }
        QVERIFY(storage::looksEncrypted(path.toStdString()));
        storage::DatabaseOptions options;
        options.passphrase = "brand new";
        storage::Database db(path.toStdString(), options);
        QCOMPARE(storage::NoteRepository(db).count(), std::int64_t(1));
    }

    void environmentPassphraseIsUsedWithoutAsking() {
        const QString path = file("scripted.sqlite");
        createEncrypted(path, "from the script");
        ScriptedPrompt prompt;
        QString error;
        qputenv(kDatabasePassphraseVariable, "not it");
        QVERIFY(!unlockDatabase(path, false, prompt.prompt(), &error));
        QVERIFY2(error.contains(QLatin1String(kDatabasePassphraseVariable)), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("wrong or missing passphrase")), qPrintable(error));
        qputenv(kDatabasePassphraseVariable, "from the script");
        QVERIFY2(unlockDatabase(path, false, prompt.prompt(), &error), qPrintable(error));
        qunsetenv(kDatabasePassphraseVariable);
        QVERIFY(prompt.asked.empty());
        DecisionService service(path);
        QVERIFY(service.openNote(QStringLiteral("scripted note"), QStringLiteral("test")) > 0);
    }

    void headlessRunsNeverAsk() {
        const QString path = file("headless.sqlite");
        createEncrypted(path, "none");
        QString error;
        QVERIFY(!unlockDatabase(path, false, PassphrasePrompt(), &error));
        QVERIFY2(error.contains(QLatin1String(kDatabasePassphraseVariable)), qPrintable(error));
    }
#endif
};

QTEST_MAIN(TstPassphraseDialog)
#include "tst_passphrasedialog.moc"
