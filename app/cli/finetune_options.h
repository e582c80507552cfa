#pragma once
// The fine-tuning and gate options `finetune` and `review-sim` share, declared and read in one place so the
// two commands cannot drift apart: --replay --epochs --lr --threads --tolerance --keep-index.
#include "fc/model/finetune.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>

namespace fc::cli {

QList<QCommandLineOption> fineTuneCommandOptions();

// Fills `options` and `gate` from the parsed options (defaults where absent; the gate uses the fine-tuning
// thread count). Throws UsageError on an out-of-range value or a --replay file that does not exist.
void readFineTuneCommandOptions(const QCommandLineParser& parser, FineTuneOptions& options,
                                GateOptions& gate);

} // namespace fc::cli
