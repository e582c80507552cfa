#include "train_workers.h"

#include "cli_common.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <memory>
#include <vector>

namespace fc::cli {

namespace {

std::atomic<bool> g_stopRequested{false};

extern "C" void onStopRequest(int) {
    g_stopRequested.store(true);
}

} // namespace

int freeLocalPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        throw UsageError(QStringLiteral("cannot open a socket to find a free port"));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    ::close(fd);
    if (!ok)
        throw UsageError(QStringLiteral("cannot find a free TCP port on 127.0.0.1"));
    return ntohs(address.sin_port);
}

int runLocalWorkers(const QStringList& trainArguments, int processes, int threadsPerProcess,
                    int graceSeconds) {
    const int port = freeLocalPort();
    printProgress(QStringLiteral("starting %1 training processes on 127.0.0.1:%2 (%3 LibTorch thread%4 each)")
                      .arg(processes)
                      .arg(port)
                      .arg(threadsPerProcess)
                      .arg(threadsPerProcess == 1 ? "" : "s"));
    std::vector<std::unique_ptr<QProcess>> workers;
    for (int rank = 0; rank < processes; ++rank) {
        auto worker = std::make_unique<QProcess>();
        worker->setProcessChannelMode(QProcess::ForwardedChannels);
        worker->setInputChannelMode(QProcess::ForwardedInputChannel);
        QStringList arguments{QStringLiteral("train")};
        arguments << trainArguments
                  << QStringList{QStringLiteral("--world-size"), QString::number(processes),
                                 QStringLiteral("--rank"),       QString::number(rank),
                                 QStringLiteral("--master"),     QStringLiteral("127.0.0.1:%1").arg(port),
                                 QStringLiteral("--threads"),    QString::number(threadsPerProcess)};
        worker->start(QCoreApplication::applicationFilePath(), arguments);
        if (!worker->waitForStarted())
            throw UsageError(
                QStringLiteral("cannot start training process %1: %2").arg(rank).arg(worker->errorString()));
        workers.push_back(std::move(worker));
    }

    // The terminal's Ctrl-C reaches the workers directly (same process group); a SIGTERM to this process is
    // passed on.
    std::signal(SIGINT, onStopRequest);
    std::signal(SIGTERM, onStopRequest);
    int exitCode = 0;
    bool stopsSent = false;
    QElapsedTimer sinceFailure;
    std::vector<bool> done(workers.size(), false);
    for (std::size_t finished = 0; finished < workers.size();) {
        for (std::size_t rank = 0; rank < workers.size(); ++rank) {
            QProcess& worker = *workers[rank];
            if (done[rank] || (worker.state() != QProcess::NotRunning && !worker.waitForFinished(100)))
                continue;
            done[rank] = true;
            ++finished;
            const bool crashed = worker.exitStatus() != QProcess::NormalExit;
            const int code = crashed ? Failure : worker.exitCode();
            if (crashed)
                printError(QStringLiteral("training process %1 (rank %1) was killed").arg(rank));
            if (code != 0 && exitCode == 0) {
                exitCode = code;
                sinceFailure.start();
            }
        }
        if (g_stopRequested.load() && !stopsSent) {
            for (std::size_t rank = 0; rank < workers.size(); ++rank)
                if (!done[rank])
                    workers[rank]->terminate();
            stopsSent = true;
        }
        if (sinceFailure.isValid() && sinceFailure.elapsed() > graceSeconds * 1000LL) {
            for (std::size_t rank = 0; rank < workers.size(); ++rank)
                if (!done[rank]) {
                    printError(
                        QStringLiteral("rank %1 did not stop %2 s after another rank failed; killing it")
                            .arg(rank)
                            .arg(graceSeconds));
                    workers[rank]->kill();
                }
            sinceFailure = QElapsedTimer();
        }
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    return exitCode;
}

} // namespace fc::cli
