#pragma once
// How a network reads its size options (internal to fc::model): a ModelConfig network option left at 0 means
// "the architecture's default" (the paper's value), so one model.json key serves every preset.
#include <cstdint>

namespace fc::net {

inline std::int64_t orDefault(std::int64_t value, std::int64_t fallback) {
    return value > 0 ? value : fallback;
}

} // namespace fc::net
