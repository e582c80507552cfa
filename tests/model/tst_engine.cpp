// Engine on small models made with createModel: loading, prediction contract, windows, empty notes,
// cancellation, and the one-line ModelError for broken model directories.
#include "fc/model/engine.h"
#include "fc/model/errors.h"
#include "fc/model/modelfiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>
#include <map>
#include <memory>
#include <set>

namespace {

std::vector<std::string> words() {
    return {"patient", "fever",    "cough", "pneumonia", "chest",
            "pain",    "diabetes", "renal", "failure",   "acute"};
}

fc::ModelConfig smallConfig(const std::string& arch) {
    fc::ModelConfig c;
    c.name = "test " + arch;
    c.arch = arch;
    c.placeholder = true;
    c.labels = {"J18.9", "E11.9", "N17.9", "R05", "BW03ZZZ"};
    c.options.maxTokens = 16; // tiny windows so truncation is cheap to exercise
    c.options.filterSizes = {3, 5};
    return c;
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

} // namespace

class TestEngine : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_model;

    QString copyModel(const QString& name) {
        const QString dst = m_tmp.filePath(name);
        QDir().mkpath(dst);
        for (const auto& file : QDir(m_model).entryList(QDir::Files))
            QFile::copy(m_model + "/" + file, dst + "/" + file);
        return dst;
    }

    static QString loadError(const QString& dir) {
        try {
            fc::Engine::load(dir.toStdString(), 1);
        } catch (const fc::ModelError& e) {
            return QString::fromStdString(e.what());
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_model = m_tmp.filePath("fusion");
        fc::createModel(smallConfig("fusion"), words(), 7, m_model.toStdString());
    }

    // convert: float16 storage halves the weights and loads back into float32 with scores within half
    // precision of the original; converting back gives float32 storage again.
    void float16WeightsLoadWithNearlyEqualScores() {
        const QString half = m_tmp.filePath("fusion-fp16");
        fc::convertModel(m_model.toStdString(), "float16", half.toStdString());
        QCOMPARE(fc::readModelConfig(half.toStdString()).weightsType, std::string("float16"));
        const double ratio = double(QFileInfo(half + "/weights.pt").size()) /
                             double(QFileInfo(m_model + "/weights.pt").size());
        QVERIFY2(ratio > 0.45 && ratio < 0.55, qPrintable(QString::number(ratio)));
        const auto original = fc::Engine::load(m_model.toStdString(), 1);
        const auto converted = fc::Engine::load(half.toStdString(), 1);
        const std::string note = "patient with fever and cough, acute renal failure";
        std::map<std::string, float> before;
        for (const auto& code : original->predict(note).codes)
            before[code.code] = code.score;
        for (const auto& code : converted->predict(note).codes)
            QVERIFY2(std::abs(code.score - before.at(code.code)) < 5e-3f, code.code.c_str());
        const QString back = m_tmp.filePath("fusion-fp32");
        fc::convertModel(half.toStdString(), "float32", back.toStdString());
        QCOMPARE(fc::readModelConfig(back.toStdString()).weightsType, std::string("float32"));
        QVERIFY_THROWS_EXCEPTION(fc::InputError,
                                 fc::convertModel(m_model.toStdString(), "int8", back.toStdString()));
    }

    void loadsAndDescribesTheModel() {
        const auto engine = fc::Engine::load(m_model.toStdString(), 1);
        const auto& info = engine->info();
        QCOMPARE(info.arch, std::string("fusion"));
        QVERIFY(info.placeholder);
        QCOMPARE(info.labels.size(), std::size_t(5));
        QCOMPARE(info.vocabularySize, std::int64_t(10));
        QCOMPARE(info.maxTokens, std::int64_t(16));
        QCOMPARE(info.labelSystems, (std::vector<std::string>{"icd-10-cm", "icd-10-cm", "icd-10-cm",
                                                              "icd-10-cm", "icd-10-pcs"}));
        std::int64_t total = 0;
        for (const auto& [name, shape] : engine->parameterShapes()) {
            std::int64_t n = 1;
            for (const auto d : shape)
                n *= d;
            if (name.find("running_") == std::string::npos && name.find("num_batches") == std::string::npos)
                total += n;
        }
        QCOMPARE(total, info.parameters);
        QCOMPARE(engine->parameterShapes().front().first, std::string("word_rep.embed.weight"));
        QCOMPARE(engine->parameterShapes().front().second, (std::vector<std::int64_t>{12, 100}));
    }

    void labelSystemsFromCodeShapes_data() {
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("icd10Context");
        QTest::addColumn<QString>("system");
        QTest::newRow("cm 3 chars") << "I10" << true << "icd-10-cm";
        QTest::newRow("cm dotted") << "R11.10" << true << "icd-10-cm";
        QTest::newRow("pcs 7 chars") << "0DTJ4ZZ" << true << "icd-10-pcs";
        QTest::newRow("pcs prefix, letters") << "5A1D" << false << "icd-10-pcs";
        QTest::newRow("pcs prefix, digits after the letter") << "B030" << true << "icd-10-pcs";
        QTest::newRow("undotted E code without context") << "E888" << false << "icd-9-cm";
        QTest::newRow("icd-9 dx") << "401.9" << false << "icd-9-cm";
        QTest::newRow("icd-9 V code") << "V58.61" << false << "icd-9-cm";
        QTest::newRow("icd-9 E code") << "E888.9" << false << "icd-9-cm";
        QTest::newRow("icd-9 procedure") << "38.93" << false << "icd-9-pcs";
        QTest::newRow("undotted digits") << "4019" << true << "unknown";
    }
    void labelSystemsFromCodeShapes() {
        QFETCH(QString, code);
        QFETCH(bool, icd10Context);
        QFETCH(QString, system);
        QCOMPARE(QString::fromStdString(fc::labelSystem(code.toStdString(), icd10Context)), system);
    }

    void predictionContract() {
        const auto engine = fc::Engine::load(m_model.toStdString(), 1);
        const std::string text = "Patient with fever and cough; chest X-ray shows pneumonia. 38.5 C";
        const auto p = engine->predict(text);
        QCOMPARE(p.tokens, std::int64_t(11)); // "38", "5" dropped; "x", "ray", "c" kept
        QCOMPARE(p.windows, std::int64_t(1));
        QVERIFY(!p.truncated);
        QCOMPARE(p.codes.size(), std::size_t(5));
        std::set<std::string> seen;
        for (std::size_t i = 0; i < p.codes.size(); ++i) {
            seen.insert(p.codes[i].code);
            QVERIFY(p.codes[i].score > 0.0f && p.codes[i].score < 1.0f);
            if (i > 0)
                QVERIFY(p.codes[i - 1].score >= p.codes[i].score);
            QVERIFY(!p.codes[i].evidence.empty()); // 5 codes <= top 50
            for (const auto& span : p.codes[i].evidence) {
                QVERIFY(span.begin >= 0 && span.begin < span.end);
                QVERIFY(span.end <= static_cast<std::int64_t>(text.size()));
                QVERIFY(span.weight > 0.0 && span.weight <= 1.0);
            }
        }
        QCOMPARE(seen.size(), std::size_t(5));
        // Deterministic in eval mode; evidence off gives the same scores and no spans.
        const auto again = engine->predict(text, fc::PredictOptions{false, 3});
        for (std::size_t i = 0; i < p.codes.size(); ++i) {
            QCOMPARE(again.codes[i].code, p.codes[i].code);
            QCOMPARE(again.codes[i].score, p.codes[i].score);
            QVERIFY(again.codes[i].evidence.empty());
        }
    }

    void longNotesAreScoredInWindows_data() {
        QTest::addColumn<int>("tokens");
        QTest::addColumn<int>("windows");
        QTest::newRow("exactly one window") << 16 << 1;
        QTest::newRow("one more token") << 17 << 2;
        QTest::newRow("three windows") << 40 << 3;
    }
    void longNotesAreScoredInWindows() {
        QFETCH(int, tokens);
        QFETCH(int, windows);
        const auto engine = fc::Engine::load(m_model.toStdString(), 1);
        std::string text;
        for (int i = 0; i < tokens; ++i)
            text += words()[static_cast<std::size_t>(i * 7 % 10)] + " ";
        const auto p = engine->predict(text);
        QCOMPARE(p.tokens, std::int64_t(tokens));
        QCOMPARE(p.windows, std::int64_t(windows));
        QCOMPARE(p.truncated, windows > 1);
        // Max over windows: never below the score of the first window alone.
        std::string first;
        for (int i = 0; i < 16 && i < tokens; ++i)
            first += words()[static_cast<std::size_t>(i * 7 % 10)] + " ";
        const auto p1 = engine->predict(first);
        for (const auto& c : p1.codes) {
            const auto it =
                std::find_if(p.codes.begin(), p.codes.end(), [&](const auto& x) { return x.code == c.code; });
            QVERIFY(it != p.codes.end());
            QVERIFY(it->score >= c.score);
            for (const auto& span : it->evidence)
                QVERIFY(span.end <= static_cast<std::int64_t>(text.size()));
        }
    }

    void notesWithoutTokens_data() {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("numbers and punctuation") << QStringLiteral("12, 345 -- 6.7 !!");
    }
    void notesWithoutTokens() {
        QFETCH(QString, text);
        const auto engine = fc::Engine::load(m_model.toStdString(), 1);
        const auto p = engine->predict(text.toStdString());
        QCOMPARE(p.tokens, std::int64_t(0));
        QCOMPARE(p.windows, std::int64_t(1));
        QCOMPARE(p.codes.size(), std::size_t(5));
        for (const auto& c : p.codes) {
            QVERIFY(c.score > 0.0f && c.score < 1.0f);
            QVERIFY(c.evidence.empty());
        }
    }

    void invalidUtf8IsInputError() {
        const auto engine = fc::Engine::load(m_model.toStdString(), 1);
        QVERIFY_THROWS_EXCEPTION(fc::InputError, engine->predict(std::string("fever \xff cough")));
    }

    void cancellation() {
        const auto engine = fc::Engine::load(m_model.toStdString(), 1);
        std::atomic<bool> cancel{true};
        QVERIFY_THROWS_EXCEPTION(fc::Cancelled, engine->predict("patient fever", {}, &cancel));
        cancel = false;
        QCOMPARE(engine->predict("patient fever", {}, &cancel).codes.size(), std::size_t(5));
    }

    void everyArchitectureLoadsAndPredicts_data() {
        QTest::addColumn<QString>("arch");
        for (const auto& arch : fc::knownArchitectures())
            QTest::newRow(arch.c_str()) << QString::fromStdString(arch);
    }
    void everyArchitectureLoadsAndPredicts() {
        QFETCH(QString, arch);
        const QString dir = m_tmp.filePath("arch-" + arch);
        fc::createModel(smallConfig(arch.toStdString()), words(), 3, dir.toStdString());
        const auto engine = fc::Engine::load(dir.toStdString(), 1);
        QCOMPARE(engine->info().arch, arch.toStdString());
        for (const std::string text : {"fever", "acute renal failure with fever", ""}) {
            const auto p = engine->predict(text);
            QCOMPARE(p.codes.size(), std::size_t(5));
            if (!text.empty())
                QVERIFY(!p.codes.front().evidence.empty());
        }
    }

    void createModelReplacesAtomically() {
        const QString dir = m_tmp.filePath("replace");
        fc::createModel(smallConfig("caml"), words(), 1, dir.toStdString());
        fc::createModel(smallConfig("fusion"), words(), 1, dir.toStdString());
        QCOMPARE(fc::readModelConfig(dir.toStdString()).arch, std::string("fusion"));
        // No temporary or backup directories are left beside it.
        const auto siblings = QDir(m_tmp.path()).entryList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot);
        for (const auto& s : siblings)
            QVERIFY2(!s.contains(".tmp-") && !s.contains(".old-"), qPrintable(s));
    }

    void brokenDirectoriesGiveModelError_data() {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing weights") << "rm weights.pt"
                                         << "weights.pt: missing";
        QTest::newRow("missing labels") << "rm labels.txt"
                                        << "labels.txt not found";
        QTest::newRow("missing model.json") << "rm model.json"
                                            << "model.json missing";
        QTest::newRow("truncated weights") << "truncate weights.pt"
                                           << "truncated or corrupt";
        QTest::newRow("garbage weights") << "garbage weights.pt"
                                         << "not a PyTorch checkpoint";
        QTest::newRow("label count") << "drop-label"
                                     << "model.json says 5";
        QTest::newRow("vocabulary size") << "drop-word"
                                         << "model.json says 10";
        QTest::newRow("bad json") << "garbage model.json"
                                  << "not valid JSON";
        QTest::newRow("format version") << "version"
                                        << "unsupported format_version 2";
        QTest::newRow("shape vs labels") << "labels-and-count"
                                         << "expected [4, 100]";
    }
    void brokenDirectoriesGiveModelError() {
        QFETCH(QString, damage);
        QFETCH(QString, expected);
        const QString dir = copyModel("broken-" + QString::number(qHash(damage)));
        const auto parts = damage.split(' ');
        if (parts[0] == "rm") {
            QVERIFY(QFile::remove(dir + "/" + parts[1]));
        } else if (parts[0] == "truncate") {
            const auto bytes = readAll(dir + "/" + parts[1]);
            writeAll(dir + "/" + parts[1], bytes.left(bytes.size() / 2));
        } else if (parts[0] == "garbage") {
            writeAll(dir + "/" + parts[1], "this is not a model\n");
        } else if (damage == "drop-label") {
            writeAll(dir + "/labels.txt", "J18.9\nE11.9\nN17.9\nR05\n");
        } else if (damage == "drop-word") {
            auto lines = readAll(dir + "/vocab.txt").split('\n');
            lines.removeAt(0);
            writeAll(dir + "/vocab.txt", lines.join('\n'));
        } else if (damage == "version") {
            writeAll(dir + "/model.json",
                     readAll(dir + "/model.json").replace("\"format_version\": 1", "\"format_version\": 2"));
        } else if (damage == "labels-and-count") {
            writeAll(dir + "/labels.txt", "J18.9\nE11.9\nN17.9\nR05\n");
            writeAll(dir + "/model.json",
                     readAll(dir + "/model.json").replace("\"label_count\": 5", "\"label_count\": 4"));
        }
        const auto error = loadError(dir);
        QVERIFY2(error.contains(expected), qPrintable("got: " + error));
        QVERIFY2(!error.contains('\n'), qPrintable("multi-line error: " + error));
    }

    void streamingMatchesPerWindowReference_data() {
        QTest::addColumn<int>("labels");
        QTest::newRow("5 codes") << 5;
        // More codes than get evidence (200): the engine keeps rows only for codes that can still be shown.
        QTest::newRow("320 codes") << 320;
    }

    // Streaming (issue #14): the engine keeps only each code's best window. Its scores and evidence equal
    // those of scoring every window as a note of its own and taking, per code, the first window with the
    // highest score (the unbounded reference), with the evidence spans shifted to the window's offset.
    // Only the first 200 codes get evidence; a code's rank in its best window alone is never worse than
    // in the whole note, so the reference has evidence for each of them.
    void streamingMatchesPerWindowReference() {
        QFETCH(int, labels);
        QString model = m_model;
        if (labels != 5) {
            auto config = smallConfig("fusion");
            config.labels.clear();
            for (int y = 0; y < labels; ++y)
                config.labels.push_back(QString::asprintf("A%02d.%d", y / 10, y % 10).toStdString());
            model = m_tmp.filePath("fusion-" + QString::number(labels));
            fc::createModel(config, words(), 7, model.toStdString());
        }
        const auto engine = fc::Engine::load(model.toStdString(), 1);
        std::vector<std::string> windowTexts;
        std::string note;
        std::vector<std::int64_t> windowOffsets;
        for (int w = 0; w < 6; ++w) {
            std::string text;
            const int count = w == 5 ? 7 : 16; // five full windows of 16 tokens and a shorter last one
            for (int i = 0; i < count; ++i)
                text += (i ? " " : "") + words()[static_cast<std::size_t>((w * 3 + i * i + i) % 10)];
            if (!note.empty())
                note += " ";
            windowOffsets.push_back(static_cast<std::int64_t>(note.size()));
            note += text;
            windowTexts.push_back(text);
        }
        std::map<std::string, fc::CodeScore> reference;
        for (std::size_t w = 0; w < windowTexts.size(); ++w) {
            for (auto c : engine->predict(windowTexts[w]).codes) {
                for (auto& span : c.evidence) {
                    span.begin += windowOffsets[w];
                    span.end += windowOffsets[w];
                }
                const auto it = reference.find(c.code);
                if (it == reference.end() || c.score > it->second.score)
                    reference[c.code] = c;
            }
        }
        const auto p = engine->predict(note);
        QCOMPARE(p.windows, std::int64_t(6));
        QCOMPARE(p.codes.size(), reference.size());
        std::size_t withEvidence = 0;
        for (std::size_t rank = 0; rank < p.codes.size(); ++rank) {
            const auto& c = p.codes[rank];
            const auto& r = reference.at(c.code);
            QCOMPARE(c.score, r.score); // same windows, same batch of 1: bit-identical
            if (rank >= 200) {
                QVERIFY(c.evidence.empty());
                continue;
            }
            withEvidence += c.evidence.empty() ? 0 : 1;
            QCOMPARE(c.evidence.size(), r.evidence.size());
            for (std::size_t i = 0; i < c.evidence.size(); ++i) {
                QCOMPARE(c.evidence[i].begin, r.evidence[i].begin);
                QCOMPARE(c.evidence[i].end, r.evidence[i].end);
                QCOMPARE(c.evidence[i].weight, r.evidence[i].weight);
            }
        }
        QVERIFY(withEvidence >= std::min<std::size_t>(p.codes.size(), 50)); // the first 50 always get it
    }

    // Batching full windows changes only float rounding; progress reports every batch; cancelling from the
    // progress callback stops before the next batch.
    void batchedWindowsProgressAndCancel() {
        const auto engine = fc::Engine::load(m_model.toStdString(), 1);
        std::string note;
        for (int i = 0; i < 16 * 7 + 5; ++i)
            note += words()[static_cast<std::size_t>((i * 7 + i / 5) % 10)] + " ";
        const auto single = engine->predict(note);
        fc::WindowOptions batched;
        batched.batch = 3;
        std::vector<std::pair<std::int64_t, std::int64_t>> reports;
        batched.progress = [&](std::int64_t done, std::int64_t total) { reports.emplace_back(done, total); };
        const auto p = engine->predict(note, {}, nullptr, batched);
        QCOMPARE(p.windows, std::int64_t(8));
        // 7 full windows in batches of 3, 3, 1, then the short last window alone.
        const std::vector<std::pair<std::int64_t, std::int64_t>> expected{{3, 8}, {6, 8}, {7, 8}, {8, 8}};
        QCOMPARE(reports, expected);
        std::map<std::string, float> scores;
        for (const auto& c : single.codes)
            scores[c.code] = c.score;
        for (const auto& c : p.codes)
            QVERIFY2(std::fabs(c.score - scores.at(c.code)) < 1e-5f, c.code.c_str());

        std::atomic<bool> cancel{false};
        int calls = 0;
        fc::WindowOptions cancelling;
        cancelling.progress = [&](std::int64_t, std::int64_t) {
            ++calls;
            cancel = true;
        };
        QVERIFY_THROWS_EXCEPTION(fc::Cancelled, engine->predict(note, {}, &cancel, cancelling));
        QCOMPARE(calls, 1);
    }

    // A note without a word the model knows is flagged instead of being scored from the codes' priors.
    void insufficientText_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("insufficient");
        QTest::addColumn<int>("known");
        QTest::newRow("empty") << QString() << true << 0;
        QTest::newRow("numbers") << QStringLiteral("12, 345 -- 6.7") << true << 0;
        QTest::newRow("unknown words") << QStringLiteral("%PDF-1.4 garbage zzz") << true << 0;
        QTest::newRow("one known word") << QStringLiteral("fever") << false << 1;
        QTest::newRow("a sentence") << QStringLiteral("acute renal failure, no fever") << false << 4;
    }
    void insufficientText() {
        QFETCH(QString, text);
        QFETCH(bool, insufficient);
        QFETCH(int, known);
        const auto engine = fc::Engine::load(m_model.toStdString(), 1);
        const auto p = engine->predict(text.toStdString());
        QCOMPARE(p.insufficientText, insufficient);
        QCOMPARE(p.knownTokens, std::int64_t(known));
        QCOMPARE(p.codes.size(), std::size_t(5)); // still ranked, for evaluations
    }

    // Fast mode (bfloat16) agrees with the exact mode within 0.02 on every score (bfloat16 keeps 8 bits of
    // mantissa; measured differences are ~1e-3), keeps the contract (every label, evidence inside the note),
    // and the default load stays exact.
    void fastModeAgreesWithinTolerance() {
        const auto exact = fc::Engine::load(m_model.toStdString(), 1);
        // bfloat16 whatever the CPU (FC_FAST_MODE=force): the agreement is what is tested here.
        qputenv("FC_FAST_MODE", "force");
        const auto fast = fc::Engine::load(m_model.toStdString(), 1, true);
        qunsetenv("FC_FAST_MODE");
        QVERIFY(!exact->fast());
        QVERIFY(fast->fast());
        std::string note;
        for (int i = 0; i < 40; ++i)
            note += words()[static_cast<std::size_t>((i * 3 + i / 4) % 10)] + " ";
        const auto e = exact->predict(note);
        const auto f = fast->predict(note);
        QCOMPARE(f.codes.size(), e.codes.size());
        QCOMPARE(f.windows, e.windows);
        std::map<std::string, float> scores;
        for (const auto& c : e.codes)
            scores[c.code] = c.score;
        float worst = 0.0f;
        for (const auto& c : f.codes) {
            QVERIFY(std::isfinite(c.score));
            worst = std::max(worst, std::fabs(c.score - scores.at(c.code)));
            for (const auto& span : c.evidence)
                QVERIFY(span.begin >= 0 && span.end <= static_cast<std::int64_t>(note.size()));
        }
        qInfo("fast mode: max |score difference| = %g", static_cast<double>(worst));
        QVERIFY2(worst <= 0.02f, qPrintable(QString::number(static_cast<double>(worst))));
    }

    // Without native bfloat16 (AVX512-BF16 or AMX-BF16) fast mode would be 40-50x slower (issue #14): the
    // engine then loads exact, says so through fast(), and scores exactly as the default.
    void fastModeOnlyWithNativeBfloat16() {
        qunsetenv("FC_FAST_MODE");
        const bool native = __builtin_cpu_supports("avx512bf16") || __builtin_cpu_supports("amx-bf16");
        const auto fast = fc::Engine::load(m_model.toStdString(), 1, true);
        QCOMPARE(fast->fast(), native);
        if (native)
            return;
        const auto exact = fc::Engine::load(m_model.toStdString(), 1);
        const std::string note = words()[0] + " " + words()[3] + " " + words()[5];
        const auto e = exact->predict(note), f = fast->predict(note);
        QCOMPARE(f.codes.size(), e.codes.size());
        for (std::size_t i = 0; i < e.codes.size(); ++i) {
            QCOMPARE(f.codes[i].code, e.codes[i].code);
            QCOMPARE(f.codes[i].score, e.codes[i].score);
        }
    }

    void slowBlasWarningNamesTheFix() {
        const auto warning = fc::slowBlasWarning();
        if (!warning.empty())
            QVERIFY(warning.find("libopenblas0-openmp") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
