// Start-up tuning (issue #14): the sgemm self-check that guards an OpenBLAS core override, the choice of the
// override, that the executables re-execute themselves once and give the same scores on either kernels, and
// that the launcher in bin/ gives the engine that environment so it need not re-execute itself.
#include "process_tuning.h"

#include "../support/cli_run.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <map>
#include <vector>

using namespace fc;

namespace {

SgemmFunction g_real = nullptr;

// A kernel that gets one element of every product wrong, as a mis-dispatched kernel would.
void wrongElement(const char* ta, const char* tb, const int* m, const int* n, const int* k,
                  const float* alpha, const float* a, const int* lda, const float* b, const int* ldb,
                  const float* beta, float* c, const int* ldc) {
    g_real(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    c[(*n - 1) * *ldc + (*m - 1)] += 0.01f;
}

// A kernel that ignores beta (treats it as 0).
void ignoresBeta(const char* ta, const char* tb, const int* m, const int* n, const int* k, const float* alpha,
                 const float* a, const int* lda, const float* b, const int* ldb, const float*, float* c,
                 const int* ldc) {
    const float zero = 0.0f;
    g_real(ta, tb, m, n, k, alpha, a, lda, b, ldb, &zero, c, ldc);
}

// A kernel that computes only the first column.
void firstColumnOnly(const char* ta, const char* tb, const int* m, const int*, const int* k,
                     const float* alpha, const float* a, const int* lda, const float* b, const int* ldb,
                     const float* beta, float* c, const int* ldc) {
    const int one = 1;
    g_real(ta, tb, m, &one, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

std::map<QString, double> predictScores(const QProcessEnvironment& environment, const QString& note,
                                        const QString& program = QStringLiteral(FC_CLI_PATH)) {
    const auto run = testing::runCli({QStringLiteral("predict"), QStringLiteral("--model"),
                                      QStringLiteral(FC_SOURCE_DIR "/resources/models/codiesp-en-top50"),
                                      QStringLiteral("--top"), QStringLiteral("0"),
                                      QStringLiteral("--threads"), QStringLiteral("2"), note},
                                     {}, 120000, environment, program);
    std::map<QString, double> scores;
    if (run.exitCode != 0) {
        qWarning("%s", run.err.constData());
        return scores;
    }
    for (const auto& code :
         QJsonDocument::fromJson(run.out).object().value(QStringLiteral("codes")).toArray())
        scores[code.toObject().value(QStringLiteral("code")).toString()] =
            code.toObject().value(QStringLiteral("score")).toDouble();
    return scores;
}

} // namespace

class TstProcessTuning : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void processSgemmPassesTheSelfCheck() {
        g_real = processSgemm();
        QVERIFY2(g_real, "LibTorch's BLAS exports sgemm_");
        const auto error = checkSgemm(g_real);
        QVERIFY2(error.empty(), error.c_str());
    }

    void brokenKernelsFailTheSelfCheck() {
        QVERIFY(g_real);
        QVERIFY(checkSgemm(wrongElement).find("element") != std::string::npos);
        QVERIFY(!checkSgemm(ignoresBeta).empty());
        QVERIFY(!checkSgemm(firstColumnOnly).empty());
        QVERIFY(!checkSgemm(nullptr).empty());
    }

    void overrideOnlyForMisdetectedAvx512_data() {
        QTest::addColumn<bool>("avx512");
        QTest::addColumn<QString>("chosen");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("expected");
        QTest::newRow("Zen 5 on AVX2 kernels") << true << "Haswell"
                                               << ""
                                               << "SKYLAKEX";
        QTest::newRow("Emerald Rapids on Prescott") << true << "Prescott"
                                                    << ""
                                                    << "SKYLAKEX";
        QTest::newRow("Zen 4 as Zen") << true << "ZEN"
                                      << ""
                                      << "SKYLAKEX";
        QTest::newRow("already AVX-512") << true << "Cooperlake"
                                         << ""
                                         << "";
        QTest::newRow("already SkylakeX") << true << "SkylakeX"
                                          << ""
                                          << "";
        QTest::newRow("user chose") << true << "Haswell"
                                    << "Haswell"
                                    << "";
        QTest::newRow("no AVX-512") << false << "Haswell"
                                    << ""
                                    << "";
        QTest::newRow("not OpenBLAS") << true << ""
                                      << ""
                                      << "";
        QTest::newRow("unknown core name") << true << "FutureCore"
                                           << ""
                                           << "";
    }
    void overrideOnlyForMisdetectedAvx512() {
        QFETCH(bool, avx512);
        QFETCH(QString, chosen);
        QFETCH(QString, user);
        QFETCH(QString, expected);
        CpuFeatures cpu;
        cpu.avx512 = avx512;
        QCOMPARE(QString::fromStdString(openblasCoreOverride(cpu, chosen.toStdString(), user.toStdString())),
                 expected);
    }

    void cpuidIsRead() {
        const auto cpu = detectCpu();
        QVERIFY(cpu.family > 0);
    }

    // The CLI re-executes itself to set OMP_WAIT_POLICY (and the core override where it applies); it must
    // come back once, with its arguments, and give scores equal to 1e-5 whichever OpenBLAS kernels run.
    void reexecutionKeepsArgumentsAndScores() {
        QTemporaryDir dir;
        const QString note = dir.filePath(QStringLiteral("note.txt"));
        {
            QFile file(note);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(
                "Patient with fever, cough and chest pain; chest x-ray shows pneumonia. Diabetes, renal "
                "failure and hypertension are known.\n");
        }
        auto untuned = QProcessEnvironment::systemEnvironment();
        untuned.remove(QStringLiteral("OMP_WAIT_POLICY"));
        untuned.remove(QStringLiteral("OPENBLAS_CORETYPE"));
        const auto tuned = predictScores(untuned, note);
        QVERIFY(!tuned.empty());
        // Only kernels this CPU can execute: OpenBLAS obeys a forced core, and AVX-512 kernels on a CPU
        // without AVX-512 (e.g. Zen 3) end in an illegal instruction, whatever the application does.
        std::vector<const char*> cores;
        if (detectCpu().avx512)
            cores.push_back("SKYLAKEX");
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
            cores.push_back("HASWELL");
        cores.push_back("PRESCOTT");
        for (const char* core : cores) {
            auto environment = untuned;
            environment.insert(QStringLiteral("OPENBLAS_CORETYPE"), QString::fromLatin1(core));
            const auto scores = predictScores(environment, note);
            QCOMPARE(scores.size(), tuned.size());
            for (const auto& [code, score] : tuned)
                QVERIFY2(std::fabs(scores.at(code) - score) <= 1e-5, qPrintable(code + " on " + core));
        }
    }

    // bin/fusioncoder-cli is a launcher (app/launcher): it sets the environment and executes the engine in
    // libexec/, which then does not execute itself again; the engine started directly executes itself. Both
    // make the same choices and give the same scores. A launcher without its engine says so and exits with
    // 127.
    void launcherSetsTheEnvironmentForTheEngine() {
        auto untuned = QProcessEnvironment::systemEnvironment();
        untuned.remove(QStringLiteral("OMP_WAIT_POLICY"));
        untuned.remove(QStringLiteral("OPENBLAS_CORETYPE"));
        const QStringList bench{QStringLiteral("bench"), QStringLiteral("--tokens"),
                                QStringLiteral("64"),    QStringLiteral("--labels"),
                                QStringLiteral("5"),     QStringLiteral("--runs"),
                                QStringLiteral("1"),     QStringLiteral("--threads"),
                                QStringLiteral("1"),     QStringLiteral("--json")};
        const auto tuningOf = [&](const QString& program) {
            const auto run = testing::runCli(bench, {}, 120000, untuned, program);
            if (run.exitCode != 0)
                qWarning("%s", run.err.constData());
            return QJsonDocument::fromJson(run.out)
                .object()
                .value(QStringLiteral("process_tuning"))
                .toObject();
        };
        const auto launched = tuningOf(QStringLiteral(FC_LAUNCHER_PATH));
        const auto direct = tuningOf(QStringLiteral(FC_CLI_PATH));
        QCOMPARE(launched.value(QStringLiteral("tuned_by")).toString(), QStringLiteral("launcher"));
        QCOMPARE(direct.value(QStringLiteral("tuned_by")).toString(), QStringLiteral("re-execution"));
        for (const auto* key : {"omp_wait_policy", "openblas_core", "openblas_override"})
            QCOMPARE(launched.value(QLatin1String(key)).toString(),
                     direct.value(QLatin1String(key)).toString());
        QCOMPARE(launched.value(QStringLiteral("omp_wait_policy")).toString(), QStringLiteral("PASSIVE"));

        QTemporaryDir dir;
        const QString note = dir.filePath(QStringLiteral("note.txt"));
        {
            QFile file(note);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("Fever and cough; chest x-ray shows pneumonia. Known diabetes and hypertension.\n");
        }
        const auto viaLauncher = predictScores(untuned, note, QStringLiteral(FC_LAUNCHER_PATH));
        const auto viaEngine = predictScores(untuned, note);
        QVERIFY(!viaEngine.empty());
        QCOMPARE(viaLauncher.size(), viaEngine.size());
        for (const auto& [code, score] : viaEngine)
            QVERIFY2(std::fabs(viaLauncher.at(code) - score) <= 1e-5, qPrintable(code));

        const QString lonely = dir.filePath(QStringLiteral("fusioncoder-cli"));
        QVERIFY(QFile::copy(QStringLiteral(FC_LAUNCHER_PATH), lonely));
        const auto run = testing::runCli({QStringLiteral("--version")}, {}, 30000, untuned, lonely);
        QCOMPARE(run.exitCode, 127);
        QVERIFY2(run.err.contains("cannot start"), run.err.constData());
    }
};

QTEST_GUILESS_MAIN(TstProcessTuning)
#include "tst_process_tuning.moc"
