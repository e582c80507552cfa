#include "torch/op_profile.h"

#include <torch/csrc/autograd/profiler_legacy.h>

#include <algorithm>
#include <map>
#include <string>

namespace fc {

std::vector<OperatorTime> profileOperators(const std::function<void()>& work, int runs) {
    namespace profiler = torch::autograd::profiler;
    profiler::enableProfilerLegacy(torch::profiler::impl::ProfilerConfig(profiler::ProfilerState::CPU));
    try {
        work();
    } catch (...) {
        profiler::disableProfilerLegacy();
        throw;
    }
    const auto threads = profiler::disableProfilerLegacy();

    struct Open {
        const profiler::LegacyEvent* push;
        double childrenUs;
    };
    std::map<std::string, OperatorTime> byName;
    for (const auto& events : threads) {
        // Ranges nest on one thread: a pop closes the latest push. Self time = own time - children's.
        std::vector<Open> stack;
        for (const auto& event : events) {
            if (event.kind() == profiler::EventKind::PushRange) {
                stack.push_back({&event, 0.0});
            } else if (event.kind() == profiler::EventKind::PopRange && !stack.empty()) {
                const auto open = stack.back();
                stack.pop_back();
                const double totalUs = open.push->cpuElapsedUs(event);
                auto& op = byName[open.push->name()];
                op.name = open.push->name();
                op.calls += 1;
                op.totalMs += totalUs / 1000.0;
                op.selfMs += (totalUs - open.childrenUs) / 1000.0;
                if (!stack.empty())
                    stack.back().childrenUs += totalUs;
            }
        }
    }
    std::vector<OperatorTime> out;
    const double perRun = 1.0 / std::max(1, runs);
    for (auto& [name, op] : byName) {
        op.selfMs *= perRun;
        op.totalMs *= perRun;
        op.calls = std::max(1, static_cast<int>(op.calls * perRun + 0.5)); // an op of every other run: 1
        out.push_back(op);
    }
    std::sort(out.begin(), out.end(),
              [](const OperatorTime& a, const OperatorTime& b) { return a.selfMs > b.selfMs; });
    return out;
}

} // namespace fc
