// The item models and small widgets of the coder's screen, each with QAbstractItemModelTester and QSignalSpy:
// CodingListModel (sequence, roles, moves, drag and drop, POA), EvidenceListModel (snippets from code-point
// spans), WorklistModel (files, statuses, keys), CatalogSearchModel (catalog search), DecisionUndoStack and
// EvidenceOverview (clicks jump to marks).
#include "catalogsearchmodel.h"
#include "codinglistmodel.h"
#include "decisionundostack.h"
#include "evidencelistmodel.h"
#include "evidenceoverview.h"
#include "worklistmodel.h"

#include "fc/storage/sha256.h"

#include <QAbstractItemModelTester>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace fc;
using namespace fc::ui;

namespace {

CodingListEntry entry(const char* code, const char* system) {
    CodingListEntry e;
    e.code = QString::fromLatin1(code);
    e.system = QString::fromLatin1(system);
    return e;
}

QStringList codes(const CodingListModel& model) {
    QStringList result;
    for (const CodingListEntry& e : model.entries())
        result << e.code;
    return result;
}

} // namespace

class TstUiModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void codingListRolesAndSequence();
    void codingListMoves_data();
    void codingListMoves();
    void codingListDragAndDrop();
    void codingListPoa_data();
    void codingListPoa();
    void evidenceSnippets();
    void worklistListsNotesWithStatuses();
    void catalogSearch();
    void undoStack();
    void overviewClickJumpsToNearestMark();
};

void TstUiModels::codingListRolesAndSequence() {
    CodingListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy edited(&model, &CodingListModel::edited);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QCOMPARE(model.append(entry("0DTJ4ZZ", "icd-10-pcs")), 0);
    QCOMPARE(model.append(entry("K35.80", "icd-10-cm")), 1);
    QCOMPARE(model.append(entry("R50.9", "icd-10-cm")), 2);
    QCOMPARE(model.append(entry("K35.80", "icd-10-cm")), 1); // already listed
    QCOMPARE(inserted.count(), 3);
    QCOMPARE(edited.count(), 0); // programmatic changes are not coder edits
    // The first diagnosis is principal even after a procedure.
    QCOMPARE(model.roleOf(0), QStringLiteral("procedure"));
    QCOMPARE(model.roleOf(1), QStringLiteral("principal"));
    QCOMPARE(model.roleOf(2), QStringLiteral("secondary"));
    QCOMPARE(model.index(1, CodingListModel::SequenceColumn).data().toString(), QStringLiteral("2"));
    QCOMPARE(model.sequenceOf(QStringLiteral("R50.9")), 3);
    QCOMPARE(model.sequenceOf(QStringLiteral("I10")), 0);
    QVERIFY(model.index(1, CodingListModel::CodeColumn).data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(model.remove(QStringLiteral("K35.80")));
    QVERIFY(!model.remove(QStringLiteral("K35.80")));
    QCOMPARE(model.roleOf(1), QStringLiteral("principal"));
    QCOMPARE(edited.count(), 0);
}

void TstUiModels::codingListMoves_data() {
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("to");
    QTest::addColumn<QStringList>("order");
    QTest::addColumn<bool>("moved");
    QTest::newRow("down one") << 0 << 1 << QStringList{"B", "A", "C", "D"} << true;
    QTest::newRow("up one") << 2 << 1 << QStringList{"A", "C", "B", "D"} << true;
    QTest::newRow("last to first") << 3 << 0 << QStringList{"D", "A", "B", "C"} << true;
    QTest::newRow("first to last") << 0 << 3 << QStringList{"B", "C", "D", "A"} << true;
    QTest::newRow("past the end") << 3 << 4 << QStringList{"A", "B", "C", "D"} << false;
    QTest::newRow("before the start") << 0 << -1 << QStringList{"A", "B", "C", "D"} << false;
}

void TstUiModels::codingListMoves() {
    QFETCH(int, from);
    QFETCH(int, to);
    QFETCH(QStringList, order);
    QFETCH(bool, moved);
    CodingListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setEntries(
        {entry("A", "icd-10-cm"), entry("B", "icd-10-cm"), entry("C", "icd-10-cm"), entry("D", "icd-10-cm")});
    QSignalSpy edited(&model, &CodingListModel::edited);
    QSignalSpy rowsMoved(&model, &QAbstractItemModel::rowsMoved);
    QCOMPARE(model.moveEntry(from, to), moved);
    QCOMPARE(codes(model), order);
    QCOMPARE(edited.count(), moved ? 1 : 0);
    QCOMPARE(rowsMoved.count(), moved ? 1 : 0);
}

void TstUiModels::codingListDragAndDrop() {
    CodingListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setEntries({entry("A", "icd-10-cm"), entry("B", "icd-10-cm"), entry("C", "icd-10-cm")});
    QSignalSpy edited(&model, &CodingListModel::edited);
    std::unique_ptr<QMimeData> mime(model.mimeData({model.index(2, 0)}));
    QVERIFY(mime);
    QVERIFY(model.canDropMimeData(mime.get(), Qt::MoveAction, 0, 0, {}));
    QVERIFY(!model.canDropMimeData(mime.get(), Qt::CopyAction, 0, 0, {}));
    // Dropped before row 0: C becomes principal. The model moves the row itself and returns false so that
    // the view does not remove the source row.
    QVERIFY(!model.dropMimeData(mime.get(), Qt::MoveAction, 0, 0, {}));
    QCOMPARE(codes(model), (QStringList{"C", "A", "B"}));
    QCOMPARE(edited.count(), 1);
    // Dropped onto an item: inserted before it.
    std::unique_ptr<QMimeData> first(model.mimeData({model.index(0, 0)}));
    model.dropMimeData(first.get(), Qt::MoveAction, -1, -1, model.index(2, 0));
    QCOMPARE(codes(model), (QStringList{"A", "C", "B"}));
    // Dropped below the rows: appended.
    std::unique_ptr<QMimeData> again(model.mimeData({model.index(0, 0)}));
    model.dropMimeData(again.get(), Qt::MoveAction, -1, -1, {});
    QCOMPARE(codes(model), (QStringList{"C", "B", "A"}));
    QVERIFY(model.flags(model.index(0, 0)) & Qt::ItemIsDragEnabled);
    QVERIFY(model.flags(QModelIndex()) & Qt::ItemIsDropEnabled);
}

void TstUiModels::codingListPoa_data() {
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QString>("stored");
    QTest::newRow("Y") << "Y" << true << "Y";
    QTest::newRow("lower case") << "w" << true << "W";
    QTest::newRow("exempt") << "1" << true << "1";
    QTest::newRow("clear") << "" << true << "";
    QTest::newRow("dash clears") << "—" << true << "";
    QTest::newRow("invalid") << "X" << false << "N";
    QTest::newRow("two letters") << "YN" << false << "N";
}

void TstUiModels::codingListPoa() {
    QFETCH(QString, input);
    QFETCH(bool, accepted);
    QFETCH(QString, stored);
    CodingListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setEntries({entry("A", "icd-10-cm")});
    QVERIFY(model.setPoa(0, QStringLiteral("N")));
    QSignalSpy edited(&model, &CodingListModel::edited);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QCOMPARE(model.setData(model.index(0, CodingListModel::PoaColumn), input), accepted);
    QCOMPARE(model.entries()[0].poa, stored);
    QCOMPARE(edited.count(), accepted && stored != QLatin1String("N") ? 1 : 0);
    QCOMPARE(changed.count(), edited.count());
    QCOMPARE(model.index(0, CodingListModel::PoaColumn).data(CodingListModel::PoaRole).toString(), stored);
    QVERIFY(!model.setData(model.index(0, CodingListModel::CodeColumn), QStringLiteral("Y")));
    QVERIFY(model.flags(model.index(0, CodingListModel::PoaColumn)) & Qt::ItemIsEditable);
    QVERIFY(!(model.flags(model.index(0, CodingListModel::CodeColumn)) & Qt::ItemIsEditable));
}

void TstUiModels::evidenceSnippets() {
    EvidenceListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // An emoji (two UTF-16 units, one code point) before the evidence, and CR LF.
    const QString text =
        QString::fromUtf8("Patient \xF0\x9F\x98\x80 with fever.\r\nHistory of hypertension.");
    const std::int64_t fever = 15, feverEnd = 20; // code points of "fever"
    const std::int64_t hyper = 34, hyperEnd = 46; // "hypertension"
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setEvidence(QStringLiteral("I10"), text,
                      {{fever, feverEnd, 0.2}, {hyper, hyperEnd, 0.7}, {5, 5, 0.1}});
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowCount(), 2); // the empty span is skipped
    QCOMPARE(model.code(), QStringLiteral("I10"));
    // Strongest first.
    QCOMPARE(model.index(0, 0).data(EvidenceListModel::SnippetRole).toString(),
             QStringLiteral("hypertension"));
    QCOMPARE(model.index(0, 0).data(EvidenceListModel::BeginRole).toLongLong(), hyper);
    QCOMPARE(model.index(1, 0).data(EvidenceListModel::SnippetRole).toString(), QStringLiteral("fever"));
    QCOMPARE(model.index(1, 0).data(EvidenceListModel::EndRole).toLongLong(), feverEnd);
    QCOMPARE(model.index(1, 0).data(EvidenceListModel::WeightRole).toDouble(), 0.2);
    const QString shown = model.index(1, 0).data().toString();
    QVERIFY2(shown.contains(QString::fromUtf8("\xF0\x9F\x98\x80 with «fever». History")), qPrintable(shown));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TstUiModels::worklistListsNotesWithStatuses() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto write = [&dir](const char* name, const QByteArray& bytes) {
        QFile file(dir.filePath(QString::fromLatin1(name)));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
    };
    write("note10.txt", "ten");
    write("note2.txt", "two");
    write("note1.txt", "one");
    write("image.png", "not a note");
    WorklistModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(!model.setFolder(dir.filePath(QStringLiteral("missing"))));
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.setFolder(dir.path()));
    QCOMPARE(model.rowCount(), 3);
    // Natural order: 1, 2, 10.
    QCOMPARE(model.index(0, WorklistModel::ChartColumn).data().toString(), QStringLiteral("note1.txt"));
    QCOMPARE(model.index(2, WorklistModel::ChartColumn).data().toString(), QStringLiteral("note10.txt"));
    QCOMPARE(model.status(0), ChartStatus::New);

    const QString key = WorklistModel::noteKey(model.path(1));
    QCOMPARE(key, QString::fromStdString(fc::storage::sha256Hex("two")));
    QVERIFY(WorklistModel::noteKey(dir.filePath(QStringLiteral("missing.txt"))).isEmpty());
    QStringList keys;
    for (const QString& path : model.paths())
        keys << WorklistModel::noteKey(path);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setKeys(keys, {{keys[1], QStringLiteral("done")}, {keys[2], QStringLiteral("in progress")}});
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.status(1), ChartStatus::Done);
    QCOMPARE(model.status(2), ChartStatus::InProgress);
    QCOMPARE(model.count(ChartStatus::New), 1);
    // Status shown as a word with a shape, not colour alone.
    QCOMPARE(model.index(1, WorklistModel::StatusColumn).data().toString(), QStringLiteral("● done"));
    QCOMPARE(model.index(2, WorklistModel::StatusColumn).data(Qt::AccessibleTextRole).toString(),
             QStringLiteral("in progress"));
    model.setStatus(0, ChartStatus::InProgress);
    QCOMPARE(changed.count(), 2);
    model.setStatus(0, ChartStatus::InProgress);
    QCOMPARE(changed.count(), 2);
    QCOMPARE(model.rowForPath(dir.filePath(QStringLiteral("note2.txt"))), 1);
    QCOMPARE(chartStatusFromName(chartStatusName(ChartStatus::InProgress)), ChartStatus::InProgress);
    QCOMPARE(chartStatusFromName(QStringLiteral("bogus")), ChartStatus::New);
}

void TstUiModels::catalogSearch() {
    QString error;
    const QString directory = fc::CodeCatalog::locateDirectory(&error);
    if (directory.isEmpty())
        QSKIP(qPrintable(error));
    const std::shared_ptr<const fc::CodeCatalog> catalog =
        fc::CodeCatalog::load(directory, {QStringLiteral("icd-10-cm")}, &error);
    QVERIFY2(catalog, qPrintable(error));
    CatalogSearchModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.search(QStringLiteral("I10"));
    QCOMPARE(model.rowCount(), 0); // no catalog yet
    model.setCatalog(catalog);
    QVERIFY(model.rowCount() > 0);
    QCOMPARE(model.index(0, CatalogSearchModel::CodeColumn).data().toString(), QStringLiteral("I10"));
    QCOMPARE(model.index(0, CatalogSearchModel::SystemColumn).data().toString(), QStringLiteral("ICD-10-CM"));
    model.search(QStringLiteral("essential hypertension"));
    bool found = false;
    for (int row = 0; row < model.rowCount(); ++row)
        found |= model.index(row, 0).data(CatalogSearchModel::CodeRole).toString() == QLatin1String("I10");
    QVERIFY(found);
    model.search(QStringLiteral("N39"));
    QCOMPARE(model.entry(0).code, QStringLiteral("N39"));
    QCOMPARE(model.index(0, CatalogSearchModel::BillableColumn).data().toString(), QStringLiteral("header"));
    model.search(QStringLiteral("   "));
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(reset.count() >= 5);
}

void TstUiModels::undoStack() {
    DecisionUndoStack stack;
    QSignalSpy changed(&stack, &DecisionUndoStack::changed);
    QVERIFY(!stack.canUndo());
    DecisionSnapshot first;
    first.insert(QStringLiteral("I10"),
                 {QStringLiteral("I10"), QStringLiteral("icd-10-cm"), SuggestionStatus::Accepted, 1, {}});
    stack.push(QStringLiteral("accept I10"), {});
    stack.push(QStringLiteral("reject R52"), first);
    QCOMPARE(changed.count(), 2);
    QCOMPARE(stack.undoDescription(), QStringLiteral("reject R52"));
    QCOMPARE(stack.pop(), first);
    QCOMPARE(stack.undoDescription(), QStringLiteral("accept I10"));
    QVERIFY(stack.pop().isEmpty());
    QVERIFY(!stack.canUndo());
    QCOMPARE(changed.count(), 4);
}

void TstUiModels::overviewClickJumpsToNearestMark() {
    EvidenceOverview overview;
    overview.resize(16, 1001);
    overview.setNoteLength(10000);
    overview.setMarks({{{5000, 5010, 0.8}, true}, {{9000, 9005, 0.1}, false}});
    QSignalSpy jump(&overview, &EvidenceOverview::jumpRequested);
    QTest::mouseClick(&overview, Qt::LeftButton, {}, QPoint(8, 502)); // 2 px from the mark at y = 500
    QCOMPARE(jump.count(), 1);
    QCOMPARE(jump.at(0).at(0).toLongLong(), 5000);
    QCOMPARE(jump.at(0).at(1).toLongLong(), 5010);
    QTest::mouseClick(&overview, Qt::LeftButton, {}, QPoint(8, 200)); // no mark near: proportional place
    QCOMPARE(jump.count(), 2);
    QCOMPARE(jump.at(1).at(0).toLongLong(), 2000);
    QCOMPARE(jump.at(1).at(1).toLongLong(), -1);
}

QTEST_MAIN(TstUiModels)
#include "tst_uimodels.moc"
