#pragma once

#include <atomic>
#include <chrono>

namespace gw::resilience {

/// Monotonic time source, injectable so breakers, budgets and ejections are tested without
/// sleeping. Implementations are thread-safe.
class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Duration = std::chrono::steady_clock::duration;

  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

/// The real clock (std::chrono::steady_clock). Stateless; one process-wide instance.
class SteadyClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  static const SteadyClock& instance() {
    static const SteadyClock clock;
    return clock;
  }
};

/// A clock that only moves when told to; for tests and simulations. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{} + std::chrono::hours(1))
      : ticks_(start.time_since_epoch().count()) {}

  TimePoint now() const override { return TimePoint(Duration(ticks_.load())); }
  void advance(Duration d) { ticks_.fetch_add(d.count()); }

 private:
  std::atomic<Duration::rep> ticks_;
};

}  // namespace gw::resilience
