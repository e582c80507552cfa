#pragma once
// The start-up decisions of process_tuning.h that need neither LibTorch nor Qt, so that the launchers in
// bin/ (app/launcher) can take them before the engine executable, and its 100+ MB of libraries, is loaded.
#include <string>

namespace fc {

// Set in the environment of a process that runs with the tuned environment already, to "launcher" or
// "re-execution" (who set it), so it does not execute itself again. Removed by that process, so its
// own children (a fine-tune the GUI starts) decide for themselves.
constexpr const char* kTunedMarker = "FC_PROCESS_TUNED";
// Set while the OpenBLAS override is on trial; its value is the core type that was chosen.
constexpr const char* kOverrideMarker = "FC_OPENBLAS_OVERRIDE";
// Set when the self-check of the override failed, so the fallback process does not try it again.
constexpr const char* kOverrideFailedMarker = "FC_OPENBLAS_OVERRIDE_FAILED";

struct CpuFeatures {
    int family = 0; // cpuid family (base + extended), e.g. 6 for Intel, 25/26 for AMD Zen 4/5
    int model = 0;
    bool avx512 = false; // AVX-512 F, BW, DQ and VL reported by cpuid and their state enabled by the OS
};
CpuFeatures detectCpu();

// The OPENBLAS_CORETYPE to set, or "" to leave OpenBLAS alone: only when the user set none (userValue
// empty), the CPU has AVX-512 and OpenBLAS's own choice (`chosenCore`, as openblas_get_corename spells
// it; "" = not OpenBLAS) is a known core without AVX-512 kernels.
std::string openblasCoreOverride(const CpuFeatures& cpu, const std::string& chosenCore,
                                 const std::string& userValue);

// Sets what a tuned process needs in this process's environment: OMP_WAIT_POLICY=PASSIVE unless the user set
// it, and the OpenBLAS override (with kOverrideMarker) where openblasCoreOverride() asks for one and no
// earlier self-check failed. `openblasCore`: OpenBLAS's own choice ("" = not OpenBLAS). Returns whether
// anything was set.
bool setTunedEnvironment(const std::string& openblasCore);

} // namespace fc
