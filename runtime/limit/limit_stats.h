#pragma once

#include <atomic>
#include <cstdint>

#include "runtime/limit/decision.h"

namespace gw::limit {

/// Outcome counters of one limit, for /metrics. Lives with the limit's LocalLimiter, so it is
/// carried over a reload exactly like the counters. Relaxed atomics: any thread.
struct LimitStats {
  std::atomic<std::uint64_t> allowed{0};          ///< admitted by the store's count
  std::atomic<std::uint64_t> limited{0};          ///< refused by the store's count (429)
  std::atomic<std::uint64_t> warned{0};           ///< admitted past the `warn` threshold
  std::atomic<std::uint64_t> fallbackAllowed{0};  ///< store unreachable, on_store_error allow
  std::atomic<std::uint64_t> fallbackDenied{0};   ///< store unreachable, on_store_error deny

  void record(const Decision& d) noexcept {
    std::atomic<std::uint64_t>& c =
        d.source == DecisionSource::fallback ? (d.allowed ? fallbackAllowed : fallbackDenied)
                                             : (d.allowed ? allowed : limited);
    c.fetch_add(1, std::memory_order_relaxed);
    if (d.warn) {
      warned.fetch_add(1, std::memory_order_relaxed);
    }
  }
};

}  // namespace gw::limit
