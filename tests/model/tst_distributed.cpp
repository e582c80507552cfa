// Data-parallel training over c10d/Gloo as users run it: fusioncoder-cli ranks on 127.0.0.1 (free ports
// picked per test), a tiny Fusion without dropout. Two ranks must reproduce one process with the same global
// batch; a lost worker and bad set-ups must end every rank with a clear message in bounded time.
#include "../support/alpha_beta_dataset.h"
#include "../support/cli_run.h"

#include "fc/model/engine.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <map>
#include <memory>

namespace {

using fc::testing::CliRun;
using fc::testing::runCli;

using fc::testing::writeFile;

// Code A iff the note mentions "alpha", B iff "beta"; note lengths differ, so batches are padded.
QByteArray dataset(int documents, int offset) {
    return fc::testing::alphaBetaDataset(documents, offset, "A", "B",
                                         [offset](int i) { return 4 + (i * 7 + offset) % 9; });
}

// A port nobody listens on now (the kernel's choice for port 0).
int freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        address.sin_port = 0;
    ::close(fd);
    return ntohs(address.sin_port);
}

std::unique_ptr<QProcess> startCli(const QStringList& arguments) {
    auto process = std::make_unique<QProcess>();
    process->start(QStringLiteral(FC_CLI_PATH), arguments);
    process->waitForStarted();
    return process;
}

CliRun finish(QProcess& process, int timeoutMs) {
    process.waitForFinished(timeoutMs);
    return {process.exitStatus() == QProcess::NormalExit && process.state() == QProcess::NotRunning
                ? process.exitCode()
                : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

// A generous timeout where the test does not measure it: on a loaded machine one rank may start seconds after
// the other, and a rank that waits longer than the timeout for its peer fails.
QStringList rankArguments(int world, int rank, int port, int timeoutSeconds = 60) {
    return {"--world-size",   QString::number(world),
            "--rank",         QString::number(rank),
            "--master",       QStringLiteral("127.0.0.1:%1").arg(port),
            "--dist-timeout", QString::number(timeoutSeconds)};
}

} // namespace

class TestDistributed : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        writeFile(path("train.jsonl"), dataset(30, 0));
        writeFile(path("dev.jsonl"), dataset(9, 1));
        // No dropout: its masks are drawn per process, so only a dropout-free network can match exactly.
        writeFile(
            path("config.json"),
            R"({"preset": "fusion", "learning_rate": 0.003, "batch_size": 8, "min_document_frequency": 1,
                      "network": {"embedding_dim": 8, "filter_sizes": [3], "filter_maps": 16, "ffn_dim": 16,
                                  "max_tokens": 32, "dropout": 0.0}})");
    }

    // Same seed, same global batch (8): ranks 0 and 1 train on 4 notes each per step, summing gradients.
    void twoRanksMatchOneProcess() {
        const QStringList common{"train",
                                 "--config",
                                 path("config.json"),
                                 "--train",
                                 path("train.jsonl"),
                                 "--dev",
                                 path("dev.jsonl"),
                                 "--epochs",
                                 "4",
                                 "--patience",
                                 "10",
                                 "--threads",
                                 "1",
                                 "--criterion",
                                 "map",
                                 "--version",
                                 "1"};
        const CliRun single = runCli(common + QStringList{"--out", path("single")});
        QVERIFY2(single.exitCode == 0, single.err.constData());

        const int port = freePort();
        auto rank0 = startCli(common + QStringList{"--out", path("two")} + rankArguments(2, 0, port));
        auto rank1 = startCli(common + QStringList{"--out", path("two")} + rankArguments(2, 1, port));
        const CliRun first = finish(*rank0, 120000);
        const CliRun second = finish(*rank1, 120000);
        QVERIFY2(first.exitCode == 0, first.err.constData());
        QVERIFY2(second.exitCode == 0, second.err.constData());
        QVERIFY2(second.out.isEmpty(), "only rank 0 prints the summary");

        const QJsonArray a = QJsonDocument::fromJson(single.out).object().value("history").toArray();
        const QJsonArray b = QJsonDocument::fromJson(first.out).object().value("history").toArray();
        QCOMPARE(a.size(), 4);
        QCOMPARE(b.size(), 4);
        for (int e = 0; e < 4; ++e) {
            const double la = a[e].toObject().value("train_loss").toDouble();
            const double lb = b[e].toObject().value("train_loss").toDouble();
            QVERIFY2(std::abs(la - lb) < 1e-5,
                     qPrintable(QStringLiteral("epoch %1 loss %2 vs %3").arg(e + 1).arg(la).arg(lb)));
        }
        QCOMPARE(QJsonDocument::fromJson(first.out).object().value("best_epoch").toInt(),
                 QJsonDocument::fromJson(single.out).object().value("best_epoch").toInt());

        // The written models score every dev note alike, code by code.
        const auto one = fc::Engine::load(path("single").toStdString(), 1);
        const auto two = fc::Engine::load(path("two").toStdString(), 1);
        double largest = 0.0;
        QFile dev(path("dev.jsonl"));
        QVERIFY(dev.open(QIODevice::ReadOnly));
        for (const QByteArray& line : dev.readAll().split('\n')) {
            if (line.isEmpty())
                continue;
            const std::string text =
                QJsonDocument::fromJson(line).object().value("text").toString().toStdString();
            fc::PredictOptions options;
            options.evidence = false;
            std::map<std::string, float> scores;
            for (const auto& code : one->predict(text, options).codes)
                scores[code.code] = code.score;
            for (const auto& code : two->predict(text, options).codes)
                largest = std::max(largest, std::abs(static_cast<double>(scores.at(code.code) - code.score)));
        }
        QVERIFY2(largest < 1e-5, qPrintable(QStringLiteral("largest score difference %1").arg(largest)));
    }

    // Rank 1 dies (SIGKILL) after the first epoch: rank 0 stops with a clear error within the Gloo timeout,
    // and the state it last wrote resumes.
    void lostWorkerEndsTheRunAndTheStateResumes() {
        const QStringList common{"train",
                                 "--config",
                                 path("config.json"),
                                 "--train",
                                 path("train.jsonl"),
                                 "--dev",
                                 path("dev.jsonl"),
                                 "--epochs",
                                 "100000",
                                 "--patience",
                                 "100000",
                                 "--threads",
                                 "1",
                                 "--criterion",
                                 "map",
                                 "--out",
                                 path("killed")};
        const int port = freePort();
        auto rank0 = startCli(common + rankArguments(2, 0, port));
        auto rank1 = startCli(common + rankArguments(2, 1, port));
        QElapsedTimer clock;
        clock.start();
        while (!QFile::exists(path("killed.training/state.pt")) && clock.elapsed() < 90000 &&
               rank0->state() == QProcess::Running)
            QTest::qWait(50);
        QVERIFY2(QFile::exists(path("killed.training/state.pt")), rank0->readAllStandardError().constData());
        ::kill(static_cast<pid_t>(rank1->processId()), SIGKILL);
        clock.restart();
        const CliRun survivor = finish(*rank0, 60000);
        finish(*rank1, 5000);
        QVERIFY2(survivor.exitCode == 1, survivor.err.constData());
        QVERIFY2(survivor.err.contains("rank 0 of 2: lost contact with the other ranks"),
                 survivor.err.constData());
        QVERIFY2(survivor.err.contains("--resume"), survivor.err.constData());
        QVERIFY2(clock.elapsed() < 30000, "rank 0 took more than 30 s to notice");

        QFile summary(path("killed.training/training.json"));
        QVERIFY(summary.open(QIODevice::ReadOnly));
        const int saved = QJsonDocument::fromJson(summary.readAll()).object().value("epochs").toInt();
        QVERIFY(saved >= 1);
        QStringList resume = common;
        resume[resume.indexOf("--epochs") + 1] = QString::number(saved + 1);
        const CliRun resumed = runCli(resume + QStringList{"--resume"});
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        QVERIFY(resumed.err.contains(QStringLiteral("resuming after epoch %1").arg(saved).toUtf8()));
        QCOMPARE(QJsonDocument::fromJson(resumed.out).object().value("epochs").toInt(), saved + 1);
    }

    void rankOutsideTheWorldIsRefused() {
        const CliRun run = runCli({"train", "--config", path("config.json"), "--train", path("train.jsonl"),
                                   "--dev", path("dev.jsonl"), "--out", path("never"), "--world-size", "2",
                                   "--rank", "2", "--master", "127.0.0.1:1234"});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("outside --world-size 2"), run.err.constData());
    }

    void differentWorldSizesAreRefused() {
        const QStringList common{"train",
                                 "--config",
                                 path("config.json"),
                                 "--train",
                                 path("train.jsonl"),
                                 "--dev",
                                 path("dev.jsonl"),
                                 "--out",
                                 path("never"),
                                 "--threads",
                                 "1"};
        const int port = freePort();
        QElapsedTimer clock;
        clock.start();
        auto rank0 = startCli(common + rankArguments(2, 0, port));
        auto rank1 = startCli(common + rankArguments(3, 1, port));
        const CliRun first = finish(*rank0, 60000);
        const CliRun second = finish(*rank1, 60000);
        QCOMPARE(first.exitCode, 2);
        QCOMPARE(second.exitCode, 2);
        QVERIFY2(first.err.contains("was started with --world-size 3, this rank with 2"),
                 first.err.constData());
        QVERIFY2(second.err.contains("--world-size 2, this rank with 3"), second.err.constData());
        QVERIFY(clock.elapsed() < 60000);
    }

    void portInUseIsRefused() {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_ANY);
        socklen_t length = sizeof address;
        QCOMPARE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
        QCOMPARE(::listen(fd, 4), 0);
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
        const int port = ntohs(address.sin_port);
        const CliRun run =
            runCli(QStringList{"train", "--config", path("config.json"), "--train", path("train.jsonl"),
                               "--dev", path("dev.jsonl"), "--out", path("never"), "--threads", "1"} +
                   rankArguments(2, 0, port));
        ::close(fd);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(QStringLiteral("cannot listen on port %1").arg(port).toUtf8()),
                 run.err.constData());
    }

    void unreachableMasterIsRefusedInBoundedTime() {
        QElapsedTimer clock;
        clock.start();
        const CliRun run =
            runCli(QStringList{"train", "--config", path("config.json"), "--train", path("train.jsonl"),
                               "--dev", path("dev.jsonl"), "--out", path("never"), "--threads", "1"} +
                   rankArguments(2, 1, freePort(), 5));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("cannot reach the master (rank 0)"), run.err.constData());
        QVERIFY2(clock.elapsed() < 45000, "the 5 s timeout was not honoured"); // + the CLI's start-up
    }

    // --nproc 2 on a streamed training file: the spawned ranks write a model, and their losses are those of
    // one streaming process (the shuffle buffer's order is the same on every rank).
    void nprocStreamingMatchesOneProcess() {
        const QStringList arguments{
            "train", "--config",        path("config.json"), "--train", path("train.jsonl"),
            "--dev", path("dev.jsonl"), "--epochs",          "2",       "--criterion",
            "map",   "--stream",        "--shuffle-buffer",  "7"};
        const CliRun single =
            runCli(arguments + QStringList{"--out", path("streamed-one"), "--threads", "1"});
        QVERIFY2(single.exitCode == 0, single.err.constData());
        const CliRun run =
            runCli(arguments + QStringList{"--out", path("spawned"), "--nproc", "2", "--threads", "1"});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(run.err.contains("starting 2 training processes"));
        QVERIFY(QFile::exists(path("spawned/weights.pt")));
        const QJsonArray a = QJsonDocument::fromJson(single.out).object().value("history").toArray();
        const QJsonArray b = QJsonDocument::fromJson(run.out).object().value("history").toArray();
        QCOMPARE(b.size(), 2);
        QCOMPARE(a.size(), 2);
        for (int e = 0; e < 2; ++e)
            QVERIFY(std::abs(a[e].toObject().value("train_loss").toDouble() -
                             b[e].toObject().value("train_loss").toDouble()) < 1e-5);
    }

private:
    QString path(const QString& name) const { return m_dir.filePath(name); }
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "tst_distributed.moc"
