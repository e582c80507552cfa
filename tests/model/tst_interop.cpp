// Interop with the authors' PyTorch code: scripts/pytorch_reference.py (Debian python3-torch 1.13) builds the
// authors' FlowHidden model with their module names, saves its state_dict with torch.save and writes its
// scores; we import the checkpoint with importPytorch and compare Engine::predict scores note by note.
#include "fc/model/engine.h"
#include "fc/model/errors.h"
#include "fc/model/modelfiles.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <cmath>
#include <memory>

namespace {

const QString kScript = QStringLiteral(FC_SOURCE_DIR "/scripts/pytorch_reference.py");
const QString kRoot = QStringLiteral(FC_BINARY_DIR "/tst_interop");

struct Reference {
    QString name;
    QStringList arguments;
};

// Python 3 with torch: the PATH's python3 first, then Debian's (python3-torch installs there).
QString findPythonWithTorch() {
    for (const QString& python : {QStringLiteral("python3"), QStringLiteral("/usr/bin/python3")}) {
        QProcess p;
        p.start(python, {QStringLiteral("-c"), QStringLiteral("import torch, numpy")});
        if (p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0)
            return python;
    }
    return {};
}

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

class TestInterop : public QObject {
    Q_OBJECT

private:
    QString m_python;
    std::unique_ptr<fc::Engine> m_small, m_full, m_wide;

    QString dir(const QString& name) const { return kRoot + "/" + name; }

    std::unique_ptr<fc::Engine> importAndLoad(const QString& name) {
        const QString in = dir(name);
        const QString out = in + "/model";
        fc::ImportMetadata meta;
        meta.name = name.toStdString();
        fc::importPytorch((in + "/state_dict.pt").toStdString(), (in + "/vocab.csv").toStdString(),
                          (in + "/labels.txt").toStdString(), "fusion", out.toStdString(), meta);
        return fc::Engine::load(out.toStdString(), 2);
    }

    void compareScores(const fc::Engine& engine, const QString& name) {
        const auto reference = readJson(dir(name) + "/scores.json");
        const auto notes = reference.value("notes").toArray();
        QVERIFY(notes.size() >= 8);
        for (const auto& value : notes) {
            const auto note = value.toObject();
            const auto text = note.value("text").toString().toStdString();
            const auto prediction = engine.predict(text, fc::PredictOptions{false, 0});
            const auto tokens = static_cast<std::int64_t>(note.value("tokens").toInt());
            QCOMPARE(prediction.tokens, tokens);
            // Python scores windows of 2,500 tokens and takes the max per code, as Engine::predict does.
            QCOMPARE(prediction.windows, std::max<std::int64_t>(1, (tokens + 2499) / 2500));
            const auto scores = note.value("scores").toObject();
            QCOMPARE(static_cast<qsizetype>(prediction.codes.size()), scores.size());
            double worst = 0.0;
            for (const auto& code : prediction.codes) {
                const auto expected = scores.value(QString::fromStdString(code.code));
                QVERIFY2(expected.isDouble(), code.code.c_str());
                worst = std::max(worst, std::abs(expected.toDouble() - static_cast<double>(code.score)));
            }
            QVERIFY2(worst <= 1e-5, qPrintable(QStringLiteral("%1 / %2: max |C++ - Python| = %3")
                                                   .arg(name, note.value("name").toString())
                                                   .arg(worst)));
        }
    }

private Q_SLOTS:
    void initTestCase() {
        m_python = findPythonWithTorch();
        if (m_python.isEmpty())
            QSKIP(
                "python3 with torch not found (install python3-torch and python3-numpy): interop not proven");
        // Regenerated only when the script is newer than the fixture; the three run in parallel.
        const QList<Reference> refs{
            {"small", {"--labels", "8", "--vocab", "40", "--legacy"}},
            {"full", {"--labels", "50", "--vocab", "51917", "--long-note", "2600"}},
            {"wide", {"--labels", "8921", "--vocab", "60"}},
        };
        std::vector<std::unique_ptr<QProcess>> running;
        const auto scriptTime = QFileInfo(kScript).lastModified();
        for (const auto& ref : refs) {
            const QFileInfo scores(dir(ref.name) + "/scores.json");
            if (scores.exists() && scores.lastModified() > scriptTime)
                continue;
            auto p = std::make_unique<QProcess>();
            p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
            p->start(m_python, QStringList{kScript, "--out", dir(ref.name)} + ref.arguments);
            running.push_back(std::move(p));
        }
        for (auto& p : running) {
            QVERIFY(p->waitForFinished(300000));
            QCOMPARE(p->exitCode(), 0);
        }
    }

    void zipCheckpointImports() {
        m_small = importAndLoad("small");
        QCOMPARE(m_small->info().labels.size(), std::size_t(8));
        QCOMPARE(m_small->info().vocabularySize, std::int64_t(40));
        // Labels arrive in reverse order; the authors' loader (and importPytorch) sorts them.
        QVERIFY(std::is_sorted(m_small->info().labels.begin(), m_small->info().labels.end()));
        QCOMPARE(m_small->info().labelSystems.front(), std::string("icd-9-cm"));
        QCOMPARE(m_small->info().parameters,
                 static_cast<std::int64_t>(
                     readJson(dir("small") + "/scores.json").value("parameters").toDouble()));
    }

    void plainDictCheckpointImports() {
        // torch.save(dict(model.state_dict())): LibTorch's own pickle_load path; same scores as the
        // OrderedDict.
        const QString out = dir("small") + "/plain-model";
        fc::importPytorch((dir("small") + "/state_dict_plain.pt").toStdString(),
                          (dir("small") + "/vocab.csv").toStdString(),
                          (dir("small") + "/labels.txt").toStdString(), "fusion", out.toStdString());
        const auto plain = fc::Engine::load(out.toStdString(), 2);
        compareScores(*plain, "small");
    }

    void legacyCheckpointIsRejected() {
        // torch.save(..., _use_new_zipfile_serialization=False): LibTorch's pickle_load cannot read it.
        try {
            fc::importPytorch((dir("small") + "/state_dict_legacy.pt").toStdString(),
                              (dir("small") + "/vocab.csv").toStdString(),
                              (dir("small") + "/labels.txt").toStdString(), "fusion",
                              (dir("small") + "/legacy-model").toStdString());
            QFAIL("legacy checkpoint was accepted");
        } catch (const fc::ModelError& e) {
            QVERIFY2(QString(e.what()).contains("legacy PyTorch format"), e.what());
            QVERIFY2(QString(e.what()).contains("torch.save(torch.load(f), f2)"), e.what());
        }
        QVERIFY(!QDir(dir("small") + "/legacy-model").exists());
    }

    void wrongLabelCountIsRejected() {
        const QString labels = dir("small") + "/labels-short.txt";
        QFile in(dir("small") + "/labels.txt");
        QVERIFY(in.open(QIODevice::ReadOnly));
        auto lines = QString::fromUtf8(in.readAll()).split('\n', Qt::SkipEmptyParts);
        lines.removeLast();
        QFile out(labels);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out.write(lines.join('\n').toUtf8());
        out.close();
        try {
            fc::importPytorch((dir("small") + "/state_dict.pt").toStdString(),
                              (dir("small") + "/vocab.csv").toStdString(), labels.toStdString(), "fusion",
                              (dir("small") + "/short-model").toStdString());
            QFAIL("7 labels accepted for an 8-label checkpoint");
        } catch (const fc::ModelError& e) {
            QVERIFY2(QString(e.what()).contains("output_layer.U.weight"), e.what());
            QVERIFY2(QString(e.what()).contains("expected [7, 300]"), e.what());
        }
    }

    void wrongArchitectureIsRejected() {
        QVERIFY_THROWS_EXCEPTION(
            fc::ModelError, fc::importPytorch((dir("small") + "/state_dict.pt").toStdString(),
                                              (dir("small") + "/vocab.csv").toStdString(),
                                              (dir("small") + "/labels.txt").toStdString(), "multirescnn",
                                              (dir("small") + "/mrc-model").toStdString()));
    }

    void smallScoresMatchPython() {
        QVERIFY(m_small);
        compareScores(*m_small, "small");
    }

    void fullSizeModelMatchesPython() {
        m_full = importAndLoad("full");
        QCOMPARE(m_full->info().labels.size(), std::size_t(50));
        QCOMPARE(m_full->info().vocabularySize, std::int64_t(51917));
        QCOMPARE(m_full->info().parameters, std::int64_t(8313424)); // fusion-spec.md section 8
        compareScores(*m_full, "full"); // includes a 2,600-token note scored in two windows
    }

    void wideHeadMatchesPython() {
        m_wide = importAndLoad("wide");
        QCOMPARE(m_wide->info().labels.size(), std::size_t(8921));
        compareScores(*m_wide, "wide");
    }
};

QTEST_GUILESS_MAIN(TestInterop)
#include "tst_interop.moc"
