#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/base/monotonic_clock.h"
#include "runtime/limit/counter_params.h"
#include "runtime/limit/decision.h"
#include "runtime/limit/key_table.h"
#include "runtime/limit/limit_spec.h"
#include "runtime/limit/limit_stats.h"

namespace gw::limit {

/// The in-process store of one limit: exact counting per gateway instance, shared by every
/// worker thread (see KeyTable for why a lock-striped table rather than per-core shards).
/// Thread-safe; owned through std::shared_ptr by the policy generations that use it (see
/// LimiterRegistry). A decision takes one uncontended spin lock and allocates only when a new
/// key longer than 15 bytes takes a slot whose buffer is too small.
class LocalLimiter {
 public:
  /// Keys longer than this are replaced by a 128-bit digest so memory per key stays bounded.
  static constexpr std::size_t kMaxKeyBytes = 128;

  explicit LocalLimiter(const LimitSpec& spec, std::uint32_t stripes = 64);

  /// Decides one request for `key` at `nowNs` (monotonic). `warnPercent` comes from the
  /// caller's current spec so a reload that only changes `warn` keeps the counters.
  [[nodiscard]] Decision decide(std::string_view key, std::int64_t nowNs,
                                std::uint8_t warnPercent = 0) noexcept;
  [[nodiscard]] Decision decide(std::string_view key, const MonotonicClock& clock,
                                std::uint8_t warnPercent = 0) noexcept {
    return decide(key, clock.nowNs(), warnPercent);
  }

  [[nodiscard]] const CounterParams& params() const noexcept { return params_; }
  [[nodiscard]] const std::string& identity() const noexcept { return identity_; }
  [[nodiscard]] const KeyTable& table() const noexcept { return table_; }
  /// Outcome counters of the limit (whatever its store), carried over reloads with it.
  [[nodiscard]] LimitStats& stats() const noexcept { return stats_; }

 private:
  CounterParams params_;
  std::string identity_;
  KeyTable table_;
  mutable LimitStats stats_;
};

}  // namespace gw::limit
