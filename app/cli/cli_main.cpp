// fusioncoder-cli: the command-line face of fusioncoder (interfaces.md). Exit codes: 0 success,
// 2 bad usage or bad input (one line on stderr saying what and where), 1 any other failure.
#include "cli_common.h"
#include "commands.h"

#include "fc/model/errors.h"
#include "fc/storage/database.h"
#include "process_tuning.h"

#include <QCoreApplication>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iterator>

namespace {

using fc::cli::Command;

const Command kCommands[] = {
    {"predict", "Suggest codes for one note and print JSON with scores and evidence.", fc::cli::runPredict},
    {"info", "Describe a model: name, version, architecture, labels, parameters.", fc::cli::runInfo},
    {"bench", "Measure inference latency, the sgemm peak and the achieved fraction of it.",
     fc::cli::runBench},
    {"init-model", "Create a model directory with freshly initialised (untrained) weights.",
     fc::cli::runInitModel},
    {"retrieval", "Add a nearest-neighbour vote to a trained model (weight and threshold chosen on dev).",
     fc::cli::runRetrieval},
    {"lexicon", "Build a mention lexicon (evidence mentions, descriptions, terms) for retrieval --lexicon.",
     fc::cli::runLexicon},
    {"baseline", "Score a dataset with the frequency or TF-IDF nearest-neighbour baseline.",
     fc::cli::runBaseline},
    {"convert", "Rewrite a model with float16 (or float32) weights.", fc::cli::runConvert},
    {"descriptions", "Write code<TAB>description lines for the codes of label files or datasets.",
     fc::cli::runDescriptions},
    {"examples", "Write extra short training examples: evidence mentions in context, code-system terms.",
     fc::cli::runExamples},
    {"prepare", "Convert CodiEsp or MIMIC-III to dataset files (prepare codiesp|mimic3 --help).",
     fc::cli::runPrepare},
    {"train", "Train a model directory from dataset files (--preset fusion|multirescnn|caml|...).",
     fc::cli::runTrain},
    {"eval", "Evaluate a model on a dataset file and print the metrics.", fc::cli::runEval},
    {"export", "Export a chart's accepted codes as CSV, JSON or FHIR R4, or check an export.",
     fc::cli::runExport},
    {"import-pytorch", "Turn a checkpoint of the authors' PyTorch code into a model directory.",
     fc::cli::runImportPytorch},
    {"finetune", "Fine-tune a model on the stored decisions, gate it and register it as a version.",
     fc::cli::runFineTune},
    {"review-sim", "Simulate a coder reviewing labelled notes, fine-tune on the reviews and gate the result.",
     fc::cli::runReviewSim},
    {"combiner", "Cross-validate a learned combiner of network, vote, lexicon, frequency and parent scores.",
     fc::cli::runCombiner},
};

void printUsage(std::FILE* out) {
    std::fprintf(out,
                 "Usage: fusioncoder-cli COMMAND [OPTIONS]\n\n"
                 "fusioncoder %s: ICD code suggestions with evidence, computed locally.\n\nCommands:\n",
                 FC_VERSION);
    for (const Command& command : kCommands)
        std::fprintf(out, "  %-12s %s\n", command.name, command.summary);
    std::fprintf(out, "\n'fusioncoder-cli COMMAND --help' describes a command's options.\n"
                      "Exit codes: 0 success, 2 bad usage or bad input, 1 other failure.\n");
}

} // namespace

int main(int argc, char** argv) {
    // First: allocator, OpenMP wait policy and BLAS kernels (may re-execute the process once).
    fc::tuneProcess(argv);
    // A full disk or RLIMIT_FSIZE must surface as a write error (EFBIG) the writers report, not kill us.
    std::signal(SIGXFSZ, SIG_IGN);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("fusioncoder"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FC_VERSION));
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() < 2) {
        printUsage(stderr);
        return fc::cli::BadInput;
    }
    const QString name = arguments.at(1);
    if (name == QLatin1String("--help") || name == QLatin1String("-h") || name == QLatin1String("help")) {
        printUsage(stdout);
        return fc::cli::Ok;
    }
    if (name == QLatin1String("--version")) {
        std::printf("fusioncoder-cli %s\n", FC_VERSION);
        return fc::cli::Ok;
    }
    const auto command = std::find_if(std::begin(kCommands), std::end(kCommands),
                                      [&](const Command& c) { return name == QLatin1String(c.name); });
    if (command == std::end(kCommands)) {
        fc::cli::printError(QStringLiteral("unknown command '%1' (see fusioncoder-cli --help)").arg(name));
        return fc::cli::BadInput;
    }
    QStringList commandArguments = arguments.mid(2);
    commandArguments.prepend(QStringLiteral("fusioncoder-cli %1").arg(name));
    try {
        return command->run(commandArguments);
    } catch (const fc::cli::UsageError& e) {
        fc::cli::printError(QString::fromUtf8(e.what()));
        return fc::cli::BadInput;
    } catch (const fc::InputError& e) {
        fc::cli::printError(QString::fromUtf8(e.what()));
        return fc::cli::BadInput;
    } catch (const fc::ModelError& e) {
        fc::cli::printError(QStringLiteral("model: %1").arg(QString::fromUtf8(e.what())));
        return fc::cli::BadInput;
    } catch (const fc::storage::StorageError& e) {
        fc::cli::printError(QStringLiteral("database: %1").arg(QString::fromUtf8(e.what())));
        return fc::cli::BadInput;
    } catch (const std::bad_alloc&) {
        fc::cli::printError(QStringLiteral("out of memory"));
        return fc::cli::Failure;
    } catch (const std::exception& e) {
        fc::cli::printError(QString::fromUtf8(e.what()));
        return fc::cli::Failure;
    }
}
