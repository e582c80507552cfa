// fusioncoder-cli as scripts see it: exit codes, one-line errors, the predict JSON contract.
#include "../support/cli_run.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

using Run = fc::testing::CliRun;
using fc::testing::runCli;

} // namespace

class TstCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        // A small untrained model keeps the test fast; its scores are meaningless but well-formed.
        QFile labels(m_dir.filePath(QStringLiteral("labels.txt")));
        QVERIFY(labels.open(QIODevice::WriteOnly));
        // Sorted, as the authors' loader orders labels (import-pytorch relies on it).
        labels.write("0DTJ4ZZ\nE11.9\nI10\nN44.8\n");
        labels.close();
        QFile vocab(m_dir.filePath(QStringLiteral("vocab.txt")));
        QVERIFY(vocab.open(QIODevice::WriteOnly));
        vocab.write("pain\nhypertension\ndiabetes\npatient\nleft\nscrotal\n");
        vocab.close();
        const Run made =
            runCli({QStringLiteral("init-model"), QStringLiteral("--labels"), labels.fileName(),
                    QStringLiteral("--vocab"), vocab.fileName(), QStringLiteral("--out"), modelDir()});
        QVERIFY2(made.exitCode == 0, made.err.constData());
    }

    void helpListsCommands() {
        const Run run = runCli({QStringLiteral("--help")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("predict"));
        QVERIFY(run.out.contains("Exit codes"));
    }

    void commandHelpExitsZero_data() {
        QTest::addColumn<QString>("command");
        QTest::newRow("predict") << QStringLiteral("predict");
        QTest::newRow("info") << QStringLiteral("info");
        QTest::newRow("init-model") << QStringLiteral("init-model");
        QTest::newRow("lexicon") << QStringLiteral("lexicon");
    }
    void commandHelpExitsZero() {
        QFETCH(QString, command);
        const Run run = runCli({command, QStringLiteral("--help")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("--"));
    }

    void badUsageExitsTwoWithOneLine_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("stdinBytes");
        QTest::addColumn<QByteArray>("mentions");
        QTest::newRow("no command") << QStringList{} << QByteArray() << QByteArray("Usage");
        QTest::newRow("unknown command")
            << QStringList{QStringLiteral("frobnicate")} << QByteArray() << QByteArray("unknown command");
        QTest::newRow("unknown option")
            << QStringList{QStringLiteral("predict"), QStringLiteral("--nope"), QStringLiteral("-")}
            << QByteArray("x") << QByteArray("nope");
        QTest::newRow("missing file")
            << QStringList{QStringLiteral("predict"), QStringLiteral("/nonexistent/n.txt")} << QByteArray()
            << QByteArray("/nonexistent/n.txt");
        QTest::newRow("missing model")
            << QStringList{QStringLiteral("predict"), QStringLiteral("--model"),
                           QStringLiteral("/nonexistent/model"), QStringLiteral("-")}
            << QByteArray("text") << QByteArray("/nonexistent/model");
        QTest::newRow("invalid utf-8") << QStringList{QStringLiteral("predict"), QStringLiteral("-")}
                                       << QByteArray("caf\xe9 au lait") << QByteArray("UTF-8");
        QTest::newRow("binary") << QStringList{QStringLiteral("predict"), QStringLiteral("-")}
                                << QByteArray("ab\0cd", 5) << QByteArray("binary");
        QTest::newRow("bad top") << QStringList{QStringLiteral("predict"), QStringLiteral("--top"),
                                                QStringLiteral("many"), QStringLiteral("-")}
                                 << QByteArray("x") << QByteArray("--top");
    }
    void badUsageExitsTwoWithOneLine() {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, stdinBytes);
        QFETCH(QByteArray, mentions);
        QStringList args = arguments;
        // Point at the test model unless the row is about the model.
        if (!args.isEmpty() && args.first() == QLatin1String("predict") &&
            !args.contains(QStringLiteral("--model")))
            args << QStringLiteral("--model") << modelDir();
        const Run run = runCli(args, stdinBytes);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(mentions), run.err.constData());
        QVERIFY2(run.err.trimmed().count('\n') == 0 || mentions == "Usage", run.err.constData());
    }

    void predictFollowsTheContract() {
        // Accented letters and an emoji before the words make code-point and byte offsets differ.
        const QByteArray note =
            QStringLiteral("Señora 😀 with hypertension and scrotal pain, left side.").toUtf8();
        const Run run = runCli({QStringLiteral("predict"), QStringLiteral("--model"), modelDir(),
                                QStringLiteral("--top"), QStringLiteral("0"), QStringLiteral("-")},
                               note);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject json = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(json.value(QStringLiteral("tokens")).toInt(), 8);
        QCOMPARE(json.value(QStringLiteral("truncated")).toBool(), false);
        QVERIFY(json.value(QStringLiteral("model")).toObject().contains(QStringLiteral("version")));
        const QJsonArray codes = json.value(QStringLiteral("codes")).toArray();
        QCOMPARE(codes.size(), 4); // --top 0 lists every label
        double previous = 2.0;
        const QString text = QString::fromUtf8(note);
        const QVector<uint> codePoints = text.toUcs4();
        for (const auto& value : codes) {
            const QJsonObject code = value.toObject();
            const double score = code.value(QStringLiteral("score")).toDouble();
            QVERIFY(score >= 0.0 && score <= 1.0);
            QVERIFY(score <= previous);
            previous = score;
            const QString system = code.value(QStringLiteral("system")).toString();
            QCOMPARE(system, code.value(QStringLiteral("code")).toString() == QLatin1String("0DTJ4ZZ")
                                 ? QStringLiteral("icd-10-pcs")
                                 : QStringLiteral("icd-10-cm"));
            for (const auto& spanValue : code.value(QStringLiteral("evidence")).toArray()) {
                const QJsonObject span = spanValue.toObject();
                const int begin = span.value(QStringLiteral("begin")).toInt();
                const int end = span.value(QStringLiteral("end")).toInt();
                QVERIFY(0 <= begin && begin < end && end <= codePoints.size());
                // The span text is the code-point slice of the note.
                const QString slice = QString::fromUcs4(
                    reinterpret_cast<const char32_t*>(codePoints.constData() + begin), end - begin);
                QCOMPARE(span.value(QStringLiteral("text")).toString(), slice);
            }
        }
    }

    void predictTopAndThreshold() {
        const Run top = runCli({QStringLiteral("predict"), QStringLiteral("--model"), modelDir(),
                                QStringLiteral("--top"), QStringLiteral("2"), QStringLiteral("-")},
                               "hypertension");
        QCOMPARE(top.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(top.out).object().value(QStringLiteral("codes")).toArray().size(),
                 2);
        const Run none = runCli({QStringLiteral("predict"), QStringLiteral("--model"), modelDir(),
                                 QStringLiteral("--threshold"), QStringLiteral("1"), QStringLiteral("-")},
                                "hypertension");
        QCOMPARE(none.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(none.out).object().value(QStringLiteral("codes")).toArray().size(),
                 0);
    }

    void infoDescribesTheModel() {
        const Run run = runCli({QStringLiteral("info"), QStringLiteral("--model"), modelDir()});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject json = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(json.value(QStringLiteral("labels")).toInt(), 4);
        QCOMPARE(json.value(QStringLiteral("vocabulary")).toInt(), 6);
        QCOMPARE(json.value(QStringLiteral("arch")).toString(), QStringLiteral("fusion"));
        QVERIFY(json.value(QStringLiteral("parameters")).toInteger() > 0);
    }

    // retrieval writes a model whose info reports the component; baseline and convert run on the same data.
    void retrievalBaselineAndConvertCommands() {
        const auto write = [&](const QString& name, const QByteArray& bytes) {
            QFile file(m_dir.filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(bytes);
        };
        write(QStringLiteral("r-train.jsonl"),
              "{\"id\":\"1\",\"text\":\"left scrotal pain\",\"codes\":[\"N44.8\"]}\n"
              "{\"id\":\"2\",\"text\":\"hypertension and diabetes\",\"codes\":[\"I10\",\"E11.9\"]}\n");
        write(QStringLiteral("r-dev.jsonl"),
              "{\"id\":\"3\",\"text\":\"patient with scrotal pain\",\"codes\":[\"N44.8\"]}\n"
              "{\"id\":\"4\",\"text\":\"diabetes\",\"codes\":[\"E11.9\"]}\n");
        const QString out = m_dir.filePath(QStringLiteral("with-retrieval"));
        const Run added = runCli({QStringLiteral("retrieval"), QStringLiteral("--model"), modelDir(),
                                  QStringLiteral("--train"), m_dir.filePath(QStringLiteral("r-train.jsonl")),
                                  QStringLiteral("--dev"), m_dir.filePath(QStringLiteral("r-dev.jsonl")),
                                  QStringLiteral("--weight"), QStringLiteral("0.5"), QStringLiteral("--out"),
                                  out, QStringLiteral("--threads"), QStringLiteral("1")});
        QVERIFY2(added.exitCode == 0, added.err.constData());
        const QJsonObject tuning = QJsonDocument::fromJson(added.out).object();
        QCOMPARE(tuning.value(QStringLiteral("weight")).toDouble(), 0.5);
        QCOMPARE(tuning.value(QStringLiteral("indexed_documents")).toInt(), 2);
        const Run info = runCli({QStringLiteral("info"), QStringLiteral("--model"), out});
        const QJsonObject retrieval =
            QJsonDocument::fromJson(info.out).object().value(QStringLiteral("retrieval")).toObject();
        QCOMPARE(retrieval.value(QStringLiteral("mode")).toString(), QStringLiteral("mix"));
        QCOMPARE(retrieval.value(QStringLiteral("neighbours")).toInt(), 20);

        const Run knn = runCli({QStringLiteral("baseline"), QStringLiteral("--train"),
                                m_dir.filePath(QStringLiteral("r-train.jsonl")), QStringLiteral("--data"),
                                m_dir.filePath(QStringLiteral("r-dev.jsonl")), QStringLiteral("--json")});
        QVERIFY2(knn.exitCode == 0, knn.err.constData());
        QCOMPARE(QJsonDocument::fromJson(knn.out).object().value(QStringLiteral("map")).toDouble(), 1.0);
        const Run bad =
            runCli({QStringLiteral("baseline"), QStringLiteral("--method"), QStringLiteral("nope"),
                    QStringLiteral("--train"), m_dir.filePath(QStringLiteral("r-train.jsonl")),
                    QStringLiteral("--data"), m_dir.filePath(QStringLiteral("r-dev.jsonl"))});
        QCOMPARE(bad.exitCode, 2);

        const QString half = m_dir.filePath(QStringLiteral("half"));
        const Run converted = runCli(
            {QStringLiteral("convert"), QStringLiteral("--model"), out, QStringLiteral("--out"), half});
        QVERIFY2(converted.exitCode == 0, converted.err.constData());
        QVERIFY(QFile::exists(half + QStringLiteral("/neighbours.tsv"))); // the index travels with the model
        const Run halfInfo = runCli({QStringLiteral("info"), QStringLiteral("--model"), half});
        QCOMPARE(halfInfo.exitCode, 0);

        // Descriptions in the notes' own words: a code's evidence mention; codes without evidence are left
        // out.
        write(QStringLiteral("e-train.jsonl"),
              "{\"id\":\"1\",\"text\":\"Dolor escrotal izquierdo\",\"codes\":[\"N44.8\"],"
              "\"evidence\":[{\"code\":\"N44.8\",\"begin\":0,\"end\":14}]}\n"
              "{\"id\":\"2\",\"text\":\"HTA\",\"codes\":[\"I10\"]}\n");
        const QString described = m_dir.filePath(QStringLiteral("e-descriptions.tsv"));
        const Run descriptions =
            runCli({QStringLiteral("descriptions"), QStringLiteral("--codes"),
                    m_dir.filePath(QStringLiteral("e-train.jsonl")), QStringLiteral("--from-evidence"),
                    m_dir.filePath(QStringLiteral("e-train.jsonl")), QStringLiteral("--out"), described});
        QVERIFY2(descriptions.exitCode == 0, descriptions.err.constData());
        QFile tsv(described);
        QVERIFY(tsv.open(QIODevice::ReadOnly));
        QCOMPARE(tsv.readAll(), QByteArray("N44.8\tdolor escrotal\n"));
    }

    // examples writes mention examples (evidence widened by --context-words within its line) and knowledge
    // examples (--terms of the --codes' codes) as one dataset file.
    void examplesCommand() {
        const QString train = m_dir.filePath(QStringLiteral("e-train.jsonl"));
        QFile file(train);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"id\":\"n1\",\"text\":\"Varon de 40 con dolor escrotal izquierdo.\\nHTA.\","
                   "\"codes\":[\"N44.8\",\"I10\"],\"evidence\":[{\"code\":\"N44.8\",\"begin\":16,"
                   "\"end\":30},{\"code\":\"I10\",\"begin\":42,\"end\":45}]}\n");
        file.close();
        const QString terms = m_dir.filePath(QStringLiteral("e-terms.tsv"));
        QFile tsv(terms);
        QVERIFY(tsv.open(QIODevice::WriteOnly));
        tsv.write("I10\tEssential (primary) hypertension\nI10\thigh blood pressure\nZ99.9\tunused\n");
        tsv.close();
        const QString out = m_dir.filePath(QStringLiteral("e-out.jsonl"));
        const Run made =
            runCli({QStringLiteral("examples"), QStringLiteral("--mentions"), train,
                    QStringLiteral("--context-words"), QStringLiteral("1"), QStringLiteral("--terms"), terms,
                    QStringLiteral("--codes"), train, QStringLiteral("--out"), out});
        QVERIFY2(made.exitCode == 0, made.err.constData());
        QFile written(out);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QList<QJsonObject> examples;
        for (const QByteArray& line : written.readAll().split('\n'))
            if (!line.trimmed().isEmpty())
                examples.append(QJsonDocument::fromJson(line).object());
        QCOMPARE(examples.size(), 4);
        // One word of context each side, and the HTA mention stops at its line.
        QCOMPARE(examples[0].value(QStringLiteral("text")).toString(),
                 QStringLiteral("con dolor escrotal izquierdo."));
        QCOMPARE(examples[0].value(QStringLiteral("codes")).toArray().first().toString(),
                 QStringLiteral("N44.8"));
        QCOMPARE(examples[0].value(QStringLiteral("id")).toString(), QStringLiteral("n1#m1"));
        QCOMPARE(examples[1].value(QStringLiteral("text")).toString(), QStringLiteral("HTA."));
        // Knowledge examples: only the codes of --codes, one per term.
        QCOMPARE(examples[2].value(QStringLiteral("text")).toString(),
                 QStringLiteral("Essential (primary) hypertension"));
        QCOMPARE(examples[3].value(QStringLiteral("codes")).toArray(), QJsonArray{QStringLiteral("I10")});

        QCOMPARE(runCli({QStringLiteral("examples"), QStringLiteral("--out"), out}).exitCode, 2);
        QCOMPARE(runCli({QStringLiteral("examples"), QStringLiteral("--terms"), terms,
                         QStringLiteral("--out"), out})
                     .exitCode,
                 2);
    }

    // lexicon builds a mention lexicon from train evidence; retrieval --lexicon mixes it into a model.
    void lexiconCommandAndRetrievalWithLexicon() {
        const QString train = m_dir.filePath(QStringLiteral("l-train.jsonl"));
        QFile file(train);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"id\":\"1\",\"text\":\"Dolor escrotal izquierdo\",\"codes\":[\"N44.8\"],"
                   "\"evidence\":[{\"code\":\"N44.8\",\"begin\":0,\"end\":14}]}\n"
                   "{\"id\":\"2\",\"text\":\"HTA, sin dolor escrotal\",\"codes\":[\"I10\"],"
                   "\"evidence\":[{\"code\":\"I10\",\"begin\":0,\"end\":3}]}\n");
        file.close();
        const QString lexicon = m_dir.filePath(QStringLiteral("lexicon.tsv"));
        const Run built =
            runCli({QStringLiteral("lexicon"), QStringLiteral("--train"), train,
                    QStringLiteral("--from-evidence"), train, QStringLiteral("--out"), lexicon});
        QVERIFY2(built.exitCode == 0, built.err.constData());
        QVERIFY2(built.err.contains("2 entries"), built.err.constData());
        QFile tsv(lexicon);
        QVERIFY(tsv.open(QIODevice::ReadOnly));
        // The negated "dolor escrotal" of note 2 is not counted: matched once, coded once.
        QCOMPARE(tsv.readAll(),
                 QByteArray("# fusioncoder-lexicon 1\n# language=es normalise=1 abbreviations=1 "
                            "negation=1 negated_factor=0 scope=6\nN44.8\tDolor escrotal\tevidence"
                            "\t1\t1\nI10\tHTA\tevidence\t1\t1\n"));
        const QString out = m_dir.filePath(QStringLiteral("with-lexicon"));
        const Run added = runCli(
            {QStringLiteral("retrieval"), QStringLiteral("--model"), modelDir(), QStringLiteral("--train"),
             train, QStringLiteral("--dev"), train, QStringLiteral("--weight"), QStringLiteral("0.5"),
             QStringLiteral("--lexicon"), lexicon, QStringLiteral("--lexicon-weight"), QStringLiteral("1"),
             QStringLiteral("--out"), out, QStringLiteral("--threads"), QStringLiteral("1")});
        QVERIFY2(added.exitCode == 0, added.err.constData());
        QCOMPARE(
            QJsonDocument::fromJson(added.out).object().value(QStringLiteral("lexicon_weight")).toDouble(),
            1.0);
        const Run info = runCli({QStringLiteral("info"), QStringLiteral("--model"), out});
        QCOMPARE(QJsonDocument::fromJson(info.out)
                     .object()
                     .value(QStringLiteral("retrieval"))
                     .toObject()
                     .value(QStringLiteral("lexicon_weight"))
                     .toDouble(),
                 1.0);
        const Run noTerms = runCli(
            {QStringLiteral("lexicon"), QStringLiteral("--train"), train, QStringLiteral("--out"), lexicon});
        QCOMPARE(noTerms.exitCode, 2);

        // combiner cross-validates the learned mix of the model's parts, the mention lexicon among them.
        const Run combined = runCli({QStringLiteral("combiner"), QStringLiteral("--model"), out,
                                     QStringLiteral("--data"), train, QStringLiteral("--folds"),
                                     QStringLiteral("2"), QStringLiteral("--threads"), QStringLiteral("1")});
        QVERIFY2(combined.exitCode == 0, combined.err.constData());
        const QJsonObject report = QJsonDocument::fromJson(combined.out).object();
        QCOMPARE(report.value(QStringLiteral("documents")).toInt(), 2);
        QVERIFY(report.value(QStringLiteral("learned_combiner")).toObject().contains(QStringLiteral("map")));
        const QJsonArray features = report.value(QStringLiteral("fold_models"))
                                        .toArray()
                                        .first()
                                        .toObject()
                                        .value(QStringLiteral("features"))
                                        .toArray();
        QVERIFY(features.contains(QStringLiteral("mention_lexicon")));
        QCOMPARE(runCli({QStringLiteral("combiner"), QStringLiteral("--model"), out, QStringLiteral("--data"),
                         train, QStringLiteral("--drop"), QStringLiteral("nonsense")})
                     .exitCode,
                 2);
    }

    // A damaged 11 KB checkpoint whose pickle declares a 4 GB string: refused before LibTorch's unpickler
    // reserves the 4 GB (fuzz_import_pytorch found it; peak memory went from 4.2 GB to 170 MB).
    void importPytorchRefusesAPickleDeclaringMoreThanItHolds() {
        const QString damaged =
            QStringLiteral(FC_SOURCE_DIR "/fuzz/regressions/import_pytorch/pickle-declares-4gb-string");
        const Run run = runCli({QStringLiteral("import-pytorch"), QStringLiteral("--state-dict"), damaged,
                                QStringLiteral("--vocab"), modelDir() + QStringLiteral("/vocab.txt"),
                                QStringLiteral("--labels"), modelDir() + QStringLiteral("/labels.txt"),
                                QStringLiteral("--out"), m_dir.filePath(QStringLiteral("never"))});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("declares 4211081268 bytes, past the end of the"), run.err.constData());
    }

    void importPytorchRoundTripsOurOwnWeights() {
        // weights.pt is a PyTorch zip tensor dictionary under the authors' names, so importing it with our
        // vocabulary and labels must reproduce the model's scores exactly.
        const QString imported = m_dir.filePath(QStringLiteral("imported"));
        const Run run =
            runCli({QStringLiteral("import-pytorch"), QStringLiteral("--state-dict"),
                    modelDir() + QStringLiteral("/weights.pt"), QStringLiteral("--vocab"),
                    modelDir() + QStringLiteral("/vocab.txt"), QStringLiteral("--labels"),
                    modelDir() + QStringLiteral("/labels.txt"), QStringLiteral("--out"), imported});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QByteArray note("Left scrotal pain; hypertension and diabetes.");
        const QStringList predict{QStringLiteral("predict"), QStringLiteral("--top"),
                                  QStringLiteral("0"),       QStringLiteral("--no-evidence"),
                                  QStringLiteral("-"),       QStringLiteral("--model")};
        const Run original = runCli(predict + QStringList{modelDir()}, note);
        const Run copy = runCli(predict + QStringList{imported}, note);
        QCOMPARE(original.exitCode, 0);
        QCOMPARE(copy.exitCode, 0);
        const QJsonArray a =
            QJsonDocument::fromJson(original.out).object().value(QStringLiteral("codes")).toArray();
        const QJsonArray b =
            QJsonDocument::fromJson(copy.out).object().value(QStringLiteral("codes")).toArray();
        QCOMPARE(a.size(), 4);
        QCOMPARE(a, b);
    }

    void importPytorchRejectsBadInput() {
        QFile junk(m_dir.filePath(QStringLiteral("junk.pt")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("this is not a checkpoint");
        junk.close();
        const Run run =
            runCli({QStringLiteral("import-pytorch"), QStringLiteral("--state-dict"), junk.fileName(),
                    QStringLiteral("--vocab"), modelDir() + QStringLiteral("/vocab.txt"),
                    QStringLiteral("--labels"), modelDir() + QStringLiteral("/labels.txt"),
                    QStringLiteral("--out"), m_dir.filePath(QStringLiteral("never"))});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("junk.pt"), run.err.constData());
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("never"))));
    }

private:
    QString modelDir() const { return m_dir.filePath(QStringLiteral("model")); }
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TstCli)
#include "tst_cli.moc"
