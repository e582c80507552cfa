// MainWindow end to end under the offscreen platform: keyboard decisions stored in a temporary database and
// restored when the same note is reopened, the main flow by keyboard, database and model errors, and the
// scripted session. Worklist, chart, activation and settings: tst_mainwindow_review.
#include "mainwindow_fixture.h"

using namespace fc::uitest;

class TstMainWindow : public QObject, protected fc::uitest::MainWindowFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpFixture(); }
    void keyboardDecisionsAreStoredAndRestored();
    void databaseErrorKeepsWorkingWithoutSaving();
    void missingModelIsReported();
    void mainFlowByKeyboard();
    void scriptedSessionWritesScreenshot();
    void scriptedSessionTimesOut();
};

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
    QTableView* view = window.suggestionPanel()->view();
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

    std::vector<fc::storage::DecisionRecord> stored = storedDecisions(window);
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
    QTableView* view = window.suggestionPanel()->view();
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
    QCOMPARE(window.suggestionPanel()->view()->currentIndex().row(), 0);
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

void TstMainWindow::mainFlowByKeyboard() {
    MainWindow window;
    window.resize(1200, 800);
    QVERIFY(window.openDatabase(m_dir.filePath(QStringLiteral("flow.sqlite"))));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(loadModel(window), QString());
    QVERIFY(window.catalog());

    // Open: a note file in UTF-16 with a byte-order mark.
    const QString path = m_dir.filePath(QStringLiteral("flow-note.txt"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QStringEncoder encoder(QStringEncoder::Utf16LE, QStringEncoder::Flag::WriteBom);
        file.write(encoder.encode(kNote));
    }
    QSignalSpy finished(&window, &MainWindow::analysisFinished);
    QVERIFY(window.openNoteFile(path));
    QVERIFY(finished.wait(30000));
    QCOMPARE(window.noteEditor()->noteText(), kNote);
    QTableView* view = window.suggestionPanel()->view();
    QCOMPARE(view->currentIndex().row(), 0);
    QVERIFY(view->hasFocus());
    // Evidence of the selected code: highlights, snippets, overview marks.
    QVERIFY(!window.noteEditor()->extraSelections().isEmpty());
    QVERIFY(window.evidencePanel()->model()->rowCount() > 0);
    QVERIFY(!window.notePane()->overview()->marks().empty());

    // Enter accepts and moves on; J moves, R rejects.
    const QString first = codeOf(view, 0);
    QTest::keyClick(view, Qt::Key_Return);
    QCOMPARE(statusOf(view, 0), QStringLiteral("accepted"));
    QCOMPARE(view->currentIndex().row(), 1);
    const QString second = codeOf(view, 1);
    QTest::keyClick(view, Qt::Key_A);
    QTest::keyClick(view, Qt::Key_J);
    QCOMPARE(view->currentIndex().row(), 2);
    const QString rejected = codeOf(view, 2);
    QTest::keyClick(view, Qt::Key_R);
    QCOMPARE(statusOf(view, 2), QStringLiteral("rejected"));
    fc::ui::CodingListModel* coding = window.chartPanel()->model();
    QCOMPARE(coding->rowCount(), 2);
    QCOMPARE(coding->entries()[0].code, first);
    QCOMPARE(coding->roleOf(0), QStringLiteral("principal"));

    // Add a missed code by searching the catalog: Ctrl+K with note text selected pre-fills the search.
    const QTextCursor cursor = window.noteEditor()->document()->find(QStringLiteral("hipertensión"));
    QVERIFY(cursor.hasSelection());
    window.noteEditor()->setTextCursor(cursor);
    window.noteEditor()->setFocus();
    QTest::keyClick(window.noteEditor(), Qt::Key_K, Qt::ControlModifier);
    auto* search = window.findChild<fc::ui::CodeSearchDialog*>();
    QVERIFY(search);
    QCOMPARE(search->query(), QStringLiteral("hipertensión"));
    search->setQuery(QStringLiteral("N39.0"));
    QVERIFY(search->results()->rowCount() > 0);
    QTest::keyClick(search->findChild<QLineEdit*>(), Qt::Key_Return);
    QCOMPARE(coding->rowCount(), 3);
    QCOMPARE(coding->entries()[2].code, QStringLiteral("N39.0"));
    QCOMPARE(coding->entries()[2].status, fc::SuggestionStatus::Added);
    QVERIFY(!coding->entries()[2].description.isEmpty());

    // Reorder with Ctrl+Up on the coded chart: N39.0 becomes principal; Y sets its POA.
    QTableView* codingView = window.chartPanel()->view();
    codingView->setFocus();
    codingView->setCurrentIndex(coding->index(2, fc::ui::CodingListModel::CodeColumn));
    QTest::keyClick(codingView, Qt::Key_Up, Qt::ControlModifier);
    QTest::keyClick(codingView, Qt::Key_Up, Qt::ControlModifier);
    QCOMPARE(coding->entries()[0].code, QStringLiteral("N39.0"));
    QTest::keyClick(codingView, Qt::Key_Y);
    QCOMPARE(coding->entries()[0].poa, QStringLiteral("Y"));

    auto stored = byCode(storedDecisions(window));
    QCOMPARE(stored.size(), size_t(4));
    QVERIFY(stored["N39.0"].kind == fc::storage::DecisionKind::Added);
    QCOMPARE(stored["N39.0"].sequence, 1);
    QCOMPARE(stored["N39.0"].poa, std::string("Y"));
    QCOMPARE(stored[first.toStdString()].sequence, 2);
    QCOMPARE(stored[second.toStdString()].sequence, 3);
    QVERIFY(stored[rejected.toStdString()].kind == fc::storage::DecisionKind::Rejected);
    QCOMPARE(stored[rejected.toStdString()].sequence, 0);

    // Ctrl+Z undoes the POA, then the last move; each undo is a new stored decision.
    const std::int64_t before = decisionCount(window);
    QTest::keyClick(codingView, Qt::Key_Z, Qt::ControlModifier);
    stored = byCode(storedDecisions(window));
    QCOMPARE(stored["N39.0"].poa, std::string());
    QTest::keyClick(codingView, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(coding->entries()[1].code, QStringLiteral("N39.0"));
    stored = byCode(storedDecisions(window));
    QCOMPARE(stored["N39.0"].sequence, 2);
    QVERIFY(decisionCount(window) > before);
    QTest::keyClick(codingView, Qt::Key_Up, Qt::ControlModifier); // principal again
    QCOMPARE(coding->entries()[0].code, QStringLiteral("N39.0"));
    QTest::keyClick(codingView, Qt::Key_W);

    // Export: checks, then CSV and JSON files, checked field by field.
    fc::ui::ExportDialog* exporter = window.openExportDialog();
    QVERIFY(exporter);
    QSignalSpy validated(exporter, &fc::ui::ExportDialog::validated);
    QVERIFY(exporter->isValidated() || validated.wait(10000));
    QVERIFY2(!fc::hasErrors(exporter->issues()),
             qPrintable(exporter->issues().isEmpty() ? QString() : exporter->issues().first().message));
    QSignalSpy exported(exporter, &fc::ui::ExportDialog::exported);
    const QString jsonPath = m_dir.filePath(QStringLiteral("chart.json"));
    exporter->setFormat(fc::ExportFormat::Json);
    exporter->exportToFile(jsonPath);
    QVERIFY(exported.wait(10000));
    QVERIFY2(exported.at(0).at(0).toBool(), qPrintable(exported.at(0).at(1).toString()));
    QFile json(jsonPath);
    QVERIFY(json.open(QIODevice::ReadOnly));
    const QJsonObject root = QJsonDocument::fromJson(json.readAll()).object();
    QCOMPARE(root.value(QStringLiteral("note")).toObject().value(QStringLiteral("sha256")).toString(),
             QString::fromStdString(fc::storage::sha256Hex(kNote.toStdString())));
    QCOMPARE(root.value(QStringLiteral("note")).toObject().value(QStringLiteral("source")).toString(),
             QFileInfo(path).absoluteFilePath());
    const QJsonArray entries = root.value(QStringLiteral("entries")).toArray();
    QCOMPARE(entries.size(), 3);
    const QJsonObject principal = entries[0].toObject();
    QCOMPARE(principal.value(QStringLiteral("code")).toString(), QStringLiteral("N39.0"));
    QCOMPARE(principal.value(QStringLiteral("sequence")).toInt(), 1);
    QCOMPARE(principal.value(QStringLiteral("role")).toString(), QStringLiteral("principal"));
    QCOMPARE(principal.value(QStringLiteral("poa")).toString(), QStringLiteral("W"));
    QCOMPARE(principal.value(QStringLiteral("decision")).toString(), QStringLiteral("added"));
    QVERIFY(principal.value(QStringLiteral("confidence")).isNull());
    QVERIFY(principal.value(QStringLiteral("description")).toString().contains(QStringLiteral("rinary")));
    const QJsonObject secondary = entries[1].toObject();
    QCOMPARE(secondary.value(QStringLiteral("code")).toString(), first);
    QCOMPARE(secondary.value(QStringLiteral("role")).toString(), QStringLiteral("secondary"));
    QCOMPARE(secondary.value(QStringLiteral("decision")).toString(), QStringLiteral("accepted"));
    QCOMPARE(secondary.value(QStringLiteral("model_version")).toString(), QStringLiteral("test-1"));
    const int firstRow = window.suggestionPanel()->model()->rowForCode(first);
    const fc::Suggestion& firstSuggestion = window.suggestionPanel()->model()->suggestion(firstRow);
    QCOMPARE(secondary.value(QStringLiteral("confidence")).toDouble(), firstSuggestion.score);
    const QJsonArray evidence = secondary.value(QStringLiteral("evidence")).toArray();
    QCOMPARE(evidence.size(), qsizetype(firstSuggestion.evidence.size()));
    QCOMPARE(evidence[0].toObject().value(QStringLiteral("begin")).toInteger(),
             firstSuggestion.evidence[0].begin);
    QCOMPARE(entries[2].toObject().value(QStringLiteral("code")).toString(), second);

    const QString csvPath = m_dir.filePath(QStringLiteral("chart.csv"));
    exporter->setFormat(fc::ExportFormat::Csv);
    exporter->exportToFile(csvPath);
    QVERIFY(exported.wait(10000));
    QVERIFY(exported.at(1).at(0).toBool());
    QFile csv(csvPath);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QStringList> records = parseCsv(QString::fromUtf8(csv.readAll()));
    QCOMPARE(records.size(), 4);
    const QStringList header = records[0];
    const auto field = [&](int record, const char* name) {
        return records[record][header.indexOf(QLatin1String(name))];
    };
    QCOMPARE(field(1, "code"), QStringLiteral("N39.0"));
    QCOMPARE(field(1, "sequence"), QStringLiteral("1"));
    QCOMPARE(field(1, "role"), QStringLiteral("principal"));
    QCOMPARE(field(1, "poa"), QStringLiteral("W"));
    QCOMPARE(field(1, "decision"), QStringLiteral("added"));
    QCOMPARE(field(1, "confidence"), QString());
    QCOMPARE(field(2, "code"), first);
    QCOMPARE(field(2, "system"), firstSuggestion.system);
    QCOMPARE(field(2, "evidence").split(QLatin1Char(';')).size(), qsizetype(firstSuggestion.evidence.size()));
    QCOMPARE(field(3, "code"), second);
    QCOMPARE(field(3, "role"), QStringLiteral("secondary"));
    exporter->close();

    // Import: on the same note in a fresh database, the export restores the coded chart.
    MainWindow other;
    QVERIFY(other.openDatabase(m_dir.filePath(QStringLiteral("import.sqlite"))));
    QCOMPARE(loadModel(other), QString());
    QSignalSpy otherFinished(&other, &MainWindow::analysisFinished);
    other.setNote(kNote, QStringLiteral("pasted"));
    QVERIFY(otherFinished.wait(30000));
    QString error;
    QVERIFY2(other.importDecisions(jsonPath, &error), qPrintable(error));
    QCOMPARE(other.chartPanel()->model()->rowCount(), 3);
    QCOMPARE(other.chartPanel()->model()->entries()[0].code, QStringLiteral("N39.0"));
    QCOMPARE(other.chartPanel()->model()->entries()[0].poa, QStringLiteral("W"));
    QCOMPARE(byCode(storedDecisions(other))["N39.0"].sequence, 1);
    // An export of another note is refused.
    other.setNote(QStringLiteral("Paciente con fiebre."), QStringLiteral("pasted"));
    QVERIFY(otherFinished.wait(30000));
    QVERIFY(!other.importDecisions(csvPath, &error));
    QVERIFY(error.contains(QStringLiteral("another note")));
}

QTEST_MAIN(TstMainWindow)
#include "tst_mainwindow.moc"
