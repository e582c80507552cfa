// fusioncoder-cli finetune: the coder's stored decisions -> a fine-tuned, gated, registered model version
// (interfaces.md `finetune --model MODEL --db FILE --out MODEL_DIR`; the same pipeline as the GUI's Learn
// dialog, runFineTunePipeline). Progress goes to stderr, the gate comparison table to stdout.
// Exit codes: 0 the version was registered (whatever the gate says; the table and the "gate:" line tell),
// 2 bad usage or input (no reviewed notes, OUT exists, unreadable model or database), 1 other failure
// (including Ctrl-C, which stops between batches and registers nothing).
#include "cli_common.h"
#include "commands.h"
#include "finetune_options.h"

#include "codecatalog.h"
#include "databasepassphrase.h"
#include "finetunejob.h"
#include "modelmanager.h"

#include "fc/storage/database.h"

#include <QFileInfo>

#include <atomic>
#include <csignal>
#include <cstdio>

namespace fc::cli {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void onFineTuneInterrupt(int) {
    g_interrupted.store(true);
}

void printMetricsRow(const char* name, double before, double after) {
    std::printf("  %-10s %8.4f %8.4f %+9.4f\n", name, before, after, after - before);
}

void printMetrics(const char* title, const EvalMetrics& before, const EvalMetrics& after, int k) {
    std::printf("%s (%lld notes)      current      new    change\n", title,
                static_cast<long long>(after.n_docs));
    printMetricsRow("micro-F1", before.micro_f1, after.micro_f1);
    printMetricsRow("macro-F1", before.macro_f1, after.macro_f1);
    if (k == 5)
        printMetricsRow("P@5", before.p_at_5, after.p_at_5);
    else
        printMetricsRow("P@8", before.p_at_8, after.p_at_8);
}

void printComparison(const ModelComparison& c) {
    printMetrics("held-out reviewed notes", c.heldOutBefore, c.heldOutAfter, c.k);
    if (c.hasDev)
        printMetrics("original dev set       ", c.devBefore, c.devAfter, c.k);
    if (!c.codeChanges.empty()) {
        std::printf("per-code F1 on held-out notes (largest changes first)\n");
        int shown = 0;
        for (const CodeChange& change : c.codeChanges) {
            if (++shown > 15)
                break;
            std::printf("  %-10s support %3d  %6.3f -> %6.3f%s\n", change.code.c_str(), change.support,
                        change.f1Before, change.f1After, change.newLabel ? "  (new label)" : "");
        }
    }
    std::printf("tolerance: %.4f\ngate: %s - %s\n", c.tolerance, c.acceptable ? "passed" : "not passed",
                c.verdict.c_str());
}

} // namespace

int runFineTune(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("model"), QStringLiteral("Model to fine-tune (directory or shipped name)."),
         QStringLiteral("MODEL")},
        {QStringLiteral("db"), QStringLiteral("Decisions database (the GUI's --db)."),
         QStringLiteral("FILE")},
        dbPassphraseFileOption(),
        {QStringLiteral("out"), QStringLiteral("Directory of the new model version (must not exist)."),
         QStringLiteral("MODEL_DIR")},
        {QStringLiteral("dev"),
         QStringLiteral("Original dev set (JSONL) for the gate (default: model.json's dev_data, if any)."),
         QStringLiteral("FILE")},
        {QStringLiteral("activate-if-better"),
         QStringLiteral("Make the new version the active one when it passes the gate.")},
    });
    parser.addOptions(fineTuneCommandOptions());
    parseOrThrow(parser, arguments,
                 QStringLiteral("Fine-tunes a model on the coder's reviewed notes (accepted/added codes "
                                "positive, rejected/removed negative, other labels masked), compares it with "
                                "the current model on held-out reviewed notes and the dev set, and registers "
                                "it as a new model version."));
    if (!parser.positionalArguments().isEmpty())
        throw UsageError(QStringLiteral("finetune takes no positional arguments"));

    FineTuneJobSettings settings;
    settings.baseModelDir = modelDirectory(requiredValue(parser, QStringLiteral("model")));
    settings.databasePath = requiredValue(parser, QStringLiteral("db"));
    settings.outDir = requiredValue(parser, QStringLiteral("out"));
    if (!QFileInfo::exists(settings.databasePath))
        throw UsageError(QStringLiteral("no database at %1").arg(settings.databasePath));
    useDatabasePassphrase(parser, settings.databasePath);
    if (QFileInfo::exists(settings.outDir))
        throw UsageError(QStringLiteral("%1 already exists").arg(settings.outDir));
    settings.devPath = parser.value(QStringLiteral("dev"));
    readFineTuneCommandOptions(parser, settings.options, settings.gate);
    QString catalogError;
    const QString catalogDir = CodeCatalog::locateDirectory(&catalogError);
    if (!catalogDir.isEmpty())
        settings.catalog = CodeCatalog::load(catalogDir, {}, &catalogError);
    if (!settings.catalog)
        printProgress(
            QStringLiteral("no code catalog (%1): new labels start from the mean row").arg(catalogError));

    std::signal(SIGINT, onFineTuneInterrupt);
    std::signal(SIGTERM, onFineTuneInterrupt);
    FineTuneProgressPrinter progress;
    const FineTuneJobResult result =
        runFineTunePipeline(settings, g_interrupted, [&progress](const FineTuneJobProgress& p) {
            if (!p.message.isEmpty())
                printProgress(p.message);
            else if (p.phase == QLatin1String("train"))
                progress.print(p.epoch, p.epochs, p.examplesDone, p.examples, p.loss, p.etaSeconds);
        });
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (result.cancelled) {
        printError(QStringLiteral("interrupted: nothing registered"));
        return Failure;
    }
    printComparison(result.comparison);
    std::printf("version: %lld at %s (parent %lld)\n", static_cast<long long>(result.newVersionId),
                result.newVersionDir.toLocal8Bit().constData(), static_cast<long long>(result.baseVersionId));
    if (parser.isSet(QStringLiteral("activate-if-better"))) {
        if (!result.gatePassed) {
            std::printf("active: unchanged (the gate did not pass)\n");
        } else {
            storage::Database db(settings.databasePath.toStdString(), databaseOptions(settings.databasePath));
            ModelManager manager(db, settings.options.threads);
            QString error;
            if (!manager.activate(result.newVersionId, &error)) {
                printError(
                    QStringLiteral("cannot activate version %1: %2").arg(result.newVersionId).arg(error));
                return Failure;
            }
            std::printf("active: version %lld\n", static_cast<long long>(result.newVersionId));
        }
    }
    return Ok;
}

} // namespace fc::cli
