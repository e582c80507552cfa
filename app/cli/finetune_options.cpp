#include "finetune_options.h"

#include "cli_common.h"

#include <QFileInfo>

namespace fc::cli {

QList<QCommandLineOption> fineTuneCommandOptions() {
    return {
        {QStringLiteral("replay"),
         QStringLiteral("The model's original training notes (JSONL) mixed in so it keeps what it knew."),
         QStringLiteral("FILE")},
        {QStringLiteral("epochs"), QStringLiteral("Passes over the examples (default 3)."),
         QStringLiteral("N")},
        {QStringLiteral("lr"), QStringLiteral("Adam learning rate (default 3e-4)."), QStringLiteral("X")},
        {QStringLiteral("threads"), QStringLiteral("LibTorch threads (default: all cores)."),
         QStringLiteral("N")},
        {QStringLiteral("tolerance"),
         QStringLiteral("Gate: allowed absolute drop of micro-F1 and P@k (default 0.01)."),
         QStringLiteral("X")},
        {QStringLiteral("keep-index"),
         QStringLiteral("Do not add the reviewed notes to the model's neighbour index (retrieval models).")},
    };
}

void readFineTuneCommandOptions(const QCommandLineParser& parser, FineTuneOptions& options,
                                GateOptions& gate) {
    const QString replay = parser.value(QStringLiteral("replay"));
    if (!replay.isEmpty() && !QFileInfo(replay).isFile())
        throw UsageError(QStringLiteral("no replay file at %1").arg(replay));
    options.replayPath = replay.toStdString();
    options.epochs = intValue(parser, QStringLiteral("epochs"), options.epochs, 0, 100000);
    options.learningRate = doubleValue(parser, QStringLiteral("lr"), options.learningRate, 1e-12, 100.0);
    options.threads = intValue(parser, QStringLiteral("threads"), 0, 0, 256);
    options.updateNeighbourIndex = !parser.isSet(QStringLiteral("keep-index"));
    gate.threads = options.threads;
    gate.tolerance = doubleValue(parser, QStringLiteral("tolerance"), gate.tolerance, 0.0, 1.0);
}

void FineTuneProgressPrinter::print(int epoch, int epochs, long long examplesDone, long long examples,
                                    double loss, double etaSeconds) {
    const auto now = std::chrono::steady_clock::now();
    if (examplesDone != examples && now - m_lastLine < std::chrono::seconds(5))
        return;
    m_lastLine = now;
    printProgress(QStringLiteral("epoch %1/%2: %3/%4 examples, loss %5, eta %6 s")
                      .arg(epoch)
                      .arg(epochs)
                      .arg(examplesDone)
                      .arg(examples)
                      .arg(loss, 0, 'g', 5)
                      .arg(etaSeconds, 0, 'f', 0));
}

} // namespace fc::cli
