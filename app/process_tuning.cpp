#include "process_tuning.h"

#include <dlfcn.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace fc {

namespace {

ProcessTuningReport g_report;

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

bool tuneAllocator() {
    if (env("GLIBC_TUNABLES").find("malloc") != std::string::npos)
        return false;
    // Never mmap a block: LibTorch's activations (the 25 MB self-attention matrix, the label attention of
    // thousands of codes) would otherwise be mapped, unmapped, faulted in and zeroed on every call.
    // M_MMAP_THRESHOLD alone cannot do it (glibc caps it at 32 MB).
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, static_cast<int>(kTrimThresholdBytes));
    mallopt(M_TOP_PAD, 16 << 20);
    return true;
}

void reexecute(char** argv) {
    setenv(kTunedMarker, "re-execution", 1);
    std::fflush(nullptr);
    execv("/proc/self/exe", argv);
    // execv failed (no /proc?): go on in this process with what it has.
    unsetenv(kTunedMarker);
}

} // namespace

SgemmFunction processSgemm() {
    return reinterpret_cast<SgemmFunction>(dlsym(RTLD_DEFAULT, "sgemm_"));
}

std::string processOpenblasCore() {
    using CoreName = char* (*)();
    const auto name = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    const char* core = name ? name() : nullptr;
    return core ? core : "";
}

std::string checkSgemm(SgemmFunction sgemm) {
    if (!sgemm)
        return "no sgemm_ in the process";
    struct Shape {
        int m, n, k;
        char ta, tb;
        float beta;
    };
    // Odd sizes reach the kernels' edge loops; 64+ reaches the packed paths; 'T' the transposed packing.
    const Shape shapes[] = {{67, 53, 129, 'N', 'N', 0.0f},
                            {128, 96, 300, 'N', 'T', 0.0f},
                            {33, 161, 75, 'T', 'N', 0.5f},
                            {1, 300, 300, 'N', 'N', 0.0f},
                            {250, 17, 64, 'T', 'T', 1.0f}};
    std::uint32_t state = 12345;
    const auto next = [&] {
        state = state * 1664525u + 1013904223u;
        return static_cast<float>(state >> 8) / static_cast<float>(1u << 24) - 0.5f;
    };
    for (const auto& s : shapes) {
        const int lda = s.ta == 'N' ? s.m : s.k, ldb = s.tb == 'N' ? s.k : s.n, ldc = s.m;
        std::vector<float> a(static_cast<std::size_t>(s.m) * s.k), b(static_cast<std::size_t>(s.k) * s.n),
            c(static_cast<std::size_t>(s.m) * s.n);
        for (auto& x : a)
            x = next();
        for (auto& x : b)
            x = next();
        for (auto& x : c)
            x = next();
        const std::vector<float> c0 = c;
        const float alpha = 1.0f;
        sgemm(&s.ta, &s.tb, &s.m, &s.n, &s.k, &alpha, a.data(), &lda, b.data(), &ldb, &s.beta, c.data(),
              &ldc);
        for (int j = 0; j < s.n; ++j) {
            for (int i = 0; i < s.m; ++i) {
                double sum = 0.0, magnitude = 0.0;
                for (int p = 0; p < s.k; ++p) {
                    const double x = s.ta == 'N' ? a[static_cast<std::size_t>(p) * lda + i]
                                                 : a[static_cast<std::size_t>(i) * lda + p];
                    const double y = s.tb == 'N' ? b[static_cast<std::size_t>(j) * ldb + p]
                                                 : b[static_cast<std::size_t>(p) * ldb + j];
                    sum += x * y;
                    magnitude += std::fabs(x * y);
                }
                const auto at = static_cast<std::size_t>(j) * ldc + i;
                const double expected = alpha * sum + s.beta * c0[at];
                const double tolerance = 1e-4 * (magnitude + std::fabs(s.beta * c0[at])) + 1e-6;
                if (!(std::fabs(c[at] - expected) <= tolerance)) {
                    char text[200];
                    std::snprintf(text, sizeof text,
                                  "sgemm %c%c m=%d n=%d k=%d: element (%d, %d) is %g, expected %g", s.ta,
                                  s.tb, s.m, s.n, s.k, i, j, static_cast<double>(c[at]), expected);
                    return text;
                }
            }
        }
    }
    return {};
}

const ProcessTuningReport& processTuningReport() {
    return g_report;
}

void tuneProcess(char** argv) {
    if (env("FC_NO_PROCESS_TUNING") == "1")
        return;
    g_report.allocatorTuned = tuneAllocator();
    g_report.openblasCore = processOpenblasCore();

    // Tuned already: by the launcher in bin/ (app/launcher) or by an earlier execution of this process.
    g_report.tunedBy = env(kTunedMarker);
    const bool reexecuted = !g_report.tunedBy.empty();
    unsetenv(kTunedMarker);
    const std::string trial = env(kOverrideMarker);
    unsetenv(kOverrideMarker);
    if (!trial.empty() && env("OPENBLAS_CORETYPE") == trial) {
        // This process runs on the override this program chose: check it before trusting it.
        g_report.selfCheckError = checkSgemm(processSgemm());
        if (g_report.selfCheckError.empty()) {
            g_report.coreOverride = trial;
        } else {
            std::fprintf(
                stderr, "fusioncoder: OpenBLAS's %s kernels failed a self-check (%s); using its own choice\n",
                trial.c_str(), g_report.selfCheckError.c_str());
            unsetenv("OPENBLAS_CORETYPE");
            setenv(kOverrideFailedMarker, "1", 1);
            reexecute(argv);
        }
    }
    g_report.waitPolicy = env("OMP_WAIT_POLICY");
    if (reexecuted)
        return;

    if (setTunedEnvironment(g_report.openblasCore)) {
        reexecute(argv);
        // Still here: the variables only affect children now; undo the trial override.
        if (!env(kOverrideMarker).empty()) {
            unsetenv("OPENBLAS_CORETYPE");
            unsetenv(kOverrideMarker);
        }
    }
}

} // namespace fc
