// SuggestionTableModel and SuggestionFilterProxy: rows by threshold and uncertain band, filter text, roles,
// status changes and their signals.
#include "suggestionfilterproxy.h"
#include "suggestiontablemodel.h"

#include "fc/model/engine.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QtTest>

using fc::Suggestion;
using fc::SuggestionStatus;
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
    void proxyShowsRowsByThresholdAndBand_data();
    void proxyShowsRowsByThresholdAndBand();
    void proxyFiltersByCodeOrWords_data();
    void proxyFiltersByCodeOrWords();
    void uncertainBandIsMarkedWithoutColour();
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
    fc::ui::SuggestionFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSuggestions(sample(), 0.3);
    model.setThreshold(0.6);
    model.setUncertainBand(0.2);
    model.setStatus(0, SuggestionStatus::Accepted);
    model.setStatusForCode(QStringLiteral("R10.9"), QStringLiteral("icd-10-cm"), SuggestionStatus::Rejected);
    model.setStatusForCode(QStringLiteral("Z99.9"), QStringLiteral("icd-10-cm"), SuggestionStatus::Added);
    proxy.setFilterText(QStringLiteral("r"));
    proxy.setShow(fc::ui::SuggestionFilterProxy::Show::All);
    model.setThreshold(0.0);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TstSuggestionTableModel::proxyShowsRowsByThresholdAndBand_data() {
    QTest::addColumn<double>("threshold");
    QTest::addColumn<double>("band");
    QTest::addColumn<QStringList>("codes");
    QTest::newRow("0.5, no band (at threshold included)")
        << 0.5 << 0.0 << QStringList{"N44.8", "BW03ZZZ", "401.9"};
    QTest::newRow("0.5, band 0.1 adds R52 (0.41)")
        << 0.5 << 0.1 << QStringList{"N44.8", "R52", "BW03ZZZ", "401.9"};
    QTest::newRow("0.0 all") << 0.0 << 0.1 << QStringList{"N44.8", "R52", "BW03ZZZ", "401.9", "R10.9"};
    QTest::newRow("0.95 none") << 0.95 << 0.0 << QStringList{};
    QTest::newRow("0.95 band 0.05: 0.93 is uncertain") << 0.95 << 0.05 << QStringList{"N44.8"};
    QTest::newRow("0.8") << 0.8 << 0.0 << QStringList{"N44.8"};
}

void TstSuggestionTableModel::proxyShowsRowsByThresholdAndBand() {
    QFETCH(double, threshold);
    QFETCH(double, band);
    QFETCH(QStringList, codes);
    SuggestionTableModel model;
    model.setUncertainBand(band);
    fc::ui::SuggestionFilterProxy proxy;
    proxy.setSourceModel(&model);
    model.setSuggestions(sample(), 1.0 - threshold);
    QSignalSpy classification(&model, &SuggestionTableModel::classificationChanged);
    model.setThreshold(threshold); // reached by moving the threshold: the proxy follows
    QCOMPARE(classification.count(), threshold == 1.0 - threshold ? 0 : 1);
    QStringList shown;
    for (int row = 0; row < proxy.rowCount(); ++row)
        shown << proxy.index(row, SuggestionTableModel::CodeColumn).data().toString();
    QCOMPARE(shown, codes);
    QCOMPARE(model.rowCount(), 5); // the model holds every code
    proxy.setShow(fc::ui::SuggestionFilterProxy::Show::All);
    QCOMPARE(proxy.rowCount(), 5);
    proxy.setShow(fc::ui::SuggestionFilterProxy::Show::Decided);
    QCOMPARE(proxy.rowCount(), 0);
}

void TstSuggestionTableModel::proxyFiltersByCodeOrWords_data() {
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QStringList>("codes");
    QTest::newRow("code prefix, dot ignored") << QStringLiteral("n448") << QStringList{"N44.8"};
    QTest::newRow("code prefix, case") << QStringLiteral("bw") << QStringList{"BW03ZZZ"};
    QTest::newRow("word prefix") << QStringLiteral("abdom") << QStringList{"R10.9"};
    QTest::newRow("all words must match") << QStringLiteral("pain chest") << QStringList{};
    QTest::newRow("two words") << QStringLiteral("abdominal PAIN") << QStringList{"R10.9"};
    QTest::newRow("empty") << QString() << QStringList{"N44.8", "R52", "BW03ZZZ", "401.9", "R10.9"};
}

void TstSuggestionTableModel::proxyFiltersByCodeOrWords() {
    QFETCH(QString, filter);
    QFETCH(QStringList, codes);
    std::vector<Suggestion> all = sample();
    all[4].description = QStringLiteral("Unspecified abdominal pain");
    all[1].description = QStringLiteral("Pain, unspecified");
    SuggestionTableModel model;
    model.setSuggestions(std::move(all), 0.0);
    fc::ui::SuggestionFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.setShow(fc::ui::SuggestionFilterProxy::Show::All);
    proxy.setFilterText(filter);
    QStringList shown;
    for (int row = 0; row < proxy.rowCount(); ++row)
        shown << proxy.index(row, SuggestionTableModel::CodeColumn).data().toString();
    QCOMPARE(shown, codes);
}

void TstSuggestionTableModel::uncertainBandIsMarkedWithoutColour() {
    SuggestionTableModel model;
    model.setSuggestions(sample(), 0.5);
    model.setUncertainBand(0.1);
    const int r52 = model.rowForCode(QStringLiteral("R52"));    // 0.41: below, within the band
    const int n448 = model.rowForCode(QStringLiteral("N44.8")); // 0.93: clear
    const int icd9 = model.rowForCode(QStringLiteral("401.9")); // 0.5: at the threshold
    QVERIFY(model.index(r52, 0).data(SuggestionTableModel::UncertainRole).toBool());
    QVERIFY(!model.index(r52, 0).data(SuggestionTableModel::AboveThresholdRole).toBool());
    QVERIFY(model.index(icd9, 0).data(SuggestionTableModel::UncertainRole).toBool());
    QVERIFY(model.index(icd9, 0).data(SuggestionTableModel::AboveThresholdRole).toBool());
    QVERIFY(!model.index(n448, 0).data(SuggestionTableModel::UncertainRole).toBool());
    // The mark is a "?" in the number and an italic font, not only a colour.
    QVERIFY(model.index(r52, SuggestionTableModel::ConfidenceColumn)
                .data()
                .toString()
                .endsWith(QLatin1Char('?')));
    QVERIFY(!model.index(n448, SuggestionTableModel::ConfidenceColumn)
                 .data()
                 .toString()
                 .contains(QLatin1Char('?')));
    QVERIFY(model.index(r52, SuggestionTableModel::CodeColumn).data(Qt::FontRole).value<QFont>().italic());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setUncertainBand(0.0);
    QCOMPARE(changed.count(), 1);
    QVERIFY(!model.index(r52, 0).data(SuggestionTableModel::UncertainRole).toBool());
}

void TstSuggestionTableModel::displayAndRoles() {
    SuggestionTableModel model;
    model.setSuggestions(sample(), 0.5);
    QCOMPARE(model.columnCount(), int(SuggestionTableModel::ColumnCount));
    QCOMPARE(model.headerData(SuggestionTableModel::ConfidenceColumn, Qt::Horizontal).toString(),
             QStringLiteral("Confidence"));
    const int row = model.rowForCode(QStringLiteral("BW03ZZZ"));
    QCOMPARE(row, 2);
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
    QCOMPARE(model.rowForCode(QStringLiteral("Z00.0")), -1);
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
    model.setUncertainBand(0.0);
    fc::ui::SuggestionFilterProxy proxy;
    proxy.setSourceModel(&model);
    model.setSuggestions(sample(), 0.0);
    model.setStatus(model.rowForCode(QStringLiteral("R10.9")), SuggestionStatus::Rejected);
    model.setThreshold(0.5);
    QStringList shown;
    for (int row = 0; row < proxy.rowCount(); ++row)
        shown << proxy.index(row, 0).data().toString();
    QVERIFY(shown.contains(QStringLiteral("R10.9")));
    QVERIFY(!shown.contains(QStringLiteral("R52")));
    QCOMPARE(proxy.rowCount(), 4);
    proxy.setShow(fc::ui::SuggestionFilterProxy::Show::Decided);
    QCOMPARE(proxy.rowCount(), 1);
}

void TstSuggestionTableModel::setStatusForUnscoredCodeAddsRow() {
    SuggestionTableModel model;
    model.setSuggestions(sample(), 0.5);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    const int row = model.setStatusForCode(QStringLiteral("Z99.9"), QStringLiteral("icd-10-cm"),
                                           SuggestionStatus::Added, QStringLiteral("Dependence on machines"));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(row, 5);
    QCOMPARE(model.suggestion(row).code, QStringLiteral("Z99.9"));
    QCOMPARE(model.suggestion(row).description, QStringLiteral("Dependence on machines"));
    QVERIFY(!model.suggestion(row).hasScore());
    QCOMPARE(model.index(row, SuggestionTableModel::StatusColumn).data().toString(), QStringLiteral("added"));
    QCOMPARE(model.rowForCode(QStringLiteral("Z99.9")), 5);

    // A scored code keeps its row and only changes status.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    const int r52 = model.setStatusForCode(QStringLiteral("R52"), QStringLiteral("icd-10-cm"),
                                           SuggestionStatus::Rejected);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(r52, 1);
    QCOMPARE(model.rowCount(), 6);
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
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setThreshold(0.9); // no reset: the rows stay, their classification changes
    QCOMPARE(reset.count(), 2);
    QCOMPARE(changed.count(), 1);
    model.setThreshold(0.9);
    QCOMPARE(changed.count(), 1);
}

void TstSuggestionTableModel::suggestionsFromPredictionUsesLabelSystems() {
    fc::ModelInfo info;
    info.labels = {"5A1D", "N44.8"};
    info.labelSystems = {"icd-10-pcs", "icd-10-cm"};
    fc::Prediction prediction;
    prediction.codes = {{"N44.8", 0.9f, {{3, 9, 1.0}}}, {"5A1D", 0.2f, {}}, {"X00", 0.1f, {}}};
    const std::vector<Suggestion> suggestions = fc::suggestionsFromPrediction(prediction, info);
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
