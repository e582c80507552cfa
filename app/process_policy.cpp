#include "process_policy.h"

#include <cpuid.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iterator>

namespace fc {

namespace {

constexpr const char* kOverrideCore = "SKYLAKEX";

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

bool knownCoreWithoutAvx512(std::string core) {
    static const char* const cores[] = {
        "prescott", "core2",      "penryn",    "dunnington", "nehalem",     "sandybridge", "haswell",
        "zen",      "barcelona",  "bulldozer", "piledriver", "steamroller", "excavator",   "atom",
        "katmai",   "coppermine", "northwood", "banias",     "opteron",     "opteron_sse3"};
    std::transform(core.begin(), core.end(), core.begin(), [](unsigned char c) { return std::tolower(c); });
    return std::any_of(std::begin(cores), std::end(cores), [&](const char* c) { return core == c; });
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

bool setTunedEnvironment(const std::string& openblasCore) {
    bool changed = false;
    if (env("OMP_WAIT_POLICY").empty()) {
        setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
        changed = true;
    }
    if (env(kOverrideFailedMarker).empty()) {
        const auto core = openblasCoreOverride(detectCpu(), openblasCore, env("OPENBLAS_CORETYPE"));
        if (!core.empty()) {
            setenv("OPENBLAS_CORETYPE", core.c_str(), 1);
            setenv(kOverrideMarker, core.c_str(), 1);
            changed = true;
        }
    }
    return changed;
}

} // namespace fc
