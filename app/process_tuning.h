#pragma once
// Start-up tuning of the process that the app arranges itself instead of relying on the user's environment
// (issue #14). Call tuneProcess(argv) as the very first statement of main(), before Qt or LibTorch
// allocate anything.
//
// 1. glibc malloc: large blocks stay in the heap instead of being mmapped and returned to the kernel after
//    every call (each inference would otherwise fault in and zero its 25-50 MB activations again); the heap
//    is trimmed only above kTrimThresholdBytes of free memory at its top. Skipped when GLIBC_TUNABLES
//    already sets a malloc tunable (the user's choice wins).
// 2. OpenMP waits: OMP_WAIT_POLICY=PASSIVE unless the user set it, so two fusioncoder processes on the same
//    cores (the GUI beside a fine-tune or an eval) do not burn each other's time spinning. libgomp reads the
//    variable when it is loaded, before main(), so the process re-executes itself once with it set. The
//    launchers installed in bin/ (app/launcher) set it, and the override below, before they execute the
//    engine executable: then no re-execution is needed and start-up does not load LibTorch twice.
// 3. BLAS kernels: OpenBLAS 0.3.21 does not recognise some recent AVX-512 CPUs (Prescott kernels on Emerald
//    Rapids, AVX2 on Zen 5). When OPENBLAS_CORETYPE is unset, cpuid and the OS report AVX-512 F/BW/DQ/VL,
//    and OpenBLAS chose a core without AVX-512, the same re-execution sets OPENBLAS_CORETYPE=SKYLAKEX. The
//    re-executed process checks sgemm against a naive reference first; if the check fails it executes
//    itself again without the override (and says so on stderr).
// Nothing is changed when execv fails: the process simply goes on with what it has.
// Opt-out for diagnosis: FC_NO_PROCESS_TUNING=1 (no allocator change, no re-execution).
#include "process_policy.h"

#include <cstddef>
#include <string>

namespace fc {

constexpr std::size_t kTrimThresholdBytes = std::size_t(512) << 20;

void tuneProcess(char** argv);

// What tuneProcess() did, for `bench` and `--version` style reports.
struct ProcessTuningReport {
    bool allocatorTuned = false;
    std::string waitPolicy;     // OMP_WAIT_POLICY in effect ("" = libgomp's default)
    std::string openblasCore;   // OpenBLAS's chosen core (openblas_get_corename), "" when not OpenBLAS
    std::string coreOverride;   // "SKYLAKEX" when this process set OPENBLAS_CORETYPE, else ""
    std::string selfCheckError; // non-empty when the sgemm self-check of an override failed
    // Who set the tuned environment: "launcher" (app/launcher), "re-execution" (this process executed itself
    // with it), "" (nobody: started directly with the variables already set, or opted out).
    std::string tunedBy;
};
const ProcessTuningReport& processTuningReport();

// --- parts, public for tests ---

// Fortran sgemm_ signature (column-major), as every BLAS exports it.
using SgemmFunction = void (*)(const char* transa, const char* transb, const int* m, const int* n,
                               const int* k, const float* alpha, const float* a, const int* lda,
                               const float* b, const int* ldb, const float* beta, float* c, const int* ldc);
// Checks `sgemm` on a few shapes (odd sizes that reach the kernels' edge cases, transposed operands, a
// non-zero beta) against a naive double-precision product. Returns "" when every element agrees within a
// relative 1e-4, otherwise what went wrong. ~10 ms.
std::string checkSgemm(SgemmFunction sgemm);
// The process's sgemm_ (the BLAS LibTorch is linked with), nullptr if none is mapped.
SgemmFunction processSgemm();
// The process's OpenBLAS core name, "" if the BLAS is not OpenBLAS.
std::string processOpenblasCore();

} // namespace fc
