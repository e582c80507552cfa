// fc::CsvReader (model/src/csv_reader.h): RFC 4180 quoting, line endings, header lookup, error positions,
// and fields spanning the reader's 1 MiB buffer.
#include "csv_reader.h"

#include "fc/model/errors.h"

#include <QTest>

#include <sstream>

using Records = std::vector<std::vector<std::string>>;
Q_DECLARE_METATYPE(Records)

namespace {

Records readAll(const std::string& input, bool hasHeader, std::vector<std::string>* header = nullptr) {
    std::istringstream in(input);
    fc::CsvReader reader(in, "test.csv", hasHeader);
    if (header)
        *header = reader.header();
    Records records;
    std::vector<std::string> fields;
    while (reader.next(fields))
        records.push_back(fields);
    return records;
}

} // namespace

class TestCsvReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parses_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<Records>("expected");
        QTest::newRow("plain") << QByteArray("a,b\n1,2\n3,4\n") << Records{{"1", "2"}, {"3", "4"}};
        QTest::newRow("no final newline") << QByteArray("a,b\n1,2") << Records{{"1", "2"}};
        QTest::newRow("crlf") << QByteArray("a,b\r\n1,2\r\n3,4\r\n") << Records{{"1", "2"}, {"3", "4"}};
        QTest::newRow("quoted delimiter") << QByteArray("a,b\n\"x,y\",2\n") << Records{{"x,y", "2"}};
        QTest::newRow("doubled quotes")
            << QByteArray("a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n") << Records{{"say \"hi\"", "\""}};
        QTest::newRow("embedded lf") << QByteArray("a,b\n1,\"line one\nline two\n\"\n2,x\n")
                                     << Records{{"1", "line one\nline two\n"}, {"2", "x"}};
        QTest::newRow("embedded crlf kept")
            << QByteArray("a,b\r\n1,\"x\r\ny\"\r\n") << Records{{"1", "x\r\ny"}};
        QTest::newRow("empty fields")
            << QByteArray("a,b,c\n,,\n\"\",x,\n") << Records{{"", "", ""}, {"", "x", ""}};
        QTest::newRow("blank lines skipped")
            << QByteArray("a,b\n\n1,2\r\n\r\n3,4\n\n") << Records{{"1", "2"}, {"3", "4"}};
        QTest::newRow("lone cr is data") << QByteArray("a,b\n1\r2,3\n") << Records{{"1\r2", "3"}};
        QTest::newRow("utf8 kept") << QByteArray("a,b\n\"Varón\",años\n") << Records{{"Varón", "años"}};
    }
    void parses() {
        QFETCH(QByteArray, input);
        QFETCH(Records, expected);
        QCOMPARE(readAll(input.toStdString(), true), expected);
    }

    void headerByName() {
        std::istringstream in("\xEF\xBB\xBFROW_ID,\"HADM_ID\",TEXT\n1,2,3\n");
        fc::CsvReader reader(in, "t.csv");
        QCOMPARE(reader.column("ROW_ID"), std::size_t(0)); // BOM dropped
        QCOMPARE(reader.column("HADM_ID"), std::size_t(1));
        QCOMPARE(reader.column("TEXT"), std::size_t(2));
        QVERIFY_THROWS_EXCEPTION(fc::InputError, reader.column("CATEGORY"));
    }

    void withoutHeader() {
        QCOMPARE(readAll("1\n2\n", false), (Records{{"1"}, {"2"}}));
        QCOMPARE(readAll("1,2\n3\n", false), (Records{{"1", "2"}, {"3"}})); // no field-count check
    }

    void recordLines() {
        std::istringstream in("a,b\n1,\"x\ny\nz\"\n2,w\n");
        fc::CsvReader reader(in, "t.csv");
        std::vector<std::string> fields;
        QVERIFY(reader.next(fields));
        QCOMPARE(reader.recordLine(), std::int64_t(2));
        QVERIFY(reader.next(fields));
        QCOMPARE(reader.recordLine(), std::int64_t(5));
        QCOMPARE(reader.recordCount(), std::int64_t(2));
        QVERIFY(!reader.next(fields));
    }

    void errors_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("message");
        QTest::newRow("field count") << QByteArray("a,b\n1,\"x\ny\"\n1,2,3\n")
                                     << QStringLiteral("t.csv:4: expected 2 fields, found 3");
        QTest::newRow("unterminated")
            << QByteArray("a,b\n1,2\n3,\"open\nmore\n")
            << QStringLiteral("t.csv:3: quoted field not closed before the end of the file");
        QTest::newRow("after closing quote")
            << QByteArray("a,b\n\"x\"y,2\n")
            << QStringLiteral("t.csv:2: unexpected character 'y' after a closing "
                              "quote (field 1)");
        QTest::newRow("quote in unquoted")
            << QByteArray("a,b\n1,ab\"c\n")
            << QStringLiteral("t.csv:2: quote inside an unquoted field (field 2)");
        QTest::newRow("empty") << QByteArray("")
                               << QStringLiteral("t.csv:1: empty file, expected a header row");
    }
    void errors() {
        QFETCH(QByteArray, input);
        QFETCH(QString, message);
        std::istringstream in(input.toStdString());
        try {
            fc::CsvReader reader(in, "t.csv");
            std::vector<std::string> fields;
            while (reader.next(fields)) {
            }
            QFAIL("no InputError");
        } catch (const fc::InputError& e) {
            QCOMPARE(QString::fromUtf8(e.what()), message);
        }
    }

    // Fields and doubled quotes crossing the 1 MiB read buffer, and line counting inside them.
    void largeFields() {
        std::string text;
        for (int i = 0; i < 300000; ++i)
            text += i % 1000 == 0 ? "line\n\"\"q" : "abcd";
        const std::string unquotedField(1500000, 'x');
        std::string input = "id,text\n1,\"" + text + "\"\n2," + unquotedField + "\n3,end\n";
        std::istringstream in(input);
        fc::CsvReader reader(in, "big.csv");
        std::vector<std::string> fields;
        QVERIFY(reader.next(fields));
        std::string expected;
        for (int i = 0; i < 300000; ++i)
            expected += i % 1000 == 0 ? "line\n\"q" : "abcd";
        QVERIFY(fields[1] == expected);
        QVERIFY(reader.next(fields));
        QCOMPARE(reader.recordLine(), std::int64_t(2 + 300 + 1)); // 300 line breaks inside, 1 after
        QVERIFY(fields[1] == unquotedField);
        QVERIFY(reader.next(fields));
        QCOMPARE(fields[1], std::string("end"));
        QVERIFY(!reader.next(fields));
    }

    void openMissingFile() {
        try {
            fc::CsvReader::open("/nonexistent/NOTEEVENTS.csv");
            QFAIL("no InputError");
        } catch (const fc::InputError& e) {
            QVERIFY(QString::fromUtf8(e.what()).startsWith(QStringLiteral("/nonexistent/NOTEEVENTS.csv")));
        }
    }
};

QTEST_APPLESS_MAIN(TestCsvReader)
#include "tst_csv_reader.moc"
