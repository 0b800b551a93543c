#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "runtime/base/monotonic_clock.h"

namespace gw::resilience {

/// Retry budget settings (as Finagle's RetryBudget / Envoy's retry_budget): over the last
/// `window`, retries may add at most `ratio` x requests, plus a floor of min_retries_per_second
/// so a quiet upstream can still retry.
struct RetryBudgetConfig {
  double ratio = 0.2;  ///< 20% extra load at most
  std::uint32_t min_retries_per_second = 10;
  std::chrono::seconds window{10};  ///< 1..kMaxWindowSeconds
};

/// Counters for metrics.
struct RetryBudgetSnapshot {
  std::uint64_t requests_in_window;
  std::uint64_t retries_in_window;
  std::uint64_t denied_total;
};

/// Sliding-window retry budget for ONE upstream, shared by all worker threads so retries from
/// every thread count against the same allowance. One-second buckets, each an atomic word
/// holding (second, count): lock-free, no allocation. Check-then-record is not one atomic step,
/// so concurrent threads can overshoot the budget by at most one retry each.
class RetryBudget {
 public:
  static constexpr std::uint32_t kMaxWindowSeconds = 60;

  /// The clock must outlive the budget.
  RetryBudget(const RetryBudgetConfig& config, const MonotonicClock& clock);

  /// Counts an original request (not a retry). Thread-safe.
  void recordRequest();
  /// Returns true and counts a retry if the budget allows one now. Thread-safe.
  bool tryAcquireRetry();

  RetryBudgetSnapshot snapshot() const;

 private:
  using Buckets = std::array<std::atomic<std::uint64_t>, kMaxWindowSeconds>;

  std::uint32_t nowSecond() const;
  void add(Buckets& buckets, std::uint32_t second);
  std::uint64_t sum(const Buckets& buckets, std::uint32_t second) const;

  const double ratio_;
  const std::uint32_t min_per_second_;
  const std::uint32_t window_;
  const MonotonicClock& clock_;
  Buckets requests_{};
  Buckets retries_{};
  std::atomic<std::uint64_t> denied_{0};
};

}  // namespace gw::resilience
