#pragma once
// Runs the fusioncoder-cli under test (FC_CLI_PATH, defined by the including test's target: the engine in
// libexec/; `program` another one, e.g. the launcher) and collects what it printed: the one way the CLI tests
// call it.
#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

namespace fc::testing {

struct CliRun {
    int exitCode = -1; // -1 when the process did not start, crashed or timed out
    QByteArray out;
    QByteArray err;
};

inline CliRun runCli(const QStringList& arguments, const QByteArray& input = {}, int timeoutMs = 120000,
                     const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment(),
                     const QString& program = QStringLiteral(FC_CLI_PATH)) {
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    if (!process.waitForStarted())
        return {};
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(timeoutMs);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

} // namespace fc::testing
