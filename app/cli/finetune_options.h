#pragma once
// What `finetune` and `review-sim` share, in one place so the two commands cannot drift apart: the
// fine-tuning and gate options (--replay --epochs --lr --threads --tolerance --keep-index) and the training
// progress line they print.
#include "fc/model/finetune.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>

#include <chrono>

namespace fc::cli {

QList<QCommandLineOption> fineTuneCommandOptions();

// Fills `options` and `gate` from the parsed options (defaults where absent; the gate uses the fine-tuning
// thread count). Throws UsageError on an out-of-range value or a --replay file that does not exist.
void readFineTuneCommandOptions(const QCommandLineParser& parser, FineTuneOptions& options,
                                GateOptions& gate);

// Prints "epoch E/N: D/T examples, loss L, eta S s" to stderr at the end of every epoch and otherwise at most
// every 5 seconds.
class FineTuneProgressPrinter {
public:
    void print(int epoch, int epochs, long long examplesDone, long long examples, double loss,
               double etaSeconds);

private:
    std::chrono::steady_clock::time_point m_lastLine =
        std::chrono::steady_clock::now() - std::chrono::seconds(10);
};

} // namespace fc::cli
