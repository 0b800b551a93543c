#include "runtime/resilience/retry_budget.h"

#include <algorithm>

namespace gw::resilience {
namespace {

constexpr std::uint64_t pack(std::uint32_t second, std::uint32_t count) {
  return (static_cast<std::uint64_t>(second) << 32) | count;
}
constexpr std::uint32_t secondOf(std::uint64_t word) {
  return static_cast<std::uint32_t>(word >> 32);
}
constexpr std::uint32_t countOf(std::uint64_t word) { return static_cast<std::uint32_t>(word); }

}  // namespace

RetryBudget::RetryBudget(const RetryBudgetConfig& config, const MonotonicClock& clock)
    : ratio_(std::max(0.0, config.ratio)),
      min_per_second_(config.min_retries_per_second),
      window_(static_cast<std::uint32_t>(
          std::clamp<std::int64_t>(config.window.count(), 1, kMaxWindowSeconds))),
      clock_(clock) {}

std::uint32_t RetryBudget::nowSecond() const {
  // +1 so that second 0 is never a valid stamp and zero-initialised buckets read as stale.
  return static_cast<std::uint32_t>(
             std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch())
                 .count()) +
         1;
}

void RetryBudget::add(Buckets& buckets, std::uint32_t second) {
  std::atomic<std::uint64_t>& bucket = buckets[second % window_];
  std::uint64_t old = bucket.load(std::memory_order_relaxed);
  for (;;) {
    const std::uint64_t desired =
        secondOf(old) == second ? old + 1 : pack(second, 1);  // a stale bucket starts over
    if (bucket.compare_exchange_weak(old, desired, std::memory_order_relaxed)) {
      return;
    }
  }
}

std::uint64_t RetryBudget::sum(const Buckets& buckets, std::uint32_t second) const {
  std::uint64_t total = 0;
  for (std::uint32_t i = 0; i < window_; ++i) {
    const std::uint64_t word = buckets[i].load(std::memory_order_relaxed);
    const std::uint32_t stamp = secondOf(word);
    if (stamp != 0 && stamp <= second && second - stamp < window_) {
      total += countOf(word);
    }
  }
  return total;
}

void RetryBudget::recordRequest() { add(requests_, nowSecond()); }

bool RetryBudget::tryAcquireRetry() {
  const std::uint32_t second = nowSecond();
  const double allowed = ratio_ * static_cast<double>(sum(requests_, second)) +
                         static_cast<double>(min_per_second_) * window_;
  if (static_cast<double>(sum(retries_, second)) + 1.0 > allowed) {
    denied_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  add(retries_, second);
  return true;
}

RetryBudgetSnapshot RetryBudget::snapshot() const {
  const std::uint32_t second = nowSecond();
  return RetryBudgetSnapshot{sum(requests_, second), sum(retries_, second),
                             denied_.load(std::memory_order_relaxed)};
}

}  // namespace gw::resilience
