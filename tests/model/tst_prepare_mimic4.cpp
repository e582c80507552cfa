// fc::prepareMimic4 on small hand-written CSV files in MIMIC-IV's layout (no credentialed data).
#include "fc/model/dataset.h"
#include "fc/model/errors.h"
#include "fc/model/prepare.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <string>

class TestPrepareMimic4 : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        // Admission 1 has two notes (one quoted with a comma and a line break), 2 one, 3 a note but only rare
        // codes, 4 no note, 9 a note outside the splits.
        write("discharge.csv",
              "note_id,subject_id,hadm_id,note_type,note_seq,charttime,storetime,text\n"
              "10-DS-1,10,1,DS,1,2180-01-01,2180-01-01,\"Chest pain, ruled out MI.\nStable.\"\n"
              "20-DS-1,20,2,DS,1,2180-01-02,2180-01-02,Pneumonia treated.\n"
              "10-DS-2,10,1,DS,2,2180-01-03,2180-01-03,Addendum.\n"
              "30-DS-1,30,3,DS,1,2180-01-04,2180-01-04,Rare things.\n"
              "90-DS-1,90,9,DS,1,2180-01-05,2180-01-05,Not in a split.\n");
        write("diagnoses_icd.csv", "subject_id,hadm_id,seq_num,icd_code,icd_version\n"
                                   "10,1,1,I214,10\n10,1,2,I10,10\n10,1,3,4019,9\n10,1,4,I214,10\n"
                                   "20,2,1,J189,10\n20,2,2,I10,10\n30,3,1,Z9981,10\n90,9,1,I10,10\n");
        write("procedures_icd.csv",
              "subject_id,hadm_id,seq_num,chartdate,icd_code,icd_version\n"
              "10,1,1,2180-01-01,02703ZZ,10\n20,2,1,2180-01-02,0066,9\n20,2,2,2180-01-02,02703ZZ,10\n");
        write("split.csv", "_id,split\n1,train\n2,val\n3,test\n4,test\n");
    }

    void icd10() {
        fc::Mimic4Options options = base();
        options.minCodeCount = 2; // I10 and 02703ZZ are on two admissions; I21.4, J18.9 and Z99.81 on one
        fc::Mimic4Report report;
        fc::prepareMimic4(options, report);
        QCOMPARE(report.dischargeRows, std::int64_t{5});
        QCOMPARE(report.dischargeOutsideSplits, std::int64_t{1});
        QCOMPARE(report.otherVersionRows, std::int64_t{2});
        QCOMPARE(report.distinctCodes, std::int64_t{2});
        QCOMPARE(report.rareCodes, std::int64_t{3});

        const auto train = fc::loadDataset(path("out/train_icd10.jsonl"));
        QCOMPARE(train.size(), std::size_t{1});
        QCOMPARE(train[0].id, std::string("1"));
        QCOMPARE(train[0].text, std::string("Chest pain, ruled out MI.\nStable. Addendum."));
        QCOMPARE(train[0].codes, (std::vector<std::string>{"I10", "02703ZZ"}));
        const auto dev = fc::loadDataset(path("out/dev_icd10.jsonl"));
        QCOMPARE(dev.size(), std::size_t{1});
        QCOMPARE(dev[0].codes, (std::vector<std::string>{"I10", "02703ZZ"}));
        QVERIFY(fc::loadDataset(path("out/test_icd10.jsonl")).empty());
        QCOMPARE(report.splits[2].ids, std::int64_t{2});
        QCOMPARE(report.splits[2].idsWithoutNote, std::int64_t{1});
        QCOMPARE(report.splits[2].withoutCodes, std::int64_t{1});
    }

    void icd9KeepsLeadingZeros() {
        fc::Mimic4Options options = base();
        options.codes = fc::Mimic4Codes::Icd9;
        options.minCodeCount = 1;
        fc::Mimic4Report report;
        fc::prepareMimic4(options, report);
        QCOMPARE(fc::loadDataset(path("out/train_icd9.jsonl"))[0].codes, (std::vector<std::string>{"401.9"}));
        QCOMPARE(fc::loadDataset(path("out/dev_icd9.jsonl"))[0].codes, (std::vector<std::string>{"00.66"}));
    }

    void badSplitNameIsAnInputError() {
        write("bad_split.csv", "_id,split\n1,training\n");
        fc::Mimic4Options options = base();
        options.splits = path("bad_split.csv");
        fc::Mimic4Report report;
        QVERIFY_THROWS_EXCEPTION(fc::InputError, fc::prepareMimic4(options, report));
    }

private:
    fc::Mimic4Options base() const {
        fc::Mimic4Options options;
        options.discharge = path("discharge.csv");
        options.diagnoses = path("diagnoses_icd.csv");
        options.procedures = path("procedures_icd.csv");
        options.splits = path("split.csv");
        options.outDir = path("out");
        return options;
    }
    std::string path(const char* name) const {
        return m_dir.filePath(QString::fromLatin1(name)).toStdString();
    }
    void write(const char* name, const QByteArray& content) {
        QFile file(QString::fromStdString(path(name)));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestPrepareMimic4)
#include "tst_prepare_mimic4.moc"
