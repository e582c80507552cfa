#include "process_tuning.h"

#include <cpuid.h>
#include <dlfcn.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace fc {

namespace {

// Set in the environment of the re-executed process so it does not execute itself again. Removed by that
// process, so its own children (a fine-tune the GUI starts) decide for themselves.
constexpr const char* kReexecutedMarker = "FC_PROCESS_TUNED";
// Set while the override is on trial; its value is the core type this process chose.
constexpr const char* kOverrideMarker = "FC_OPENBLAS_OVERRIDE";
// Set when the self-check of the override failed, so the fallback process does not try it again.
constexpr const char* kOverrideFailedMarker = "FC_OPENBLAS_OVERRIDE_FAILED";
constexpr const char* kOverrideCore = "SKYLAKEX";

ProcessTuningReport g_report;

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
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
    setenv(kReexecutedMarker, "1", 1);
    std::fflush(nullptr);
    execv("/proc/self/exe", argv);
    // execv failed (no /proc?): go on in this process with what it has.
    unsetenv(kReexecutedMarker);
}

bool knownCoreWithoutAvx512(const std::string& core) {
    static const char* const cores[] = {
        "prescott", "core2",      "penryn",    "dunnington", "nehalem",     "sandybridge", "haswell",
        "zen",      "barcelona",  "bulldozer", "piledriver", "steamroller", "excavator",   "atom",
        "katmai",   "coppermine", "northwood", "banias",     "opteron",     "opteron_sse3"};
    const auto name = lower(core);
    return std::any_of(std::begin(cores), std::end(cores), [&](const char* c) { return name == c; });
}

} // namespace

CpuFeatures detectCpu() {
    CpuFeatures cpu;
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
        return cpu;
    const int baseFamily = static_cast<int>((eax >> 8) & 0xf);
    cpu.family = baseFamily == 0xf ? baseFamily + static_cast<int>((eax >> 20) & 0xff) : baseFamily;
    cpu.model = static_cast<int>((eax >> 4) & 0xf);
    if (baseFamily == 0x6 || baseFamily == 0xf)
        cpu.model += static_cast<int>((eax >> 16) & 0xf) << 4;
    const bool osxsave = (ecx >> 27) & 1u;
    if (!osxsave)
        return cpu;
    unsigned xcr0Low = 0, xcr0High = 0;
    __asm__("xgetbv" : "=a"(xcr0Low), "=d"(xcr0High) : "c"(0));
    // SSE, AVX, opmask, ZMM_Hi256 and Hi16_ZMM state saved by the OS.
    const bool osAvx512 = (xcr0Low & 0xe6u) == 0xe6u;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
        return cpu;
    const bool f = (ebx >> 16) & 1u, dq = (ebx >> 17) & 1u, bw = (ebx >> 30) & 1u, vl = (ebx >> 31) & 1u;
    cpu.avx512 = osAvx512 && f && dq && bw && vl;
    return cpu;
}

std::string openblasCoreOverride(const CpuFeatures& cpu, const std::string& chosenCore,
                                 const std::string& userValue) {
    if (!userValue.empty() || !cpu.avx512 || chosenCore.empty())
        return {};
    return knownCoreWithoutAvx512(chosenCore) ? kOverrideCore : "";
}

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

    const bool reexecuted = !env(kReexecutedMarker).empty();
    unsetenv(kReexecutedMarker);
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

    bool needed = false;
    if (g_report.waitPolicy.empty()) {
        setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
        needed = true;
    }
    if (env(kOverrideFailedMarker).empty()) {
        const auto core = openblasCoreOverride(detectCpu(), g_report.openblasCore, env("OPENBLAS_CORETYPE"));
        if (!core.empty()) {
            setenv("OPENBLAS_CORETYPE", core.c_str(), 1);
            setenv(kOverrideMarker, core.c_str(), 1);
            needed = true;
        }
    }
    if (needed) {
        reexecute(argv);
        // Still here: the variables only affect children now; undo the trial override.
        if (!env(kOverrideMarker).empty()) {
            unsetenv("OPENBLAS_CORETYPE");
            unsetenv(kOverrideMarker);
        }
    }
}

} // namespace fc
