#pragma once

#include "fc/model/benchmark.h"

#include <functional>
#include <vector>

namespace fc {

// Runs `work` under LibTorch's profiler (CPU events of every thread) and returns the ATen operators sorted by
// self time (an operator's time less that of the operators it called), divided by `runs` so the figures are
// per call of `work`'s unit. This is what `bench --profile` prints (issue #14: where the time goes in the
// C++ engine, next to bench/profile_ops.py for the authors' network in Python).
std::vector<OperatorTime> profileOperators(const std::function<void()>& work, int runs);

} // namespace fc
