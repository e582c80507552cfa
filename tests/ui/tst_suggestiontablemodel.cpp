// SuggestionTableModel: visible rows by threshold, roles, status changes and their signals.
#include "suggestiontablemodel.h"

#include "fc/model/engine.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QtTest>

using fc::ui::Suggestion;
using fc::ui::SuggestionStatus;
using fc::ui::SuggestionTableModel;

namespace {

Suggestion make(const char* code, const char* system, double score) {
    Suggestion s;
    s.code = QString::fromLatin1(code);
    s.system = QString::fromLatin1(system);
    s.score = score;
    s.evidence = {{10, 20, 0.6}, {30, 35, 0.4}};
    return s;
}

// Scores deliberately not in order: the model keeps the given order, the proxy sorts.
std::vector<Suggestion> sample() {
    return {make("N44.8", "icd-10-cm", 0.93), make("R52", "icd-10-cm", 0.41),
            make("BW03ZZZ", "icd-10-pcs", 0.77), make("401.9", "icd-9-cm", 0.5),
            make("R10.9", "icd-10-cm", 0.12)};
}

} // namespace

class TstSuggestionTableModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void passesModelTester();
    void rowsAtOrAboveThreshold_data();
    void rowsAtOrAboveThreshold();
    void displayAndRoles();
    void sortsByScoreAsNumber();
    void setStatusEmitsDataChangedForTheRow();
    void decidedCodesStayVisibleBelowThreshold();
    void setStatusForUnscoredCodeAddsRow();
    void newResultsResetTheModel();
    void suggestionsFromPredictionUsesLabelSystems();
};

void TstSuggestionTableModel::passesModelTester() {
    SuggestionTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSuggestions(sample(), 0.3);
    model.setThreshold(0.6);
    model.setStatus(0, SuggestionStatus::Accepted);
    model.setStatusForCode(QStringLiteral("R10.9"), QStringLiteral("icd-10-cm"), SuggestionStatus::Rejected);
    model.setStatusForCode(QStringLiteral("Z99.9"), QStringLiteral("icd-10-cm"), SuggestionStatus::Added);
    model.setThreshold(0.0);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TstSuggestionTableModel::rowsAtOrAboveThreshold_data() {
    QTest::addColumn<double>("threshold");
    QTest::addColumn<QStringList>("codes");
    QTest::newRow("0.5 (at threshold included)") << 0.5 << QStringList{"N44.8", "BW03ZZZ", "401.9"};
    QTest::newRow("0.0 all") << 0.0 << QStringList{"N44.8", "R52", "BW03ZZZ", "401.9", "R10.9"};
    QTest::newRow("0.95 none") << 0.95 << QStringList{};
    QTest::newRow("0.8") << 0.8 << QStringList{"N44.8"};
}

void TstSuggestionTableModel::rowsAtOrAboveThreshold() {
    QFETCH(double, threshold);
    QFETCH(QStringList, codes);
    SuggestionTableModel model;
    model.setSuggestions(sample(), threshold);
    QStringList shown;
    for (int row = 0; row < model.rowCount(); ++row)
        shown << model.index(row, SuggestionTableModel::CodeColumn).data().toString();
    QCOMPARE(shown, codes);
    QCOMPARE(model.totalCount(), 5);

    // The same rows when reached through setThreshold from another threshold.
    SuggestionTableModel moved;
    moved.setSuggestions(sample(), 1.0 - threshold);
    moved.setThreshold(threshold);
    QCOMPARE(moved.rowCount(), codes.size());
    QCOMPARE(moved.threshold(), threshold);
}

void TstSuggestionTableModel::displayAndRoles() {
    SuggestionTableModel model;
    model.setSuggestions(sample(), 0.5);
    QCOMPARE(model.columnCount(), int(SuggestionTableModel::ColumnCount));
    QCOMPARE(model.headerData(SuggestionTableModel::ConfidenceColumn, Qt::Horizontal).toString(),
             QStringLiteral("Confidence"));
    const int row = model.rowForCode(QStringLiteral("BW03ZZZ"));
    QCOMPARE(row, 1);
    QCOMPARE(model.index(row, SuggestionTableModel::SystemColumn).data().toString(),
             QStringLiteral("ICD-10-PCS"));
    QCOMPARE(model.index(row, SuggestionTableModel::DescriptionColumn).data().toString(),
             QStringLiteral("ICD-10-PCS procedure"));
    QCOMPARE(model.index(row, SuggestionTableModel::StatusColumn).data().toString(),
             QStringLiteral("suggested"));
    const QModelIndex confidence = model.index(row, SuggestionTableModel::ConfidenceColumn);
    QCOMPARE(confidence.data(SuggestionTableModel::SortRole).userType(), QMetaType::Double);
    QCOMPARE(confidence.data(SuggestionTableModel::ScoreRole).toDouble(), 0.77);
    QVERIFY(confidence.data().toString().contains(QStringLiteral("77")));
    QCOMPARE(confidence.data(SuggestionTableModel::CodeRole).toString(), QStringLiteral("BW03ZZZ"));
    QCOMPARE(model.suggestion(row).evidence.size(), size_t(2));
    QCOMPARE(model.rowForCode(QStringLiteral("R10.9")), -1); // below threshold
}

void TstSuggestionTableModel::sortsByScoreAsNumber() {
    SuggestionTableModel model;
    std::vector<Suggestion> all = sample();
    all.push_back(
        make("T10", "icd-10-cm", 0.100001)); // "0.10" sorts after "0.12" as a string, not as a number
    all.push_back(make("T9", "icd-10-cm", 0.9));
    model.setSuggestions(std::move(all), 0.0);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(SuggestionTableModel::SortRole);
    proxy.sort(SuggestionTableModel::ConfidenceColumn, Qt::DescendingOrder);
    QStringList order;
    for (int row = 0; row < proxy.rowCount(); ++row)
        order << proxy.index(row, SuggestionTableModel::CodeColumn).data().toString();
    QCOMPARE(order, (QStringList{"N44.8", "T9", "BW03ZZZ", "401.9", "R52", "R10.9", "T10"}));
}

void TstSuggestionTableModel::setStatusEmitsDataChangedForTheRow() {
    SuggestionTableModel model;
    model.setSuggestions(sample(), 0.5);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setStatus(1, SuggestionStatus::Rejected);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(reset.count(), 0);
    const QModelIndex topLeft = changed.at(0).at(0).toModelIndex();
    const QModelIndex bottomRight = changed.at(0).at(1).toModelIndex();
    QCOMPARE(topLeft.row(), 1);
    QCOMPARE(bottomRight.row(), 1);
    QVERIFY(topLeft.column() <= SuggestionTableModel::StatusColumn);
    QVERIFY(bottomRight.column() >= SuggestionTableModel::StatusColumn);
    QCOMPARE(model.index(1, SuggestionTableModel::StatusColumn).data().toString(),
             QStringLiteral("rejected"));
    QCOMPARE(model.index(1, 0).data(SuggestionTableModel::StatusRole).toInt(),
             int(SuggestionStatus::Rejected));
    QVERIFY(model.index(1, SuggestionTableModel::CodeColumn).data(Qt::FontRole).value<QFont>().strikeOut());

    model.setStatus(1, SuggestionStatus::Rejected); // unchanged: no signal
    QCOMPARE(changed.count(), 1);
    model.setStatus(0, SuggestionStatus::Accepted);
    QCOMPARE(changed.count(), 2);
    QVERIFY(model.index(0, SuggestionTableModel::CodeColumn).data(Qt::FontRole).value<QFont>().bold());
}

void TstSuggestionTableModel::decidedCodesStayVisibleBelowThreshold() {
    SuggestionTableModel model;
    model.setSuggestions(sample(), 0.0);
    model.setStatus(model.rowForCode(QStringLiteral("R10.9")), SuggestionStatus::Rejected);
    model.setThreshold(0.5);
    QVERIFY(model.rowForCode(QStringLiteral("R10.9")) >= 0);
    QCOMPARE(model.rowForCode(QStringLiteral("R52")), -1);
    QCOMPARE(model.rowCount(), 4);
}

void TstSuggestionTableModel::setStatusForUnscoredCodeAddsRow() {
    SuggestionTableModel model;
    model.setSuggestions(sample(), 0.5);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    const int row =
        model.setStatusForCode(QStringLiteral("Z99.9"), QStringLiteral("icd-10-cm"), SuggestionStatus::Added);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(row, 3);
    QCOMPARE(model.suggestion(row).code, QStringLiteral("Z99.9"));
    QVERIFY(!model.suggestion(row).hasScore());
    QCOMPARE(model.index(row, SuggestionTableModel::StatusColumn).data().toString(), QStringLiteral("added"));

    // A scored code below the threshold becomes visible in its prediction order once decided.
    const int r52 = model.setStatusForCode(QStringLiteral("R52"), QStringLiteral("icd-10-cm"),
                                           SuggestionStatus::Rejected);
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(r52, 1);
    QCOMPARE(model.rowCount(), 5);
}

void TstSuggestionTableModel::newResultsResetTheModel() {
    SuggestionTableModel model;
    QSignalSpy aboutToReset(&model, &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setSuggestions(sample(), 0.5);
    QCOMPARE(reset.count(), 1);
    QCOMPARE(aboutToReset.count(), 1);
    model.setStatus(0, SuggestionStatus::Accepted);
    model.setSuggestions({make("J18.9", "icd-10-cm", 0.8)}, 0.5);
    QCOMPARE(reset.count(), 2);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.suggestion(0).status, SuggestionStatus::Suggested);
    model.setThreshold(0.6); // same visible rows: no reset
    QCOMPARE(reset.count(), 2);
    model.setThreshold(0.9);
    QCOMPARE(reset.count(), 3);
    QCOMPARE(model.rowCount(), 0);
}

void TstSuggestionTableModel::suggestionsFromPredictionUsesLabelSystems() {
    fc::ModelInfo info;
    info.labels = {"5A1D", "N44.8"};
    info.labelSystems = {"icd-10-pcs", "icd-10-cm"};
    fc::Prediction prediction;
    prediction.codes = {{"N44.8", 0.9f, {{3, 9, 1.0}}}, {"5A1D", 0.2f, {}}, {"X00", 0.1f, {}}};
    const std::vector<Suggestion> suggestions = fc::ui::suggestionsFromPrediction(prediction, info);
    QCOMPARE(suggestions.size(), size_t(3));
    QCOMPARE(suggestions[0].system, QStringLiteral("icd-10-cm"));
    QCOMPARE(suggestions[0].evidence.size(), size_t(1));
    QCOMPARE(suggestions[0].evidence[0].end, std::int64_t(9));
    QCOMPARE(suggestions[1].system, QStringLiteral("icd-10-pcs"));
    QCOMPARE(suggestions[2].system, QStringLiteral("unknown"));
    QCOMPARE(suggestions[1].score, double(0.2f));
}

QTEST_MAIN(TstSuggestionTableModel)
#include "tst_suggestiontablemodel.moc"
