// Tests of fc::CodeCatalog on the shipped catalogs (resources/catalogs) and on broken catalog files.
#include "codecatalog.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <thread>

using fc::CatalogHit;
using fc::CatalogMatch;
using fc::CodeCatalog;

namespace {

QString shippedDirectory() {
    return QStringLiteral(FC_SOURCE_DIR "/resources/catalogs");
}

QStringList ancestorCodes(const fc::CatalogEntry& entry) {
    QStringList codes;
    for (const auto& ancestor : entry.ancestors)
        codes << ancestor.code;
    return codes;
}

QStringList hitCodes(const QList<CatalogHit>& hits) {
    QStringList codes;
    for (const auto& hit : hits)
        codes << hit.entry.code;
    return codes;
}

// Writes `text` as a catalog file (Qt's qCompress layout, as scripts/build_catalogs.py writes it).
void writeCatalog(const QString& path, const QByteArray& text) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(qCompress(text, 9));
}

const QByteArray kTinyHeader =
    "@format\tfusioncoder-catalog\t1\n@system\ticd-9-pcs\n@title\ttiny\n@source\ttest\n";

} // namespace

class TstCodeCatalog : public QObject {
    Q_OBJECT

private:
    std::shared_ptr<const CodeCatalog> catalog_;

private Q_SLOTS:
    void initTestCase() {
        QElapsedTimer timer;
        timer.start();
        QString error;
        catalog_ = CodeCatalog::load(shippedDirectory(), {}, &error);
        const qint64 elapsed = timer.elapsed();
        QVERIFY2(catalog_, qPrintable(error));
        qInfo("loaded all four catalogs in %lld ms", elapsed);
        for (const QString& system : CodeCatalog::knownSystems()) {
            timer.restart();
            QVERIFY(CodeCatalog::load(shippedDirectory(), {system}, &error));
            qInfo("  %s alone: %lld ms", qPrintable(system), timer.elapsed());
        }
    }

    void systemsAndCounts() {
        QCOMPARE(catalog_->systems(), CodeCatalog::knownSystems());
        // SOURCE.md counts: ICD-10-CM 95,358 order-file rows; 77,559 valid PCS codes + 880 tables + 11,700
        // table/body-part prefixes; ICD-9-CM 14,567 and 3,882 billable codes + CAML headers.
        QCOMPARE(catalog_->size(QStringLiteral("icd-10-cm")), 95358);
        QCOMPARE(catalog_->size(QStringLiteral("icd-10-pcs")), 90139);
        QCOMPARE(catalog_->size(QStringLiteral("icd-9-cm")), 17434);
        QCOMPARE(catalog_->size(QStringLiteral("icd-9-pcs")), 4641);
        QCOMPARE(catalog_->size(QStringLiteral("snomed")), 0);
        QVERIFY(catalog_->title(QStringLiteral("icd-10-cm")).contains(QStringLiteral("2021")));
    }

    void lookup_data() {
        QTest::addColumn<QString>("system");
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("billable");
        QTest::addColumn<QString>("shortDescription");
        QTest::addColumn<QString>("longDescription");
        QTest::addColumn<QString>("parent");

        QTest::newRow("I10") << "icd-10-cm"
                             << "I10"
                             << "I10" << true << "Essential (primary) hypertension"
                             << "Essential (primary) hypertension"
                             << "I10-I16";
        QTest::newRow("E11.9") << "icd-10-cm"
                               << "E11.9"
                               << "E11.9" << true << "Type 2 diabetes mellitus without complications"
                               << "Type 2 diabetes mellitus without complications"
                               << "E11";
        QTest::newRow("E11 header") << "icd-10-cm"
                                    << "E11"
                                    << "E11" << false << "Type 2 diabetes mellitus"
                                    << "Type 2 diabetes mellitus"
                                    << "E08-E13";
        QTest::newRow("n448 undotted lower case")
            << "icd-10-cm"
            << "n448"
            << "N44.8" << true << "Other noninflammatory disorders of the testis"
            << "Other noninflammatory disorders of the testis"
            << "N44";
        QTest::newRow("7th character")
            << "icd-10-cm"
            << "S01.01XA"
            << "S01.01XA" << true << "Laceration without foreign body of scalp, initial encounter"
            << "Laceration without foreign body of scalp, initial encounter"
            << "S01.01";
        QTest::newRow("short differs")
            << "icd-10-cm"
            << "t360x1a"
            << "T36.0X1A" << true << "Poisoning by penicillins, accidental (unintentional), init"
            << "Poisoning by penicillins, accidental (unintentional), initial encounter"
            << "T36.0X1";
        QTest::newRow("0DTJ4ZZ") << "icd-10-pcs"
                                 << "0dtj4zz"
                                 << "0DTJ4ZZ" << true
                                 << "Resection of Appendix, Percutaneous Endoscopic Approach"
                                 << "Medical and Surgical; Gastrointestinal System; Resection; Appendix; "
                                    "Percutaneous Endoscopic; No Device; No Qualifier"
                                 << "0DTJ";
        QTest::newRow("0DTJ prefix") << "icd-10-pcs"
                                     << "0DTJ"
                                     << "0DTJ" << false << "Resection of Appendix"
                                     << "Medical and Surgical; Gastrointestinal System; Resection; Appendix"
                                     << "0DT";
        QTest::newRow("5A1D prefix")
            << "icd-10-pcs"
            << "5A1D"
            << "5A1D" << false << "Performance of Urinary"
            << "Extracorporeal or Systemic Assistance and Performance; Physiological "
               "Systems; Performance; Urinary"
            << "5A1";
        QTest::newRow("0DT table") << "icd-10-pcs"
                                   << "0DT"
                                   << "0DT" << false << "Resection (Gastrointestinal System)"
                                   << "Medical and Surgical; Gastrointestinal System; Resection"
                                   << "0D";
        QTest::newRow("401.9") << "icd-9-cm"
                               << "401.9"
                               << "401.9" << true << "Hypertension NOS"
                               << "Unspecified essential hypertension"
                               << "401";
        QTest::newRow("4019 undotted") << "icd-9-cm"
                                       << "4019"
                                       << "401.9" << true << "Hypertension NOS"
                                       << "Unspecified essential hypertension"
                                       << "401";
        QTest::newRow("401 header") << "icd-9-cm"
                                    << "401"
                                    << "401" << false << "Essential hypertension"
                                    << "Essential hypertension"
                                    << "401-405";
        QTest::newRow("V58.61") << "icd-9-cm"
                                << "v58.61"
                                << "V58.61" << true << "Long-term use anticoagul"
                                << "Long-term (current) use of anticoagulants"
                                << "V58.6";
        QTest::newRow("E888.9") << "icd-9-cm"
                                << "E888.9"
                                << "E888.9" << true << "Fall NOS"
                                << "Unspecified fall"
                                << "E888";
        QTest::newRow("accented") << "icd-9-cm"
                                  << "386.00"
                                  << "386.00" << true << "Meniere's disease NOS"
                                  << QStringLiteral("M\u00e9ni\u00e8re's disease, unspecified") << "386.0";
        QTest::newRow("38.93") << "icd-9-pcs"
                               << "38.93"
                               << "38.93" << true << "Venous cath NEC"
                               << "Venous catheterization, not elsewhere classified"
                               << "38.9";
        QTest::newRow("38 header") << "icd-9-pcs"
                                   << "38"
                                   << "38" << false << "Incision, excision, and occlusion of vessels"
                                   << "Incision, excision, and occlusion of vessels"
                                   << "35-39";
    }

    void lookup() {
        QFETCH(QString, system);
        QFETCH(QString, input);
        QFETCH(QString, code);
        const auto entry = catalog_->lookup(system, input);
        QVERIFY(entry);
        QCOMPARE(entry->code, code);
        QCOMPARE(entry->system, system);
        QTEST(entry->billable, "billable");
        QTEST(entry->shortDescription, "shortDescription");
        QTEST(entry->longDescription, "longDescription");
        QVERIFY(!entry->ancestors.isEmpty());
        QTEST(entry->ancestors.last().code, "parent");
        QCOMPARE(catalog_->isValid(system, input), true);
        QTEST(catalog_->isBillable(system, input), "billable");
    }

    void ancestors() {
        const auto n448 = catalog_->lookup(QStringLiteral("icd-10-cm"), QStringLiteral("N44.8"));
        QVERIFY(n448);
        QCOMPARE(ancestorCodes(*n448), QStringList({"N00-N99", "N40-N53", "N44"}));
        QCOMPARE(n448->ancestors[0].kind, QStringLiteral("chapter"));
        QCOMPARE(n448->ancestors[0].title, QStringLiteral("Diseases of the genitourinary system"));
        QCOMPARE(n448->ancestors[1].kind, QStringLiteral("section"));
        QCOMPARE(n448->ancestors[1].title, QStringLiteral("Diseases of male genital organs"));
        QCOMPARE(n448->ancestors[2].kind, QStringLiteral("code"));
        QCOMPARE(n448->ancestors[2].title, QStringLiteral("Noninflammatory disorders of testis"));

        const auto pcs = catalog_->lookup(QStringLiteral("icd-10-pcs"), QStringLiteral("0DTJ4ZZ"));
        QVERIFY(pcs);
        QCOMPARE(ancestorCodes(*pcs), QStringList({"0", "0D", "0DT", "0DTJ"}));
        QCOMPARE(pcs->ancestors[0].title, QStringLiteral("Medical and Surgical"));
        QCOMPARE(pcs->ancestors[1].kind, QStringLiteral("body-system"));

        const auto icd9 = catalog_->lookup(QStringLiteral("icd-9-cm"), QStringLiteral("401.9"));
        QVERIFY(icd9);
        QCOMPARE(ancestorCodes(*icd9), QStringList({"001-999", "390-459", "401-405", "401"}));
        QCOMPARE(icd9->ancestors[1].title, QStringLiteral("DISEASES OF THE CIRCULATORY SYSTEM"));
    }

    void unknownCodes_data() {
        QTest::addColumn<QString>("system");
        QTest::addColumn<QString>("code");
        QTest::newRow("no such ICD-10-CM code") << "icd-10-cm"
                                                << "X99.99";
        QTest::newRow("dot in the wrong place") << "icd-9-cm"
                                                << "40.19";
        QTest::newRow("ICD-10 code in ICD-9") << "icd-9-cm"
                                              << "N44.8";
        QTest::newRow("unknown system") << "snomed"
                                        << "I10";
        QTest::newRow("empty") << "icd-10-cm"
                               << "";
        QTest::newRow("not a code") << "icd-10-cm"
                                    << "I10; drop table";
        QTest::newRow("too long") << "icd-10-pcs"
                                  << "0DTJ4ZZZZ";
        QTest::newRow("PCS code missing from the tables") << "icd-10-pcs"
                                                          << "0DTJ4ZX";
    }

    void unknownCodes() {
        QFETCH(QString, system);
        QFETCH(QString, code);
        QVERIFY(!catalog_->lookup(system, code));
        QVERIFY(!catalog_->isValid(system, code));
        QVERIFY(!catalog_->isBillable(system, code));
    }

    void lookupAny_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("system");
        QTest::addColumn<QString>("code");
        QTest::newRow("ICD-10-CM") << "N44.8"
                                   << "icd-10-cm"
                                   << "N44.8";
        QTest::newRow("PCS prefix") << "5a1d"
                                    << "icd-10-pcs"
                                    << "5A1D";
        QTest::newRow("ICD-9 diagnosis") << "401.9"
                                         << "icd-9-cm"
                                         << "401.9";
        QTest::newRow("ICD-9 procedure, dotted") << "40.19"
                                                 << "icd-9-pcs"
                                                 << "40.19";
        QTest::newRow("undotted: diagnosis first") << "4019"
                                                   << "icd-9-cm"
                                                   << "401.9";
        QTest::newRow("ICD-9 procedure") << "38.93"
                                         << "icd-9-pcs"
                                         << "38.93";
    }

    void lookupAny() {
        QFETCH(QString, input);
        const auto entry = catalog_->lookupAny(input);
        QVERIFY(entry);
        QTEST(entry->system, "system");
        QTEST(entry->code, "code");
        QVERIFY(!catalog_->lookupAny(QStringLiteral("Q99.999")));
    }

    void searchByCode() {
        auto hits = catalog_->search(QStringLiteral("n448"));
        QVERIFY(!hits.isEmpty());
        QCOMPARE(hits[0].entry.code, QStringLiteral("N44.8"));
        QCOMPARE(hits[0].match, CatalogMatch::ExactCode);

        hits = catalog_->search(QStringLiteral("E11.6"), {QStringLiteral("icd-10-cm")}, 10);
        QCOMPARE(hits.size(), 10);
        QCOMPARE(hits[0].entry.code, QStringLiteral("E11.6"));
        QCOMPARE(hits[0].match, CatalogMatch::ExactCode);
        QCOMPARE(hits[1].entry.code, QStringLiteral("E11.61")); // shorter codes first, then code order
        QCOMPARE(hits[2].entry.code, QStringLiteral("E11.62"));
        for (qsizetype i = 1; i < hits.size(); ++i) {
            QCOMPARE(hits[i].match, CatalogMatch::CodePrefix);
            QVERIFY(hits[i].entry.code.startsWith(QStringLiteral("E11.6")));
            QVERIFY(hits[i - 1].entry.code.size() <= hits[i].entry.code.size());
        }

        hits = catalog_->search(QStringLiteral("0dtj"), {QStringLiteral("icd-10-pcs")}, 1000);
        QCOMPARE(hits[0].entry.code, QStringLiteral("0DTJ"));
        QVERIFY(hitCodes(hits).contains(QStringLiteral("0DTJ4ZZ")));
        for (const auto& hit : hits)
            QVERIFY(hit.entry.code.startsWith(QStringLiteral("0DTJ")));

        // A code in two systems: exact matches of both come first, in system order.
        hits = catalog_->search(QStringLiteral("4019"),
                                {QStringLiteral("icd-9-cm"), QStringLiteral("icd-9-pcs")});
        QCOMPARE(hitCodes(hits.mid(0, 2)), QStringList({"401.9", "40.19"}));
    }

    void searchByWords_data() {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("system");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<int>("within");
        QTest::newRow("essential hypertension") << "essential hypertension"
                                                << "icd-10-cm"
                                                << "I10" << 3;
        QTest::newRow("prefixes") << "ess hypert"
                                  << "icd-10-cm"
                                  << "I10" << 5;
        QTest::newRow("word order free") << "hypertension essential"
                                         << "icd-9-cm"
                                         << "401.9" << 5;
        QTest::newRow("upper case") << "TYPE 2 DIABETES"
                                    << "icd-10-cm"
                                    << "E11" << 3;
        QTest::newRow("accent in the query") << QStringLiteral("M\u00c9NI\u00c8RE") << "icd-10-cm"
                                             << "H81.0" << 3;
        QTest::newRow("accent in the catalog") << "meniere unspecified"
                                               << "icd-9-cm"
                                               << "386.00" << 3;
        QTest::newRow("pcs words") << "resection appendix percutaneous endoscopic"
                                   << "icd-10-pcs"
                                   << "0DTJ4ZZ" << 1;
        QTest::newRow("pcs long description") << "gastrointestinal resection appendix"
                                              << "icd-10-pcs"
                                              << "0DTJ" << 1;
        QTest::newRow("icd-9 procedure") << "venous cath"
                                         << "icd-9-pcs"
                                         << "38.93" << 5;
        QTest::newRow("inherited words") << "laceration scalp initial"
                                         << "icd-10-cm"
                                         << "S01.01XA" << 5;
    }

    void searchByWords() {
        QFETCH(QString, query);
        QFETCH(QString, system);
        QFETCH(QString, expected);
        QFETCH(int, within);
        const auto hits = catalog_->search(query, {system}, 200);
        QVERIFY(!hits.isEmpty());
        const qsizetype position = hitCodes(hits).indexOf(expected);
        QVERIFY2(position >= 0 && position < within,
                 qPrintable(QStringLiteral("%1 at %2 in %3")
                                .arg(expected)
                                .arg(position)
                                .arg(hitCodes(hits.mid(0, 8)).join(' '))));
        // Every hit contains every query word as a word prefix; the ranking never puts fewer whole-word
        // matches before more.
        const QStringList queryWords = CodeCatalog::foldedWords(query);
        for (qsizetype i = 0; i < hits.size(); ++i) {
            const auto& hit = hits[i];
            QCOMPARE(hit.match, CatalogMatch::Words);
            QCOMPARE(hit.entry.system, system);
            const QStringList words =
                CodeCatalog::foldedWords(hit.entry.shortDescription + ' ' + hit.entry.longDescription);
            for (const QString& word : queryWords)
                QVERIFY2(std::any_of(words.begin(), words.end(),
                                     [&](const QString& w) { return w.startsWith(word); }),
                         qPrintable(hit.entry.code + QStringLiteral(" lacks ") + word));
            if (i > 0)
                QVERIFY(hits[i - 1].exactWords >= hit.exactWords);
        }
    }

    void searchMisc() {
        QVERIFY(catalog_->search(QString()).isEmpty());
        QVERIFY(catalog_->search(QStringLiteral("   ")).isEmpty());
        QVERIFY(catalog_->search(QStringLiteral("zzqqxv")).isEmpty());
        QVERIFY(catalog_->search(QStringLiteral("hypertension"), {}, 0).isEmpty());
        QCOMPARE(catalog_->search(QStringLiteral("fracture"), {}, 7).size(), 7);
        QVERIFY(catalog_->search(QStringLiteral("I10"), {QStringLiteral("snomed")}).isEmpty());
        // Code matches precede word matches; a code found by its code is not listed again by its words.
        const auto hits = catalog_->search(QStringLiteral("E11"), {QStringLiteral("icd-10-cm")}, 500);
        QCOMPARE(hits[0].entry.code, QStringLiteral("E11"));
        QStringList codes = hitCodes(hits);
        QCOMPARE(codes.removeDuplicates(), 0);
        // Whole-word matches rank before prefix-only matches.
        const auto fall = catalog_->search(QStringLiteral("fall"), {QStringLiteral("icd-9-cm")}, 50);
        QVERIFY(!fall.isEmpty());
        QCOMPARE(fall[0].exactWords, 1);
    }

    // Add code (Ctrl+K) for "pulmonary embolism": the search alone lists the header I26 first; ranked for
    // coding, billable codes come first, a code the note supports before them, and the header stays listed.
    void rankingForCodingPutsBillableFirst() {
        const QStringList cm{QStringLiteral("icd-10-cm")};
        const QList<CatalogHit> plain = catalog_->search(QStringLiteral("pulmonary embolism"), cm, 400);
        QVERIFY(!plain.isEmpty());
        const auto isHeader = [](const CatalogHit& hit) { return !hit.entry.billable; };
        QVERIFY(std::any_of(plain.begin(), plain.end(), isHeader));

        const QList<CatalogHit> ranked = rankForCoding(plain);
        QCOMPARE(ranked.size(), plain.size()); // nothing dropped: header codes stay reachable
        QVERIFY(ranked.first().entry.billable);
        const auto firstHeader = std::find_if(ranked.begin(), ranked.end(), isHeader);
        QVERIFY(firstHeader != ranked.end());
        QVERIFY(std::all_of(firstHeader, ranked.end(), isHeader)); // every billable code before any header
        QVERIFY(std::any_of(ranked.begin(), ranked.end(),
                            [](const CatalogHit& hit) { return hit.entry.code == QLatin1String("I26"); }));

        // A code the note supports (the model scored it) comes before other billable codes.
        const QString supported = ranked.last().entry.code; // a header: supported beats billable
        const QList<CatalogHit> forNote = rankForCoding(plain, {{supported, 0.7}});
        QCOMPARE(forNote.first().entry.code, supported);

        // Typing the header code itself still finds it first.
        const QList<CatalogHit> exact = rankForCoding(catalog_->search(QStringLiteral("I26"), cm, 50));
        QCOMPARE(exact.first().entry.code, QStringLiteral("I26"));
        QCOMPARE(exact.first().match, CatalogMatch::ExactCode);
    }

    void describeRuleIsOneForGuiAndCli() {
        // ICD-10-PCS: the readable phrase, not the list of seven axes; others: the official long title.
        const auto pcs = catalog_->lookup(QStringLiteral("icd-10-pcs"), QStringLiteral("0FT44ZZ"));
        QVERIFY(pcs);
        QCOMPARE(codeDescription(*pcs), pcs->shortDescription);
        QVERIFY(!codeDescription(*pcs).contains(QLatin1Char(';')));
        const auto cmEntry = catalog_->lookup(QStringLiteral("icd-10-cm"), QStringLiteral("I26.99"));
        QVERIFY(cmEntry);
        QCOMPARE(codeDescription(*cmEntry), cmEntry->longDescription);
        const auto icd9 = catalog_->lookup(QStringLiteral("icd-9-pcs"), QStringLiteral("38.93"));
        QVERIFY(icd9);
        QCOMPARE(codeDescription(*icd9), icd9->longDescription);
    }

    void foldedWords_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("words");
        QTest::newRow("accents and case")
            << QStringLiteral("M\u00e9ni\u00e8re's DISEASE") << QStringList({"meniere", "s", "disease"});
        QTest::newRow("punctuation") << "Long-term (current) use, NSAID"
                                     << QStringList({"long", "term", "current", "use", "nsaid"});
        QTest::newRow("digits") << "Type 2 diabetes E11.9"
                                << QStringList({"type", "2", "diabetes", "e11", "9"});
        QTest::newRow("spanish") << QStringLiteral("Neumon\u00eda CR\u00d3NICA")
                                 << QStringList({"neumonia", "cronica"});
        QTest::newRow("empty") << " -- " << QStringList();
    }

    void foldedWords() {
        QFETCH(QString, text);
        QTEST(CodeCatalog::foldedWords(text), "words");
    }

    // The word index (built at load from the stored, partly inherited description pieces) agrees with the
    // words of the full descriptions: a search for all the words of a sampled code finds that code.
    void wordIndexMatchesDescriptions_data() {
        QTest::addColumn<QString>("system");
        QTest::addColumn<QString>("prefix");
        QTest::newRow("icd-10-cm injuries") << "icd-10-cm"
                                            << "S0";
        QTest::newRow("icd-10-cm poisoning") << "icd-10-cm"
                                             << "T36";
        QTest::newRow("icd-10-cm diabetes") << "icd-10-cm"
                                            << "E1";
        QTest::newRow("icd-10-pcs urinary") << "icd-10-pcs"
                                            << "0T";
        QTest::newRow("icd-10-pcs imaging") << "icd-10-pcs"
                                            << "B";
        QTest::newRow("icd-10-pcs rehabilitation") << "icd-10-pcs"
                                                   << "F0";
        QTest::newRow("icd-9-cm") << "icd-9-cm"
                                  << "3";
        QTest::newRow("icd-9-cm V") << "icd-9-cm"
                                    << "V";
        QTest::newRow("icd-9-pcs") << "icd-9-pcs"
                                   << "3";
    }

    void wordIndexMatchesDescriptions() {
        QFETCH(QString, system);
        QFETCH(QString, prefix);
        const auto codes = catalog_->search(prefix, {system}, 100000);
        QVERIFY(codes.size() > 20);
        const qsizetype step = std::max<qsizetype>(1, codes.size() / 40);
        for (qsizetype i = 0; i < codes.size(); i += step) {
            const auto& entry = codes[i].entry;
            QStringList words =
                CodeCatalog::foldedWords(entry.shortDescription + ' ' + entry.longDescription);
            words.removeDuplicates();
            const auto hits = catalog_->search(words.join(' '), {system}, 100000);
            QVERIFY2(hitCodes(hits).contains(entry.code),
                     qPrintable(entry.code + QStringLiteral(": ") + words.join(' ')));
        }
    }

    void concurrentUse() {
        const QStringList queries = {"diabetes", "n44", "resection appendix", "fracture femur", "401"};
        QList<QStringList> expected;
        for (const QString& query : queries)
            expected << hitCodes(catalog_->search(query, {}, 20));
        std::vector<std::thread> threads;
        std::atomic<int> mismatches{0};
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                for (int round = 0; round < 5; ++round)
                    for (qsizetype q = 0; q < queries.size(); ++q) {
                        if (hitCodes(catalog_->search(queries[q], {}, 20)) != expected[q])
                            ++mismatches;
                        if (!catalog_->lookup(QStringLiteral("icd-10-cm"), QStringLiteral("N44.8")))
                            ++mismatches;
                    }
            });
        for (auto& thread : threads)
            thread.join();
        QCOMPARE(mismatches.load(), 0);
    }

    void searchTimings() {
        const QStringList queries = {"n448",
                                     "e11",
                                     "s",
                                     "0dtj",
                                     "a",
                                     "th",
                                     "an",
                                     "diabetes",
                                     "essential hypertension",
                                     "fracture of femur",
                                     "resection appendix",
                                     "chronic kidney disease stage",
                                     "infection",
                                     "pain",
                                     "drainage kidney right percutaneous",
                                     "meniere",
                                     "401.9",
                                     "of the",
                                     "left"};
        std::vector<double> times;
        for (const QString& query : queries) {
            QElapsedTimer timer;
            timer.start();
            const auto hits = catalog_->search(query, {}, 50);
            times.push_back(double(timer.nsecsElapsed()) / 1e6);
            QVERIFY(!hits.isEmpty());
        }
        std::vector<double> sorted = times;
        std::sort(sorted.begin(), sorted.end());
        qInfo("search over all systems, limit 50: median %.2f ms, max %.2f ms ('%s')",
              sorted[sorted.size() / 2], sorted.back(),
              qPrintable(queries[qsizetype(std::max_element(times.begin(), times.end()) - times.begin())]));
    }

    void locateDirectory() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile::copy(shippedDirectory() + QStringLiteral("/icd-9-pcs.tsv.qz"),
                    dir.filePath(QStringLiteral("icd-9-pcs.tsv.qz")));
        qputenv("FUSIONCODER_CATALOGS", QFile::encodeName(QStringLiteral("/nonexistent:") + dir.path()));
        QCOMPARE(CodeCatalog::searchPaths().value(0), QStringLiteral("/nonexistent"));
        QString error;
        QCOMPARE(CodeCatalog::locateDirectory(&error), QDir(dir.path()).absolutePath());
        qunsetenv("FUSIONCODER_CATALOGS");
        QVERIFY(CodeCatalog::searchPaths().contains(QStringLiteral(FC_BINARY_DIR "/resources/catalogs")));
        // The build tree links or copies the shipped catalogs.
        QCOMPARE(CodeCatalog::locateDirectory(&error),
                 QDir(QStringLiteral(FC_BINARY_DIR "/resources/catalogs")).absolutePath());
    }

    void brokenFiles_data() {
        QTest::addColumn<QByteArray>("content"); // raw file bytes
        QTest::addColumn<QString>("message");    // part of the error
        QTest::newRow("garbage") << QByteArray("not a catalog at all, just text") << "implausible length";
        QTest::newRow("too short") << QByteArray("xy") << "too short";
        QByteArray corrupt = qCompress(kTinyHeader + "@groups\t0\n@entries\t0\n");
        corrupt[corrupt.size() / 2] = char(corrupt[corrupt.size() / 2] ^ 0x5a);
        corrupt[corrupt.size() - 3] = char(corrupt[corrupt.size() - 3] ^ 0x33);
        QTest::newRow("corrupt") << corrupt << "corrupt";
        QFile real(shippedDirectory() + QStringLiteral("/icd-9-pcs.tsv.qz"));
        QVERIFY(real.open(QIODevice::ReadOnly));
        QTest::newRow("truncated") << real.readAll().left(5000) << "corrupt or truncated";
        QTest::newRow("not a catalog") << qCompress("hello\tworld\n") << "not a fusioncoder catalog";
        QTest::newRow("newer format") << qCompress("@format\tfusioncoder-catalog\t9\n") << "format version 9";
        QTest::newRow("other system")
            << qCompress("@format\tfusioncoder-catalog\t1\n@system\ticd-10-cm\n") << "another system";
        QTest::newRow("bad row") << qCompress(kTinyHeader + "@groups\t0\n@entries\t1\nE\t38.93\t1\n")
                                 << "line 7: expected a code row";
        QTest::newRow("bad flag") << qCompress(kTinyHeader +
                                               "@groups\t0\n@entries\t1\nE\t38.93\tyes\t\tx\t\n")
                                  << "line 7: the billable flag";
        QTest::newRow("unknown parent")
            << qCompress(kTinyHeader + "@groups\t0\n@entries\t1\nE\t38.93\t1\t38.9\tx\t\n")
            << "line 7: the parent is not defined above";
        QTest::newRow("duplicate") << qCompress(kTinyHeader +
                                                "@groups\t0\n@entries\t2\nE\t38\t0\t\tx\t\nE\t38\t0\t\tx\t\n")
                                   << "line 8: duplicate code";
        QTest::newRow("count mismatch")
            << qCompress(kTinyHeader + "@groups\t0\n@entries\t2\nE\t38\t0\t\tx\t\n") << "truncated file?";
        QTest::newRow("inherits from a group")
            << qCompress(kTinyHeader +
                         "@groups\t1\n@entries\t1\nG\t35-39\t\trange\tVESSELS\nE\t38\t0\t35-39\t^x\t\n")
            << "line 8: a description continues a parent that is not a code";
    }

    void brokenFiles() {
        QFETCH(QByteArray, content);
        QFETCH(QString, message);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        {
            QFile file(dir.filePath(QStringLiteral("icd-9-pcs.tsv.qz")));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(content);
        }
        QString error;
        const auto catalog = CodeCatalog::load(dir.path(), {QStringLiteral("icd-9-pcs")}, &error);
        QVERIFY(!catalog);
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("icd-9-pcs.tsv.qz")), qPrintable(error));
    }

    void missingFileAndUnknownSystem() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QString error;
        QVERIFY(!CodeCatalog::load(dir.path(), {QStringLiteral("icd-10-cm")}, &error));
        QVERIFY2(error.contains(QStringLiteral("catalog file not found")) &&
                     error.contains(QStringLiteral("icd-10-cm.tsv.qz")),
                 qPrintable(error));
        QVERIFY(!CodeCatalog::load(shippedDirectory(), {QStringLiteral("snomed")}, &error));
        QVERIFY2(error.contains(QStringLiteral("unknown code system 'snomed'")), qPrintable(error));
    }

    // A tiny hand-written catalog: groups, inheritance of descriptions, and the word index built from it.
    void tinyCatalog() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeCatalog(dir.filePath(QStringLiteral("icd-9-pcs.tsv.qz")),
                     kTinyHeader + "@groups\t2\n@entries\t3\n"
                                   "G\t00-99\t\trange\tPROCEDURES\n"
                                   "G\t35-39\t00-99\trange\tVESSELS\n"
                                   "E\t38\t0\t35-39\tVessels\t\n"
                                   "E\t38.9\t0\t38\t^ puncture\tPuncture of vessel\n"
                                   "E\t38.93\t1\t38.9\tVenous cath NEC\t^, venous, Caf\xc3\xa9\n");
        QString error;
        const auto tiny = CodeCatalog::load(dir.path(), {QStringLiteral("icd-9-pcs")}, &error);
        QVERIFY2(tiny, qPrintable(error));
        QCOMPARE(tiny->systems(), QStringList({"icd-9-pcs"}));
        const auto entry = tiny->lookup(QStringLiteral("icd-9-pcs"), QStringLiteral("3893"));
        QVERIFY(entry);
        QCOMPARE(entry->shortDescription, QStringLiteral("Venous cath NEC"));
        QCOMPARE(entry->longDescription, QStringLiteral("Puncture of vessel, venous, Caf\u00e9"));
        QCOMPARE(ancestorCodes(*entry), QStringList({"00-99", "35-39", "38", "38.9"}));
        QCOMPARE(tiny->lookup(QStringLiteral("icd-9-pcs"), QStringLiteral("38.9"))->shortDescription,
                 QStringLiteral("Vessels puncture"));
        // Whole-word matches first, then fewer words.
        QCOMPARE(hitCodes(tiny->search(QStringLiteral("vessel"))), QStringList({"38.9", "38.93", "38"}));
        QCOMPARE(hitCodes(tiny->search(QStringLiteral("cafe punct"))), QStringList({"38.93"}));
        QCOMPARE(hitCodes(tiny->search(QStringLiteral("puncture"))), QStringList({"38.9", "38.93"}));
        QVERIFY(tiny->search(QStringLiteral("procedures")).isEmpty()); // group titles are not searched
    }
};

QTEST_GUILESS_MAIN(TstCodeCatalog)
#include "tst_codecatalog.moc"
