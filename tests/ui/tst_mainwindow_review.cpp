// MainWindow end to end under the offscreen platform, the review side: worklist statuses and order, the
// shortcut overlay, the coded chart's columns, accept-all as one undo, model activation across a restart,
// the blind first pass and a live model swap from Settings.
#include "mainwindow_fixture.h"

using namespace fc::uitest;

class TstMainWindowReview : public QObject, protected fc::uitest::MainWindowFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpFixture(); }
    void worklistStatusesAreStored();
    void helpOverlayListsShortcuts();
    void codedChartColumnsReadable();
    void acceptAllAboveThresholdIsOneUndo();
    void activationReanalysesAndSurvivesRestart();
    void blindFirstPassHidesThenCompares();
    void worklistOrdersByUncertainty();
    void settingsSwapTheModelLive();
};

void TstMainWindowReview::worklistStatusesAreStored() {
    QTemporaryDir folder;
    QVERIFY(folder.isValid());
    for (const char* name : {"chart1.txt", "chart2.txt"}) {
        QFile file(folder.filePath(QString::fromLatin1(name)));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("Paciente con fiebre y dolor abdominal. ") + name);
    }
    const QString database = m_dir.filePath(QStringLiteral("worklist.sqlite"));
    {
        MainWindow window;
        QVERIFY(window.openDatabase(database));
        QCOMPARE(loadModel(window), QString());
        QSignalSpy finished(&window, &MainWindow::analysisFinished);
        QVERIFY(window.openWorklist(folder.path()));
        QVERIFY(finished.wait(30000));
        fc::ui::WorklistModel* worklist = window.worklistPanel()->model();
        QCOMPARE(worklist->rowCount(), 2);
        QTRY_VERIFY(!worklist->key(1).isEmpty()); // keys are computed in the background
        QCOMPARE(worklist->status(0), fc::ui::ChartStatus::InProgress);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTest::keyClick(window.suggestionPanel()->view(), Qt::Key_D,
                        Qt::ControlModifier); // done and next chart
        QVERIFY(finished.wait(30000));
        QCOMPARE(worklist->status(0), fc::ui::ChartStatus::Done);
        QCOMPARE(worklist->status(1), fc::ui::ChartStatus::InProgress);
        QVERIFY(window.noteEditor()->noteText().endsWith(QStringLiteral("chart2.txt")));
        QVERIFY(window.previousChart());
        QVERIFY(finished.wait(30000));
        QVERIFY(window.noteEditor()->noteText().endsWith(QStringLiteral("chart1.txt")));
    }
    MainWindow reopened;
    QVERIFY(reopened.openDatabase(database));
    QVERIFY(reopened.openWorklist(folder.path()));
    QTRY_COMPARE(reopened.worklistPanel()->model()->status(0), fc::ui::ChartStatus::Done);
    QCOMPARE(reopened.worklistPanel()->model()->status(1), fc::ui::ChartStatus::InProgress);
}

void TstMainWindowReview::helpOverlayListsShortcuts() {
    MainWindow window;
    window.resize(900, 600);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    fc::ui::ShortcutOverlay* overlay = window.shortcutOverlay();
    QVERIFY(!overlay->isVisible());
    QTest::keyClick(&window, Qt::Key_F1);
    QVERIFY(overlay->isVisible());
    const QStringList lines = overlay->lines();
    QVERIFY(lines.contains(QStringLiteral("A\tAccept")));
    QVERIFY(lines.contains(QStringLiteral("R\tReject")));
    QVERIFY(lines.contains(QStringLiteral("Ctrl+Z\tUndo decision")));
    QVERIFY(lines.contains(QStringLiteral("Ctrl+K\tAdd code")));
    QVERIFY(lines.contains(QStringLiteral("Ctrl+Up\tMove code up")));
    QTest::keyClick(overlay, Qt::Key_Escape);
    QVERIFY(!overlay->isVisible());
}

// At the default window size (1400x850, as gui_main.cpp opens it) the coded chart's #, Role, Code and POA
// columns hold their widest content in the bold font of the principal row: nothing is elided.
void TstMainWindowReview::codedChartColumnsReadable() {
    MainWindow window;
    window.resize(1400, 850);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(loadModel(window), QString());
    QVERIFY(analyse(window, kNote));
    window.selectCode(QStringLiteral("I10"));
    window.acceptCurrent();
    window.selectCode(QStringLiteral("R50.9"));
    window.acceptCurrent();
    window.addCode(QStringLiteral("0FT44ZZ"), QStringLiteral("icd-10-pcs")); // a seven-character procedure
    QTableView* chart = window.chartPanel()->view();
    QCOMPARE(chart->model()->rowCount(), 3);
    QApplication::processEvents();
    QFont bold = chart->font();
    bold.setBold(true);
    const QFontMetrics metrics(bold);
    for (int row = 0; row < chart->model()->rowCount(); ++row) {
        for (const int column :
             {int(fc::ui::CodingListModel::SequenceColumn), int(fc::ui::CodingListModel::RoleColumn),
              int(fc::ui::CodingListModel::CodeColumn)}) {
            const QString text = chart->model()->index(row, column).data().toString();
            QVERIFY2(chart->columnWidth(column) > metrics.horizontalAdvance(text) + 6,
                     qPrintable(QStringLiteral("%1 (%2 px) in %3 px")
                                    .arg(text)
                                    .arg(metrics.horizontalAdvance(text))
                                    .arg(chart->columnWidth(column))));
        }
    }
    // The description column gets the rest and is visible too.
    QVERIFY(chart->columnWidth(fc::ui::CodingListModel::DescriptionColumn) > 150);
    fc::testing::saveScreenshot(window, "main-window-coded.png");
}

void TstMainWindowReview::acceptAllAboveThresholdIsOneUndo() {
    MainWindow window;
    window.resize(1000, 600);
    QVERIFY(window.openDatabase(m_dir.filePath(QStringLiteral("accept-all.sqlite"))));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(loadModel(window), QString());
    QVERIFY(analyse(window, kNote));
    QTableView* view = window.suggestionPanel()->view();
    view->setFocus();
    window.selectCode(QStringLiteral("I10"));
    QTest::keyClick(view, Qt::Key_R); // a rejected code stays rejected
    QTest::keyClick(view, Qt::Key_A, Qt::ShiftModifier);
    // The test model's threshold is 0.0001: every other label is above it.
    QCOMPARE(window.chartPanel()->model()->rowCount(), int(m_labels.size()) - 1);
    QCOMPARE(storedDecisions(window).size(), m_labels.size());
    QVERIFY(window.undo()); // one undo takes back the whole group
    QCOMPARE(window.chartPanel()->model()->rowCount(), 0);
    const auto stored = byCode(storedDecisions(window));
    QCOMPARE(stored.size(), size_t(1));
    QCOMPARE(stored.begin()->first, std::string("I10"));
}

// Learn -> activate does what loading does (threshold, banner, re-analysis), and a restart on the same
// database opens the activated version and brings the decisions back.
void TstMainWindowReview::activationReanalysesAndSurvivesRestart() {
    const QString database = m_dir.filePath(QStringLiteral("restart.sqlite"));
    qint64 versionId = 0;
    {
        fc::ModelConfig config;
        config.name = "UI test model, tuned";
        config.version = "test-2";
        config.threshold = 0.0002f;
        config.labels = m_labels;
        config.options.embeddingDim = 8;
        config.options.filterSizes = {3, 5};
        config.options.filterMaps = 4;
        config.options.heads = 2;
        config.options.ffnDim = 16;
        config.options.maxTokens = 64;
        fc::createModel(config, {"dolor", "fiebre"}, 11,
                        m_dir.filePath(QStringLiteral("tuned.staging")).toStdString());
        fc::storage::Database db(database.toStdString());
        fc::storage::ModelVersionRecord record;
        record.name = "tuned";
        record.path = m_dir.filePath(QStringLiteral("tuned.staging")).toStdString();
        versionId = fc::storage::ModelVersionRepository(db).add(record);
    }
    {
        MainWindow window;
        QVERIFY(window.openDatabase(database));
        window.show();
        QCOMPARE(loadModel(window), QString());
        QVERIFY(analyse(window, kNote));
        window.selectCode(QStringLiteral("R50.9"));
        window.acceptCurrent();
        QSignalSpy reanalysed(&window, &MainWindow::analysisFinished);
        QSignalSpy loaded(&window, &MainWindow::modelLoadFinished);
        QVERIFY(window.session()->activateVersion(versionId));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        QVERIFY(loaded.first().at(0).toBool());
        QTRY_COMPARE_WITH_TIMEOUT(reanalysed.count(), 1, 30000); // the note, analysed again by the new model
        QCOMPARE(window.session()->liveModel().info.version, std::string("test-2"));
        QCOMPARE(window.suggestionPanel()->modelThreshold(), double(0.0002f));
        for (fc::ui::Banner* banner : window.findChildren<fc::ui::Banner*>())
            QVERIFY(!banner->message().contains(QStringLiteral("Placeholder"))); // not a placeholder
        QCOMPARE(statusOf(window.suggestionPanel()->view(),
                          window.suggestionPanel()
                              ->proxy()
                              ->mapFromSource(window.suggestionPanel()->model()->index(
                                  window.suggestionPanel()->model()->rowForCode(QStringLiteral("R50.9")), 0))
                              .row()),
                 QStringLiteral("accepted"));
    } // quit
    MainWindow again;
    QVERIFY(again.openDatabase(database));
    again.show();
    QCOMPARE(loadModel(again), QString()); // asks for the test model; the active version wins
    QCOMPARE(again.session()->liveModel().info.version, std::string("test-2"));
    QCOMPARE(again.session()->liveModel().versionId, versionId);
    QVERIFY(analyse(again, kNote));
    QCOMPARE(again.chartPanel()->model()->rowCount(), 1);
    QCOMPARE(again.chartPanel()->model()->entries()[0].code, QStringLiteral("R50.9"));
}

void TstMainWindowReview::blindFirstPassHidesThenCompares() {
    MainWindow window;
    window.resize(1000, 600);
    window.setBlindFirstPass(true);
    window.show();
    QCOMPARE(loadModel(window), QString());
    QVERIFY(analyse(window, kNote));
    QVERIFY(window.suggestionPanel()->isBlind());
    QVERIFY(!window.suggestionPanel()->view()->isVisible());
    QVERIFY(window.noteEditor()->extraSelections().isEmpty()); // no evidence highlighted
    // The code search does not rank by the model's scores during the pass.
    window.addCode(QStringLiteral("R50.9"), QStringLiteral("icd-10-cm"));
    QCOMPARE(window.chartPanel()->model()->rowCount(), 1);
    window.revealSuggestions();
    QVERIFY(!window.suggestionPanel()->isBlind());
    QVERIFY(window.suggestionPanel()->view()->isVisible());
    QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("1 in common")));
    window.setBlindFirstPass(false);
}

void TstMainWindowReview::worklistOrdersByUncertainty() {
    QTemporaryDir folder;
    for (const QString& name : {QStringLiteral("a.txt"), QStringLiteral("b.txt"), QStringLiteral("c.txt")}) {
        QFile file(folder.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(name == QLatin1String("b.txt") ? "fiebre dolor abdominal"
                                                  : "hipertensión arterial y náuseas");
    }
    MainWindow window;
    window.show();
    QCOMPARE(loadModel(window), QString());
    QVERIFY(window.openWorklist(folder.path()));
    fc::ui::WorklistModel* worklist = window.worklistPanel()->model();
    QSignalSpy scored(window.worklistPanel(), &fc::ui::WorklistPanel::uncertaintyScored);
    window.worklistPanel()->orderByUncertainty(window.session()->uncertaintyScorer());
    QVERIFY(scored.wait(30000));
    QVERIFY(worklist->isUncertaintyOrder());
    for (int row = 1; row < worklist->rowCount(); ++row)
        QVERIFY(worklist->margin(row - 1) <= worklist->margin(row));
    // The chart shown keeps being the current one after the reorder.
    QCOMPARE(worklist->path(window.worklistPanel()->view()->currentIndex().row()),
             folder.filePath(QStringLiteral("a.txt")));
    worklist->setUncertaintyOrder(false);
    QCOMPARE(QFileInfo(worklist->path(0)).fileName(), QStringLiteral("a.txt"));
}

// Settings -> a different model: the same swap path as activation (no restart), and the note is analysed
// again.
void TstMainWindowReview::settingsSwapTheModelLive() {
    fc::ModelConfig config;
    config.name = "UI test model, other";
    config.version = "test-3";
    config.threshold = 0.0003f;
    config.labels = m_labels;
    config.options.embeddingDim = 8;
    config.options.filterSizes = {3, 5};
    config.options.filterMaps = 4;
    config.options.heads = 2;
    config.options.ffnDim = 16;
    config.options.maxTokens = 64;
    const QString other = m_dir.filePath(QStringLiteral("other-model"));
    fc::createModel(config, {"dolor", "fiebre"}, 5, other.toStdString());
    MainWindow window;
    window.show();
    QCOMPARE(loadModel(window), QString());
    QVERIFY(analyse(window, kNote));
    QSignalSpy loaded(&window, &MainWindow::modelLoadFinished);
    QSignalSpy reanalysed(&window, &MainWindow::analysisFinished);
    fc::ui::AppSettings settings;
    settings.model = other;
    settings.threads = 1;
    window.applySettings(settings);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    QVERIFY(loaded.first().at(0).toBool());
    QCOMPARE(window.session()->liveModel().info.version, std::string("test-3"));
    QTRY_COMPARE_WITH_TIMEOUT(reanalysed.count(), 1, 30000);
}

QTEST_MAIN(TstMainWindowReview)
#include "tst_mainwindow_review.moc"
