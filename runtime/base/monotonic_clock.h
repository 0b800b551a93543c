#pragma once
// The one monotonic time source of the runtime's stateful components (circuit breakers, health
// tracking, retry budgets, rate limiters). It is injectable so their timing is tested by moving
// a ManualClock instead of sleeping.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace gw {

/// Monotonic time. Implementations are thread-safe.
class MonotonicClock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Duration = std::chrono::steady_clock::duration;

  virtual ~MonotonicClock() = default;
  [[nodiscard]] virtual TimePoint now() const noexcept = 0;
  /// now() in nanoseconds since the clock's epoch: what lock-free state stores in atomics.
  [[nodiscard]] std::int64_t nowNs() const noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(now().time_since_epoch()).count();
  }
};

/// std::chrono::steady_clock. Stateless; use the process-wide instance.
class SteadyClock final : public MonotonicClock {
 public:
  [[nodiscard]] TimePoint now() const noexcept override { return std::chrono::steady_clock::now(); }
  static const SteadyClock& instance() noexcept {
    static const SteadyClock clock;
    return clock;
  }
};

/// A clock that moves only when told; for deterministic tests and simulations. Thread-safe.
class ManualClock final : public MonotonicClock {
 public:
  /// Starts `start` after the epoch (an hour by default, so "now minus a cool-down" stays
  /// positive).
  explicit ManualClock(std::chrono::nanoseconds start = std::chrono::hours(1))
      : ticks_(std::chrono::duration_cast<Duration>(start).count()) {}

  [[nodiscard]] TimePoint now() const noexcept override {
    return TimePoint(Duration(ticks_.load(std::memory_order_relaxed)));
  }
  void advance(Duration d) noexcept { ticks_.fetch_add(d.count(), std::memory_order_relaxed); }

 private:
  std::atomic<Duration::rep> ticks_;
};

}  // namespace gw
