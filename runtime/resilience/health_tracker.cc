#include "runtime/resilience/health_tracker.h"

namespace gw::resilience {

struct HealthTracker::State {
  std::atomic<bool> active_healthy{true};
  std::atomic<std::int32_t> streak{0};  // >0 consecutive passes, <0 consecutive failures
  std::atomic<std::uint32_t> consecutive_5xx{0};
  std::atomic<std::uint32_t> consecutive_connect{0};
  std::atomic<bool> ejected{false};
  std::atomic<std::int64_t> ejected_until_ns{0};
  std::atomic<std::uint8_t> last_reason{0};
};

const char* healthReasonName(HealthReason reason) {
  switch (reason) {
    case HealthReason::kNone:
      return "none";
    case HealthReason::kActiveCheckFailed:
      return "active_check_failed";
    case HealthReason::kActiveCheckPassed:
      return "active_check_passed";
    case HealthReason::kConsecutive5xx:
      return "consecutive_5xx";
    case HealthReason::kConsecutiveConnectFailures:
      return "consecutive_connect_failures";
    case HealthReason::kEjectionExpired:
      return "ejection_expired";
  }
  return "unknown";
}

HealthTracker::HealthTracker(std::size_t servers, const ActiveHealthConfig& active,
                             const PassiveHealthConfig& passive, const MonotonicClock& clock,
                             TransitionCallback on_transition)
    : size_(servers),
      active_(active),
      passive_(passive),
      clock_(clock),
      on_transition_(std::move(on_transition)),
      states_(std::make_unique<State[]>(servers)) {}

HealthTracker::~HealthTracker() = default;

void HealthTracker::emit(std::size_t server, HealthReason reason) const {
  if (!on_transition_) {
    return;
  }
  const State& s = states_[server];
  on_transition_(HealthTransition{server, available(server), s.active_healthy.load(),
                                  s.ejected.load(), reason});
}

void HealthTracker::reportActive(std::size_t server, bool passed) {
  if (server >= size_) {
    return;
  }
  State& s = states_[server];
  std::int32_t streak = s.streak.load();
  std::int32_t next;
  do {
    next = passed ? (streak > 0 ? streak + 1 : 1) : (streak < 0 ? streak - 1 : -1);
  } while (!s.streak.compare_exchange_weak(streak, next));
  if (passed && next >= static_cast<std::int32_t>(active_.healthy_threshold)) {
    bool expected = false;
    if (s.active_healthy.compare_exchange_strong(expected, true)) {
      emit(server, HealthReason::kActiveCheckPassed);
    }
  } else if (!passed && -next >= static_cast<std::int32_t>(active_.unhealthy_threshold)) {
    bool expected = true;
    if (s.active_healthy.compare_exchange_strong(expected, false)) {
      s.last_reason.store(static_cast<std::uint8_t>(HealthReason::kActiveCheckFailed));
      emit(server, HealthReason::kActiveCheckFailed);
    }
  }
}

void HealthTracker::eject(std::size_t server, HealthReason reason) {
  State& s = states_[server];
  bool expected = false;
  if (!s.ejected.compare_exchange_strong(expected, true)) {
    return;  // another thread ejected it first
  }
  s.ejected_until_ns.store(
      clock_.nowNs() +
      std::chrono::duration_cast<std::chrono::nanoseconds>(passive_.ejection_time).count());
  s.consecutive_5xx.store(0, std::memory_order_relaxed);
  s.consecutive_connect.store(0, std::memory_order_relaxed);
  s.last_reason.store(static_cast<std::uint8_t>(reason));
  emit(server, reason);
}

void HealthTracker::reportResponse(std::size_t server, std::uint16_t status) {
  if (server >= size_ || !passive_.enabled) {
    return;
  }
  State& s = states_[server];
  // A response means the connect worked.
  if (s.consecutive_connect.load(std::memory_order_relaxed) != 0) {
    s.consecutive_connect.store(0, std::memory_order_relaxed);
  }
  if (status < 500) {
    if (s.consecutive_5xx.load(std::memory_order_relaxed) != 0) {
      s.consecutive_5xx.store(0, std::memory_order_relaxed);
    }
    return;
  }
  const std::uint32_t n = s.consecutive_5xx.fetch_add(1, std::memory_order_relaxed) + 1;
  if (n >= passive_.consecutive_5xx && !s.ejected.load()) {
    eject(server, HealthReason::kConsecutive5xx);
  }
}

void HealthTracker::reportConnectFailure(std::size_t server) {
  if (server >= size_ || !passive_.enabled) {
    return;
  }
  State& s = states_[server];
  const std::uint32_t n = s.consecutive_connect.fetch_add(1, std::memory_order_relaxed) + 1;
  if (n >= passive_.consecutive_connect_failures && !s.ejected.load()) {
    eject(server, HealthReason::kConsecutiveConnectFailures);
  }
}

void HealthTracker::tick() {
  const std::int64_t now = clock_.nowNs();
  for (std::size_t i = 0; i < size_; ++i) {
    State& s = states_[i];
    if (!s.ejected.load() || now < s.ejected_until_ns.load()) {
      continue;
    }
    bool expected = true;
    if (s.ejected.compare_exchange_strong(expected, false)) {
      emit(i, HealthReason::kEjectionExpired);
    }
  }
}

bool HealthTracker::available(std::size_t server) const {
  if (server >= size_) {
    return false;
  }
  const State& s = states_[server];
  if (!s.active_healthy.load(std::memory_order_relaxed)) {
    return false;
  }
  return !s.ejected.load(std::memory_order_relaxed) || clock_.nowNs() >= s.ejected_until_ns.load();
}

std::size_t HealthTracker::availableCount() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < size_; ++i) {
    n += available(i) ? 1 : 0;
  }
  return n;
}

ServerHealth HealthTracker::snapshot(std::size_t server) const {
  const State& s = states_[server];
  return ServerHealth{available(server),
                      s.active_healthy.load(),
                      s.ejected.load(),
                      static_cast<HealthReason>(s.last_reason.load()),
                      s.consecutive_5xx.load(std::memory_order_relaxed),
                      s.consecutive_connect.load(std::memory_order_relaxed)};
}

}  // namespace gw::resilience
