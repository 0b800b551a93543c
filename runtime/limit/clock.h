#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace gw::limit {

/// A monotonic time source in nanoseconds. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual std::int64_t nowNs() const noexcept = 0;
};

/// std::chrono::steady_clock. Stateless; use the shared instance.
class SteadyClock final : public Clock {
 public:
  [[nodiscard]] std::int64_t nowNs() const noexcept override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  /// Process-wide instance; lives for the whole program.
  static const SteadyClock& instance() noexcept {
    static const SteadyClock clock;
    return clock;
  }
};

/// A clock that moves only when told; for deterministic tests. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t startNs = 1'000'000'000) : now_(startNs) {}
  [[nodiscard]] std::int64_t nowNs() const noexcept override {
    return now_.load(std::memory_order_relaxed);
  }
  void advance(std::chrono::nanoseconds d) noexcept {
    now_.fetch_add(d.count(), std::memory_order_relaxed);
  }
  void set(std::int64_t ns) noexcept { now_.store(ns, std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace gw::limit
