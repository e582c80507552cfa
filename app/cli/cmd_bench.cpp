// fusioncoder-cli bench: speed of a random-weight Fusion model on a synthetic note, with the machine's sgemm
// rate and the model's FLOP count measured in the same run (interfaces.md). Table by default, --json for
// scripts. Progress goes to stderr.
#include "cli_common.h"
#include "commands.h"

#include "process_tuning.h"

#include "fc/model/benchmark.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace fc::cli {

namespace {

std::string cpuModel() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            return colon == std::string::npos ? std::string() : line.substr(colon + 2);
        }
    }
    return {};
}

double loadAverage() {
    std::ifstream loadavg("/proc/loadavg");
    double oneMinute = -1;
    loadavg >> oneMinute;
    return oneMinute;
}

QJsonObject latencyJson(const LatencyStats& s) {
    return QJsonObject{{QStringLiteral("median_ms"), s.medianMs},
                       {QStringLiteral("p90_ms"), s.p90Ms},
                       {QStringLiteral("min_ms"), s.minMs},
                       {QStringLiteral("max_ms"), s.maxMs},
                       {QStringLiteral("runs"), s.runs}};
}

QJsonObject tuningJson() {
    const auto& t = processTuningReport();
    return QJsonObject{{QStringLiteral("allocator_tuned"), t.allocatorTuned},
                       {QStringLiteral("omp_wait_policy"), QString::fromStdString(t.waitPolicy)},
                       {QStringLiteral("openblas_core"), QString::fromStdString(processOpenblasCore())},
                       {QStringLiteral("openblas_override"), QString::fromStdString(t.coreOverride)},
                       {QStringLiteral("tuned_by"), QString::fromStdString(t.tunedBy)},
                       {QStringLiteral("cpu_family"), detectCpu().family},
                       {QStringLiteral("cpu_model"), detectCpu().model}};
}

// bench/compare_pytorch.py: next to the executable's source tree (build/<preset>/app/exe) or installed.
QString findCompareScript(const QString& given) {
    if (!given.isEmpty())
        return given;
    const QString exe = QCoreApplication::applicationDirPath();
    for (const QString& candidate : {exe + QStringLiteral("/../../../../bench/compare_pytorch.py"),
                                     exe + QStringLiteral("/../share/fusioncoder/bench/compare_pytorch.py")})
        if (QFileInfo::exists(candidate))
            return QFileInfo(candidate).canonicalFilePath();
    throw UsageError(QStringLiteral("bench --compare-pytorch: bench/compare_pytorch.py not found; pass "
                                    "--pytorch-script PATH"));
}

// The authors' network in Debian's PyTorch with the same note length, labels, threads and vocabulary, and
// the same OpenBLAS kernels and wait policy as this process (the environment this process runs with). It
// runs in --serve mode: one timed run per request, interleaved with this process's own timed runs, so a
// change of the machine's load during the measurement hits both sides alike.
class PytorchReference {
public:
    PytorchReference(const QString& script, const BenchmarkOptions& o, int threads) {
        auto environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("OMP_WAIT_POLICY"), QStringLiteral("PASSIVE"));
        const auto core = processOpenblasCore();
        if (!core.empty() && !environment.contains(QStringLiteral("OPENBLAS_CORETYPE")))
            environment.insert(QStringLiteral("OPENBLAS_CORETYPE"), QString::fromStdString(core));
        m_python.setProcessEnvironment(environment);
        // Debian's interpreter, where python3-torch is installed (a python3 earlier in PATH may lack torch).
        const QString interpreter = QFileInfo::exists(QStringLiteral("/usr/bin/python3"))
                                        ? QStringLiteral("/usr/bin/python3")
                                        : QStringLiteral("python3");
        m_python.start(interpreter,
                       {script, QStringLiteral("--serve"), QStringLiteral("--tokens"),
                        QString::number(o.tokens), QStringLiteral("--labels"), QString::number(o.labels),
                        QStringLiteral("--threads"), QString::number(threads), QStringLiteral("--vocabulary"),
                        QString::number(o.vocabularySize)});
        if (!m_python.waitForStarted() || readLine() != "ready")
            fail("did not start");
    }
    ~PytorchReference() {
        if (m_python.state() != QProcess::NotRunning) {
            m_python.kill();
            m_python.waitForFinished();
        }
    }
    void runOnce() {
        m_python.write("run\n");
        if (readLine().isEmpty())
            fail("stopped during a run");
    }
    QJsonObject finish() {
        m_python.closeWriteChannel();
        if (!m_python.waitForFinished(-1) || m_python.exitCode() != 0)
            fail("failed");
        const auto json = QJsonDocument::fromJson(m_python.readAllStandardOutput().trimmed()).object();
        if (!json.contains(QStringLiteral("median_ms")))
            fail("printed no result");
        return json;
    }

private:
    QByteArray readLine() {
        while (!m_python.canReadLine())
            if (!m_python.waitForReadyRead(-1))
                return {};
        return m_python.readLine().trimmed();
    }
    [[noreturn]] void fail(const char* what) {
        throw std::runtime_error(
            std::string("bench --compare-pytorch: the PyTorch reference ") + what +
            " (needs python3-torch): " + m_python.readAllStandardError().trimmed().toStdString());
    }
    QProcess m_python;
};

// Median over interleaved pairs of reference / fusioncoder (> 1: fusioncoder is faster).
double pairedSpeedup(const QJsonArray& reference, const std::vector<double>& own) {
    std::vector<double> ratios;
    for (std::size_t i = 0; i < own.size() && i < static_cast<std::size_t>(reference.size()); ++i)
        ratios.push_back(reference.at(static_cast<qsizetype>(i)).toDouble() / std::max(own[i], 1e-9));
    if (ratios.empty())
        return 0;
    std::sort(ratios.begin(), ratios.end());
    const auto n = ratios.size();
    return n % 2 ? ratios[n / 2] : 0.5 * (ratios[n / 2 - 1] + ratios[n / 2]);
}

QJsonArray profileJson(const std::vector<OperatorTime>& ops) {
    QJsonArray array;
    for (const auto& op : ops)
        array.append(QJsonObject{{QStringLiteral("operator"), QString::fromStdString(op.name)},
                                 {QStringLiteral("calls"), op.calls},
                                 {QStringLiteral("self_ms"), op.selfMs},
                                 {QStringLiteral("total_ms"), op.totalMs}});
    return array;
}

QJsonObject resultJson(const BenchmarkResult& r, double loadBefore, double loadAfter) {
    const auto& f = r.flops;
    QJsonObject flops{{QStringLiteral("total"), f.total() / 1e9},
                      {QStringLiteral("base_convolutions"), f.baseConvolutions / 1e9},
                      {QStringLiteral("soft_pooling"), f.softPooling / 1e9},
                      {QStringLiteral("residual_blocks"), f.residualBlocks / 1e9},
                      {QStringLiteral("projections"), f.projections / 1e9},
                      {QStringLiteral("attention_products"), f.attentionProducts / 1e9},
                      {QStringLiteral("feed_forward"), f.feedForward / 1e9},
                      {QStringLiteral("label_attention"), f.labelAttention / 1e9}};
    QJsonObject json{
        {QStringLiteral("arch"), QStringLiteral("fusion")},
        {QStringLiteral("tokens"), static_cast<qint64>(r.options.tokens)},
        {QStringLiteral("labels"), static_cast<qint64>(r.options.labels)},
        {QStringLiteral("threads"), r.threads},
        {QStringLiteral("windows"), static_cast<qint64>(r.windows)},
        {QStringLiteral("max_tokens"), static_cast<qint64>(r.maxTokens)},
        {QStringLiteral("parameters"), static_cast<qint64>(r.parameters)},
        {QStringLiteral("vocabulary"), static_cast<qint64>(r.options.vocabularySize)},
        {QStringLiteral("gflop_per_note"), f.total() / 1e9},
        {QStringLiteral("gflop_breakdown"), flops},
        {QStringLiteral("inference"), latencyJson(r.inference)},
        {QStringLiteral("inference_with_evidence"), latencyJson(r.inferenceWithEvidence)},
        {QStringLiteral("achieved_gflops"), r.achievedGflops},
        {QStringLiteral("sgemm_size"), static_cast<qint64>(r.options.sgemmSize)},
        {QStringLiteral("sgemm_gflops"), r.sgemmGflops},
        {QStringLiteral("sgemm_median_gflops"), r.sgemmMedianGflops},
        {QStringLiteral("fraction_of_peak"), r.fractionOfPeak},
        {QStringLiteral("load_seconds"), r.loadSeconds},
        {QStringLiteral("peak_rss_mb"), r.peakRssMb},
        {QStringLiteral("blas"), QString::fromStdString(r.blasLibrary)},
        {QStringLiteral("cpu"), QString::fromStdString(cpuModel())},
        {QStringLiteral("load_average_before"), loadBefore},
        {QStringLiteral("load_average_after"), loadAfter},
        {QStringLiteral("process_tuning"), tuningJson()},
    };
    if (r.options.fast) {
        json.insert(QStringLiteral("fast_inference"), latencyJson(r.fastInference));
        json.insert(QStringLiteral("fast_bfloat16"), r.fastBfloat16);
        json.insert(QStringLiteral("fast_speedup"), r.fastSpeedup);
        json.insert(QStringLiteral("fast_max_score_difference"), r.fastMaxScoreDifference);
    }
    if (!r.profile.empty()) {
        json.insert(QStringLiteral("profile"), profileJson(r.profile));
        if (!r.fastProfile.empty())
            json.insert(QStringLiteral("fast_profile"), profileJson(r.fastProfile));
    }
    if (r.options.training) {
        json.insert(QStringLiteral("train_batch"), r.options.trainBatch);
        json.insert(QStringLiteral("train_step_seconds"), r.trainStepSeconds);
        json.insert(QStringLiteral("train_notes_per_second"), r.trainNotesPerSecond);
        json.insert(QStringLiteral("peak_rss_after_training_mb"), r.peakRssAfterTrainingMb);
    }
    return json;
}

// The operators that take 98 % of the self time (at most 20 rows), per run.
void printProfile(const char* title, const std::vector<OperatorTime>& ops) {
    double all = 0;
    for (const auto& op : ops)
        all += op.selfMs;
    std::printf("  %s, per run (LibTorch's profiler; self time, %% of %.1f ms):\n", title, all);
    double shown = 0;
    for (std::size_t i = 0; i < ops.size() && i < 20 && shown < 0.98 * all; ++i) {
        std::printf("    %-34s %5d calls %9.2f ms %5.1f %%\n", ops[i].name.c_str(), ops[i].calls,
                    ops[i].selfMs, all > 0 ? 100.0 * ops[i].selfMs / all : 0.0);
        shown += ops[i].selfMs;
    }
}

void printTable(const BenchmarkResult& r, double loadBefore, double loadAfter) {
    const auto& f = r.flops;
    std::printf("Fusion, random weights: %lld tokens (%lld window%s of %lld), %lld labels, %d thread%s\n",
                static_cast<long long>(r.options.tokens), static_cast<long long>(r.windows),
                r.windows == 1 ? "" : "s", static_cast<long long>(r.maxTokens),
                static_cast<long long>(r.options.labels), r.threads, r.threads == 1 ? "" : "s");
    std::printf("  cpu                      %s\n", cpuModel().c_str());
    std::printf("  blas                     %s\n",
                r.blasLibrary.empty() ? "(not mapped)" : r.blasLibrary.c_str());
    std::printf("  load average (1 min)     %.2f before, %.2f after\n", loadBefore, loadAfter);
    std::printf("  parameters               %lld\n", static_cast<long long>(r.parameters));
    std::printf(
        "  GFLOP per note           %.3f  (base conv %.3f, soft pool %.3f, residual %.3f, QKV/out %.3f,\n"
        "                                  attention %.3f, FFN %.3f, label attention %.3f)\n",
        f.total() / 1e9, f.baseConvolutions / 1e9, f.softPooling / 1e9, f.residualBlocks / 1e9,
        f.projections / 1e9, f.attentionProducts / 1e9, f.feedForward / 1e9, f.labelAttention / 1e9);
    std::printf("  inference (scores)       median %.2f ms, p90 %.2f ms, min %.2f ms over %d runs\n",
                r.inference.medianMs, r.inference.p90Ms, r.inference.minMs, r.inference.runs);
    std::printf("  inference (+ evidence)   median %.2f ms over %d runs\n", r.inferenceWithEvidence.medianMs,
                r.inferenceWithEvidence.runs);
    std::printf("  sgemm %lldx%lld          peak %.1f GFLOP/s (median %.1f)\n",
                static_cast<long long>(r.options.sgemmSize), static_cast<long long>(r.options.sgemmSize),
                r.sgemmGflops, r.sgemmMedianGflops);
    std::printf("  achieved                 %.1f GFLOP/s = %.1f %% of the sgemm peak\n", r.achievedGflops,
                100.0 * r.fractionOfPeak);
    std::printf("  model load               %.3f s\n", r.loadSeconds);
    std::printf("  peak RSS                 %.1f MiB\n", r.peakRssMb);
    if (r.options.fast)
        std::printf("  fast mode %-14s median %.2f ms, min %.2f ms: %.2fx the exact mode; max |score "
                    "difference| %.2g\n",
                    r.fastBfloat16 ? "(bfloat16)" : "(unavailable)", r.fastInference.medianMs,
                    r.fastInference.minMs, r.fastSpeedup, r.fastMaxScoreDifference);
    if (!r.profile.empty())
        printProfile("exact engine", r.profile);
    if (!r.fastProfile.empty())
        printProfile("fast engine", r.fastProfile);
    if (r.options.training)
        std::printf(
            "  training                 %.2f notes/s (batch %d, %.2f s per step), peak RSS %.1f MiB\n",
            r.trainNotesPerSecond, r.options.trainBatch, r.trainStepSeconds, r.peakRssAfterTrainingMb);
}

} // namespace

int runBench(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("tokens"), QStringLiteral("Synthetic note length in tokens (default 2500)."),
         QStringLiteral("N")},
        {QStringLiteral("labels"), QStringLiteral("Number of labels Y (default 50)."), QStringLiteral("Y")},
        {QStringLiteral("threads"), QStringLiteral("LibTorch threads (default: all cores)."),
         QStringLiteral("T")},
        {QStringLiteral("runs"), QStringLiteral("Timed inference runs after warm-up (default 20)."),
         QStringLiteral("R")},
        {QStringLiteral("vocabulary"), QStringLiteral("Synthetic vocabulary size (default 50000)."),
         QStringLiteral("V")},
        {QStringLiteral("sgemm-size"), QStringLiteral("Matrix size of the sgemm peak (default 2048)."),
         QStringLiteral("S")},
        {QStringLiteral("profile"),
         QStringLiteral("Also run R predictions under LibTorch's profiler and print the operators by self "
                        "time (with --fast: the fast engine's too)."),
         QStringLiteral("R")},
        {QStringLiteral("train"), QStringLiteral("Also measure training throughput (batch 16).")},
        {QStringLiteral("train-steps"), QStringLiteral("Timed training steps (default 3)."),
         QStringLiteral("K")},
        {QStringLiteral("json"), QStringLiteral("Print JSON instead of a table.")},
        {QStringLiteral("fast"),
         QStringLiteral("Also time fast mode (bfloat16) on the same note and compare its "
                        "scores with the exact mode.")},
        {QStringLiteral("compare-pytorch"),
         QStringLiteral("Also time the authors' network in Debian's PyTorch (bench/compare_pytorch.py, "
                        "python3-torch) in the same run and print the ratio.")},
        {QStringLiteral("pytorch-script"),
         QStringLiteral("Path of compare_pytorch.py (default: found next to "
                        "the build or install)."),
         QStringLiteral("PATH")},
    });
    parseOrThrow(
        parser, arguments,
        QStringLiteral("Measures Fusion inference latency, the sgemm peak and the achieved fraction of it."));
    if (!parser.positionalArguments().isEmpty())
        throw UsageError(QStringLiteral("bench takes no positional arguments"));
    BenchmarkOptions options;
    options.tokens = intValue(parser, QStringLiteral("tokens"), 2500, 1, 1000000);
    options.labels = intValue(parser, QStringLiteral("labels"), 50, 1, 26000);
    options.threads = intValue(parser, QStringLiteral("threads"), 0, 0, 256);
    options.runs = intValue(parser, QStringLiteral("runs"), 20, 1, 100000);
    options.vocabularySize = intValue(parser, QStringLiteral("vocabulary"), 50000, 1, 400000);
    options.sgemmSize = intValue(parser, QStringLiteral("sgemm-size"), 2048, 16, 16384);
    options.training = parser.isSet(QStringLiteral("train"));
    options.trainSteps = intValue(parser, QStringLiteral("train-steps"), 3, 1, 1000);
    options.fast = parser.isSet(QStringLiteral("fast"));
    if (parser.isSet(QStringLiteral("profile")))
        options.profileRuns = intValue(parser, QStringLiteral("profile"), 5, 1, 1000);

    const double loadBefore = loadAverage();
    std::unique_ptr<PytorchReference> pytorch;
    if (parser.isSet(QStringLiteral("compare-pytorch"))) {
        const QString script = findCompareScript(parser.value(QStringLiteral("pytorch-script")));
        printProgress(QStringLiteral("the authors' network in PyTorch (%1), timed interleaved").arg(script));
        const int threads = options.threads > 0
                                ? options.threads
                                : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        pytorch = std::make_unique<PytorchReference>(script, options, threads);
        options.afterEachRun = [&pytorch] { pytorch->runOnce(); };
    }
    const auto result =
        runBenchmark(options, [](const std::string& m) { printProgress(QString::fromStdString(m)); });
    QJsonObject reference;
    if (pytorch) {
        reference = pytorch->finish();
        reference.insert(
            QStringLiteral("speedup_paired"),
            pairedSpeedup(reference.value(QStringLiteral("run_wall_ms")).toArray(), result.inferenceRunMs));
        reference.insert(
            QStringLiteral("cpu_speedup_paired"),
            pairedSpeedup(reference.value(QStringLiteral("run_cpu_ms")).toArray(), result.inferenceRunCpuMs));
    }
    const double loadAfter = loadAverage();
    auto json = resultJson(result, loadBefore, loadAfter);
    if (!reference.isEmpty()) {
        // > 1: fusioncoder is faster. The minimum is the figure least disturbed by other load.
        reference.insert(QStringLiteral("speedup_median"),
                         reference.value(QStringLiteral("median_ms")).toDouble() / result.inference.medianMs);
        reference.insert(QStringLiteral("speedup_min"),
                         reference.value(QStringLiteral("min_ms")).toDouble() / result.inference.minMs);
        json.insert(QStringLiteral("pytorch_reference"), reference);
    }
    if (parser.isSet(QStringLiteral("json"))) {
        std::fputs(QJsonDocument(json).toJson(QJsonDocument::Indented).constData(), stdout);
    } else {
        printTable(result, loadBefore, loadAfter);
        const auto t = json.value(QStringLiteral("process_tuning")).toObject();
        std::printf(
            "  process                  malloc %s, OMP_WAIT_POLICY=%s, OpenBLAS core %s%s, cpuid family %d\n",
            t.value(QStringLiteral("allocator_tuned")).toBool() ? "tuned" : "default",
            qPrintable(t.value(QStringLiteral("omp_wait_policy")).toString()),
            qPrintable(t.value(QStringLiteral("openblas_core")).toString()),
            t.value(QStringLiteral("openblas_override")).toString().isEmpty() ? "" : " (override)",
            t.value(QStringLiteral("cpu_family")).toInt());
        if (!reference.isEmpty())
            std::printf(
                "  PyTorch %s reference     median %.2f ms, min %.2f ms (OpenBLAS %s): fusioncoder is "
                "%.2fx faster (median), %.2fx (min)\n"
                "                           interleaved pairs: %.2fx (median of per-pair wall ratios), %.2fx "
                "in CPU time\n",
                qPrintable(reference.value(QStringLiteral("torch")).toString()),
                reference.value(QStringLiteral("median_ms")).toDouble(),
                reference.value(QStringLiteral("min_ms")).toDouble(),
                qPrintable(reference.value(QStringLiteral("openblas_core")).toString()),
                reference.value(QStringLiteral("speedup_median")).toDouble(),
                reference.value(QStringLiteral("speedup_min")).toDouble(),
                reference.value(QStringLiteral("speedup_paired")).toDouble(),
                reference.value(QStringLiteral("cpu_speedup_paired")).toDouble());
    }
    return Ok;
}

} // namespace fc::cli
