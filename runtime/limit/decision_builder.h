#pragma once

#include <cstdint>

#include "runtime/limit/counter_params.h"
#include "runtime/limit/decision.h"

namespace gw::limit {

/// Runs the limit's algorithm on one key's state. Not thread-safe: caller holds the key's lock.
[[nodiscard]] RawDecision decideCounter(const CounterParams& p, CounterState& s,
                                        std::int64_t nowNs) noexcept;

/// True when forgetting the state loses nothing (bucket full / both windows expired).
[[nodiscard]] bool counterIdle(const CounterParams& p, const CounterState& s,
                               std::int64_t nowNs) noexcept;

/// Fills the client-facing fields (limit, usage, warn, policy) of a store's raw answer.
[[nodiscard]] Decision makeDecision(const CounterParams& p, const RawDecision& raw,
                                    std::uint8_t warnPercent, DecisionSource source) noexcept;

/// The decision taken when the store cannot answer: `allow` admits with the full quota
/// reported as remaining; `deny` rejects with Retry-After 1s so clients come back soon after
/// the store recovers.
[[nodiscard]] Decision fallbackDecision(const CounterParams& p, OnStoreError onError) noexcept;

}  // namespace gw::limit
