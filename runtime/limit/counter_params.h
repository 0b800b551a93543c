#pragma once

#include <cstdint>

#include "runtime/limit/limit_spec.h"

namespace gw::limit {

/// The per-key state of either algorithm; 16 bytes so a table entry fits one cache line.
/// Token bucket: `t` is the GCRA theoretical arrival time (ns). Sliding window: `t` is the index
/// of the current window, `prev`/`curr` the counts of the previous and current window.
struct CounterState {
  std::int64_t t = 0;
  std::uint32_t prev = 0;
  std::uint32_t curr = 0;
};

/// A limit's parameters precomputed for the decision functions. Immutable value.
struct CounterParams {
  Algorithm algorithm = Algorithm::tokenBucket;
  std::uint32_t count = 1;     ///< requests per window (sliding window) / refill count (bucket)
  std::uint32_t quota = 1;     ///< bucket capacity or window count
  std::int64_t periodNs = 1;   ///< window length / refill period
  std::int64_t intervalNs = 1; ///< bucket: one token every periodNs / count
  std::int64_t tauNs = 1;      ///< bucket: quota * intervalNs, the time a full bucket represents
  std::uint32_t policyWindowSeconds = 1;

  /// Precomputes from a validated spec.
  static CounterParams from(const LimitSpec& spec) noexcept;
};

/// The result of the pure decision functions, before header details are filled in.
struct RawDecision {
  bool allowed = false;
  std::uint32_t remaining = 0;
  std::int64_t resetNs = 0;
  std::int64_t retryAfterNs = 0;
};

}  // namespace gw::limit
