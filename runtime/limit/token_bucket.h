#pragma once

#include <cstdint>

#include "runtime/limit/counter_params.h"

namespace gw::limit {

/// Token bucket as GCRA: the state is one timestamp (the theoretical arrival time, TAT); a
/// request is admitted when max(TAT, now) + interval - now <= capacity * interval. Exact, O(1),
/// no floating point. Not thread-safe: the caller holds the key's lock.
[[nodiscard]] RawDecision tokenBucketDecide(const CounterParams& p, CounterState& s,
                                            std::int64_t nowNs) noexcept;

/// True when the bucket is full again, so forgetting the key loses nothing.
[[nodiscard]] bool tokenBucketIdle(const CounterParams& p, const CounterState& s,
                                   std::int64_t nowNs) noexcept;

}  // namespace gw::limit
