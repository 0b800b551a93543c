#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "runtime/base/monotonic_clock.h"

namespace gw::resilience {

/// Active check thresholds (`health get PATH every D timeout D` in the policy).
struct ActiveHealthConfig {
  std::uint32_t healthy_threshold = 2;    ///< consecutive passes to become healthy again
  std::uint32_t unhealthy_threshold = 3;  ///< consecutive failures to become unhealthy
};

/// Passive detection from real traffic (outlier ejection).
struct PassiveHealthConfig {
  bool enabled = true;
  std::uint32_t consecutive_5xx = 5;
  std::uint32_t consecutive_connect_failures = 3;
  std::chrono::milliseconds ejection_time{30000};  ///< how long an ejected server sits out
};

/// Why a server's health changed; also why it is unavailable (metric label, log word).
enum class HealthReason : std::uint8_t {
  kNone,
  kActiveCheckFailed,
  kActiveCheckPassed,
  kConsecutive5xx,
  kConsecutiveConnectFailures,
  kEjectionExpired,
};

const char* healthReasonName(HealthReason reason);

/// One change of a server's health, handed to the transition callback.
struct HealthTransition {
  std::size_t server;
  bool available;       ///< combined flag after the change
  bool active_healthy;  ///< active-check verdict after the change
  bool ejected;         ///< passive ejection after the change
  HealthReason reason;
};

/// Per-server view for metrics and the status endpoint.
struct ServerHealth {
  bool available;
  bool active_healthy;
  bool ejected;
  HealthReason last_reason;  ///< the most recent reason it went down (or kNone)
  std::uint32_t consecutive_5xx;
  std::uint32_t consecutive_connect_failures;
};

/// Combines active check results and passive detection into one `available` flag per server
/// of one upstream. One instance per upstream per process, shared by all worker threads (fed
/// by the single ActiveHealthChecker and by every worker's responses); all state is atomics.
/// Servers start healthy so a fresh gateway does not answer 503 before the first check.
///
/// Ejections end after ejection_time: available() honours the deadline by itself; tick()
/// (called by the active checker each round, or by the server's housekeeping timer) emits the
/// matching transition. The callback runs on the reporting thread; it must be thread-safe and
/// must not call back into the tracker.
class HealthTracker {
 public:
  using TransitionCallback = std::function<void(const HealthTransition&)>;

  HealthTracker(std::size_t servers, const ActiveHealthConfig& active,
                const PassiveHealthConfig& passive, const MonotonicClock& clock,
                TransitionCallback on_transition);
  ~HealthTracker();
  HealthTracker(const HealthTracker&) = delete;
  HealthTracker& operator=(const HealthTracker&) = delete;

  /// Result of one active check of `server`. Thread-safe.
  void reportActive(std::size_t server, bool passed);
  /// Status of a real response from `server` (passive detection). Thread-safe, lock-free.
  void reportResponse(std::size_t server, std::uint16_t status);
  /// A real request could not connect to `server`. Thread-safe, lock-free.
  void reportConnectFailure(std::size_t server);
  /// Ends expired ejections and reports them.
  void tick();

  /// May `server` receive traffic now? Cheap: two relaxed loads and a clock read if ejected.
  bool available(std::size_t server) const;
  std::size_t availableCount() const;
  std::size_t size() const { return size_; }
  ServerHealth snapshot(std::size_t server) const;

 private:
  struct State;

  void eject(std::size_t server, HealthReason reason);
  void emit(std::size_t server, HealthReason reason) const;

  const std::size_t size_;
  const ActiveHealthConfig active_;
  const PassiveHealthConfig passive_;
  const MonotonicClock& clock_;
  TransitionCallback on_transition_;
  std::unique_ptr<State[]> states_;
};

}  // namespace gw::resilience
