#include "runtime/resilience/circuit_breaker.h"

#include <algorithm>

namespace gw::resilience {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

// While half-open with every probe slot taken, tell clients to come back soon rather than
// after a full cool-down: the probe verdict is expected within one request's time.
constexpr milliseconds kHalfOpenRetryAfter{1000};

}  // namespace

const char* breakerStateName(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half_open";
  }
  return "unknown";
}

CircuitBreaker::CircuitBreaker(const BreakerConfig& config, const MonotonicClock& clock,
                               TransitionCallback on_transition)
    : config_(config), clock_(clock), on_transition_(std::move(on_transition)) {}

void CircuitBreaker::transitionLocked(BreakerState to, const char* reason, std::int64_t now_ns) {
  const BreakerState from = state();
  if (to == BreakerState::kOpen) {
    open_until_ns_.store(now_ns + nanoseconds(config_.cool_down).count());
    opened_total_.fetch_add(1, std::memory_order_relaxed);
  }
  if (to == BreakerState::kHalfOpen) {
    ++generation_;  // probes of an older half-open epoch no longer count
    probes_in_flight_ = 0;
    probe_successes_ = 0;
  }
  const std::uint32_t failures = consecutive_failures_.load(std::memory_order_relaxed);
  if (to == BreakerState::kClosed) {
    consecutive_failures_.store(0, std::memory_order_relaxed);
  }
  state_.store(static_cast<std::uint8_t>(to));
  if (on_transition_) {
    on_transition_(BreakerTransition{from, to, reason, failures});
  }
}

Admission CircuitBreaker::admitProbeLocked(std::int64_t now_ns) {
  if (probes_in_flight_ < std::max<std::uint32_t>(1, config_.half_open_max_probes)) {
    ++probes_in_flight_;
    return Admission{Admission::Kind::kProbe, milliseconds(0), generation_};
  }
  rejected_total_.fetch_add(1, std::memory_order_relaxed);
  return Admission{Admission::Kind::kRejected, kHalfOpenRetryAfter, generation_};
}

Admission CircuitBreaker::tryAcquire() {
  const BreakerState s = state();
  if (s == BreakerState::kClosed) {
    return Admission{Admission::Kind::kAllowed, milliseconds(0), 0};
  }
  const std::int64_t now_ns = clock_.nowNs();
  if (s == BreakerState::kOpen) {
    const std::int64_t until = open_until_ns_.load();
    if (now_ns < until) {
      rejected_total_.fetch_add(1, std::memory_order_relaxed);
      // Round up so Retry-After never says "now" while still open.
      const auto left = std::chrono::ceil<milliseconds>(nanoseconds(until - now_ns));
      return Admission{Admission::Kind::kRejected, left, 0};
    }
  }
  Lock lock(mutex_);
  switch (state()) {
    case BreakerState::kClosed:
      return Admission{Admission::Kind::kAllowed, milliseconds(0), 0};
    case BreakerState::kOpen:
      if (now_ns < open_until_ns_.load()) {
        rejected_total_.fetch_add(1, std::memory_order_relaxed);
        return Admission{Admission::Kind::kRejected, kHalfOpenRetryAfter, 0};
      }
      transitionLocked(BreakerState::kHalfOpen, "cool-down elapsed", now_ns);
      return admitProbeLocked(now_ns);
    case BreakerState::kHalfOpen:
      return admitProbeLocked(now_ns);
  }
  return Admission{};
}

void CircuitBreaker::onSuccess(const Admission& admission) {
  if (admission.kind == Admission::Kind::kProbe) {
    Lock lock(mutex_);
    if (state() != BreakerState::kHalfOpen || admission.generation != generation_) {
      return;
    }
    --probes_in_flight_;
    if (++probe_successes_ >= config_.close_after) {
      transitionLocked(BreakerState::kClosed, "probes succeeded", clock_.nowNs());
    }
    return;
  }
  // Read before writing: a healthy server's success path must not bounce the cache line.
  if (consecutive_failures_.load(std::memory_order_relaxed) != 0) {
    consecutive_failures_.store(0, std::memory_order_relaxed);
  }
}

void CircuitBreaker::onFailure(const Admission& admission) {
  if (admission.kind == Admission::Kind::kProbe) {
    Lock lock(mutex_);
    if (state() != BreakerState::kHalfOpen || admission.generation != generation_) {
      return;
    }
    --probes_in_flight_;
    consecutive_failures_.fetch_add(1, std::memory_order_relaxed);
    transitionLocked(BreakerState::kOpen, "probe failed", clock_.nowNs());
    return;
  }
  if (admission.kind != Admission::Kind::kAllowed) {
    return;
  }
  const std::uint32_t failures = consecutive_failures_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (failures < config_.failure_threshold || state() != BreakerState::kClosed) {
    return;
  }
  Lock lock(mutex_);
  if (state() == BreakerState::kClosed &&
      consecutive_failures_.load(std::memory_order_relaxed) >= config_.failure_threshold) {
    transitionLocked(BreakerState::kOpen, "consecutive failures", clock_.nowNs());
  }
}

void CircuitBreaker::release(const Admission& admission) {
  if (admission.kind != Admission::Kind::kProbe) {
    return;
  }
  Lock lock(mutex_);
  if (state() == BreakerState::kHalfOpen && admission.generation == generation_ &&
      probes_in_flight_ > 0) {
    --probes_in_flight_;
  }
}

BreakerSnapshot CircuitBreaker::snapshot() const {
  return BreakerSnapshot{state(), consecutive_failures_.load(std::memory_order_relaxed),
                         opened_total_.load(std::memory_order_relaxed),
                         rejected_total_.load(std::memory_order_relaxed)};
}

}  // namespace gw::resilience
