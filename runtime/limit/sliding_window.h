#pragma once

#include <cstdint>

#include "runtime/limit/counter_params.h"

namespace gw::limit {

/// Sliding-window counter: counts per fixed window plus the previous window weighted by the
/// share of it still inside the sliding window:
///   estimate = prev * (W - elapsed) / W + curr; admit when estimate + 1 <= N.
/// Integer (128-bit) arithmetic, so the comparison is exact. Worst-case error is documented in
/// docs/rate-limiting.md. Not thread-safe: the caller holds the key's lock.
[[nodiscard]] RawDecision slidingWindowDecide(const CounterParams& p, CounterState& s,
                                              std::int64_t nowNs) noexcept;

/// True when neither window still holds a count, so forgetting the key loses nothing.
[[nodiscard]] bool slidingWindowIdle(const CounterParams& p, const CounterState& s,
                                     std::int64_t nowNs) noexcept;

}  // namespace gw::limit
