// MainWindow end to end under the offscreen platform: a small random model (fc::createModel), a note,
// keyboard decisions stored in a temporary database and restored when the same note is reopened.
#include "banner.h"
#include "decisionservice.h"
#include "mainwindow.h"
#include "noteeditor.h"
#include "scriptedsession.h"
#include "suggestiontablemodel.h"

#include "fc/model/modelfiles.h"

#include <QImage>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using fc::ui::MainWindow;
using fc::ui::SuggestionTableModel;

namespace {

const QString kNote =
    QStringLiteral("Señor de 58 años con dolor torácico 😀 y fiebre.\r\nAntecedentes: hipertensión "
                   "arterial. Dolor abdominal y náuseas; fiebre persistente.");

QString statusOf(QTableView* view, int row) {
    return view->model()->index(row, SuggestionTableModel::StatusColumn).data().toString();
}

QString codeOf(QTableView* view, int row) {
    return view->model()->index(row, SuggestionTableModel::CodeColumn).data().toString();
}

} // namespace

class TstMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void keyboardDecisionsAreStoredAndRestored();
    void databaseErrorKeepsWorkingWithoutSaving();
    void missingModelIsReported();
    void scriptedSessionWritesScreenshot();
    void scriptedSessionTimesOut();

private:
    QString loadModel(MainWindow& window); // empty on success, else the error
    bool analyse(MainWindow& window, const QString& text);

    QTemporaryDir m_dir;
    QString m_model;
    const std::vector<std::string> m_labels{"I10", "R50.9", "R10.9", "R07.9", "R11.0"};
};

void TstMainWindow::initTestCase() {
    QVERIFY(m_dir.isValid());
    fc::ModelConfig config;
    config.name = "UI test model";
    config.version = "test-1";
    config.placeholder = true;
    config.threshold = 0.0001f; // every label is shown, whatever the random weights say
    config.labels = m_labels;
    config.options.embeddingDim = 8;
    config.options.filterSizes = {3, 5};
    config.options.filterMaps = 4;
    config.options.heads = 2;
    config.options.ffnDim = 16;
    config.options.maxTokens = 64;
    m_model = m_dir.filePath(QStringLiteral("model"));
    fc::createModel(config,
                    {"dolor", "fiebre", "hipertensión", "náuseas", "torácico", "abdominal", "arterial"}, 7,
                    m_model.toStdString());
}

QString TstMainWindow::loadModel(MainWindow& window) {
    QSignalSpy loaded(&window, &MainWindow::modelLoadFinished);
    window.loadModel(m_model, 1);
    if (!loaded.wait(30000))
        return QStringLiteral("timed out");
    return loaded.at(0).at(0).toBool() ? QString() : loaded.at(0).at(1).toString();
}

bool TstMainWindow::analyse(MainWindow& window, const QString& text) {
    QSignalSpy finished(&window, &MainWindow::analysisFinished);
    window.setNote(text, QStringLiteral("test"));
    if (!finished.wait(30000))
        return false;
    return finished.at(0).at(0).toBool();
}

void TstMainWindow::keyboardDecisionsAreStoredAndRestored() {
    MainWindow window;
    window.resize(1000, 600);
    QVERIFY(window.openDatabase(m_dir.filePath(QStringLiteral("decisions.sqlite"))));
    QVERIFY(window.isSavingDecisions());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(loadModel(window), QString());
    QVERIFY(window.isModelLoaded());

    // The placeholder model is announced.
    bool placeholderShown = false;
    for (fc::ui::Banner* banner : window.findChildren<fc::ui::Banner*>())
        placeholderShown |=
            banner->isVisible() && banner->message().contains(QStringLiteral("Placeholder model"));
    QVERIFY(placeholderShown);

    QVERIFY(analyse(window, kNote));
    QTableView* view = window.suggestionView();
    QCOMPARE(view->model()->rowCount(), int(m_labels.size()));
    // Sorted by confidence, highest first.
    for (int row = 1; row < view->model()->rowCount(); ++row)
        QVERIFY(view->model()->index(row - 1, 0).data(SuggestionTableModel::ScoreRole).toDouble() >=
                view->model()->index(row, 0).data(SuggestionTableModel::ScoreRole).toDouble());
    // The top suggestion is selected and its evidence highlighted.
    QCOMPARE(view->currentIndex().row(), 0);
    QVERIFY(!window.noteEditor()->extraSelections().isEmpty());

    const QString first = codeOf(view, 0);
    const QString second = codeOf(view, 1);
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Return);
    QCOMPARE(statusOf(view, 0), QStringLiteral("accepted"));
    QCOMPARE(view->currentIndex().row(), 1);
    QTest::keyClick(view, Qt::Key_R);
    QCOMPARE(statusOf(view, 1), QStringLiteral("rejected"));
    QCOMPARE(view->currentIndex().row(), 1);

    std::vector<fc::storage::DecisionRecord> stored = window.decisionService()->currentDecisions();
    QCOMPARE(stored.size(), size_t(2));
    for (const fc::storage::DecisionRecord& decision : stored) {
        QCOMPARE(decision.modelVersion, std::string("test-1"));
        QVERIFY(decision.score >= 0.0);
        const QString code = QString::fromStdString(decision.code);
        QVERIFY2(code == first || code == second, qPrintable(code));
        QVERIFY(decision.kind ==
                (code == first ? fc::storage::DecisionKind::Accepted : fc::storage::DecisionKind::Rejected));
    }

    // Another note, then the first one again: its decisions come back.
    QVERIFY(analyse(window, QStringLiteral("Paciente con fiebre.")));
    QCOMPARE(view->model()->rowCount(), int(m_labels.size()));
    for (int row = 0; row < view->model()->rowCount(); ++row)
        QCOMPARE(statusOf(view, row), QStringLiteral("suggested"));
    QVERIFY(analyse(window, kNote));
    QCOMPARE(statusOf(view, 0), QStringLiteral("accepted"));
    QCOMPARE(statusOf(view, 1), QStringLiteral("rejected"));

    // Selecting a code by name highlights its evidence.
    QVERIFY(window.selectCode(codeOf(view, 3)));
    QCOMPARE(view->currentIndex().row(), 3);
    QVERIFY(!window.selectCode(QStringLiteral("Z00.0")));
}

void TstMainWindow::databaseErrorKeepsWorkingWithoutSaving() {
    MainWindow window;
    // A regular file where the database's directory should be: the database cannot be created.
    QFile blocker(m_dir.filePath(QStringLiteral("blocker")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    QVERIFY(!window.openDatabase(m_dir.filePath(QStringLiteral("blocker/decisions.sqlite"))));
    QVERIFY(!window.isSavingDecisions());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    bool notSavingShown = false;
    for (fc::ui::Banner* banner : window.findChildren<fc::ui::Banner*>())
        notSavingShown |=
            banner->isVisible() && banner->message().contains(QStringLiteral("NOT being saved"));
    QVERIFY(notSavingShown);

    QCOMPARE(loadModel(window), QString());
    QVERIFY(analyse(window, kNote));
    QTableView* view = window.suggestionView();
    view->setFocus();
    QTest::keyClick(view, Qt::Key_A);
    QCOMPARE(statusOf(view, 0), QStringLiteral("accepted"));
}

void TstMainWindow::missingModelIsReported() {
    MainWindow window;
    QSignalSpy loaded(&window, &MainWindow::modelLoadFinished);
    window.loadModel(m_dir.filePath(QStringLiteral("no-model")), 1);
    QVERIFY(loaded.wait(30000));
    QCOMPARE(loaded.at(0).at(0).toBool(), false);
    QVERIFY(!loaded.at(0).at(1).toString().isEmpty());
    QVERIFY(!window.isModelLoaded());
}

void TstMainWindow::scriptedSessionWritesScreenshot() {
    MainWindow window;
    window.resize(900, 500);
    window.setNote(kNote, QStringLiteral("test"));
    fc::ui::ScriptedSession::Options options;
    options.expectAnalysis = true;
    options.selectCode = QStringLiteral("Z00.0"); // not a label: a warning, then the top suggestion
    options.screenshotPath = m_dir.filePath(QStringLiteral("shot.png"));
    options.quit = true;
    fc::ui::ScriptedSession session(&window, options);
    QSignalSpy finished(&session, &fc::ui::ScriptedSession::finished);
    QSignalSpy warning(&session, &fc::ui::ScriptedSession::warning);
    session.start();
    window.show();
    window.loadModel(m_model, 1);
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.at(0).at(0).toInt(), 0);
    QCOMPARE(warning.count(), 1);
    QVERIFY(warning.at(0).at(0).toString().contains(QStringLiteral("Z00.0")));
    QCOMPARE(window.suggestionView()->currentIndex().row(), 0);
    const QImage image(options.screenshotPath);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), window.size() * window.devicePixelRatio());
}

void TstMainWindow::scriptedSessionTimesOut() {
    MainWindow window; // no model is ever loaded
    fc::ui::ScriptedSession::Options options;
    options.quit = true;
    options.timeoutSeconds = 1;
    fc::ui::ScriptedSession session(&window, options);
    QSignalSpy finished(&session, &fc::ui::ScriptedSession::finished);
    session.start();
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.at(0).at(0).toInt(), 1);
    QVERIFY(finished.at(0).at(1).toString().contains(QStringLiteral("timed out")));
}

QTEST_MAIN(TstMainWindow)
#include "tst_mainwindow.moc"
