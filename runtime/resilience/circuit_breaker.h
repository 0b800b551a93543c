#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>

#include "runtime/base/monotonic_clock.h"

namespace gw::resilience {

/// closed: traffic flows, consecutive failures are counted. open: fail fast (503 + Retry-After)
/// without connecting. half_open: a bounded number of probe requests test the server.
enum class BreakerState : std::uint8_t { kClosed, kOpen, kHalfOpen };

/// "closed", "open", "half_open": the names metrics, status and logs use.
const char* breakerStateName(BreakerState state);

/// Per-upstream-server breaker settings; defaults follow the gateway's documented defaults.
struct BreakerConfig {
  std::uint32_t failure_threshold = 5;         ///< consecutive failures that open the breaker
  std::chrono::milliseconds cool_down{30000};  ///< open -> half_open after this long
  std::uint32_t half_open_max_probes = 1;      ///< concurrent probes allowed while half_open
  std::uint32_t close_after = 3;               ///< probe successes that close it again
};

/// One state change, handed to the transition callback (for the log line and the metrics).
struct BreakerTransition {
  BreakerState from;
  BreakerState to;
  const char* reason;                  ///< static string, e.g. "consecutive failures"
  std::uint32_t consecutive_failures;  ///< at the time of the transition
};

/// The answer to "may this request go to the server?". Keep it until the request ends and
/// hand it back to onSuccess/onFailure/release: probes are tracked through it.
struct Admission {
  enum class Kind : std::uint8_t { kAllowed, kProbe, kRejected };
  Kind kind = Kind::kRejected;
  std::chrono::milliseconds retry_after{0};  ///< for kRejected: time until a probe may pass
  std::uint64_t generation = 0;              ///< half-open epoch a probe belongs to

  bool allowed() const { return kind != Kind::kRejected; }
};

/// Counters and state for metrics and the status endpoint.
struct BreakerSnapshot {
  BreakerState state;
  std::uint32_t consecutive_failures;
  std::uint64_t opened_total;
  std::uint64_t rejected_total;
};

/// Circuit breaker for ONE upstream server, shared by every worker thread of the process: a
/// breaker per thread would need failure_threshold x threads failures to open. The closed-state
/// path (tryAcquire, onSuccess, onFailure below the threshold) is a few relaxed atomics and
/// takes no lock; transitions and half-open probe accounting take a small mutex, which only
/// failing servers ever contend on.
///
/// The callback runs under that mutex on whichever thread caused the transition, so transitions
/// are reported in order; it must not call back into this breaker. The clock must outlive it.
class CircuitBreaker {
 public:
  using TransitionCallback = std::function<void(const BreakerTransition&)>;

  CircuitBreaker(const BreakerConfig& config, const MonotonicClock& clock,
                 TransitionCallback on_transition);

  /// Decides whether a request may be sent now. Thread-safe; lock-free while closed.
  Admission tryAcquire();
  /// The request admitted by `admission` got a good response.
  void onSuccess(const Admission& admission);
  /// The request failed in a way that counts against the server (connect error, timeout, 5xx
  /// as the proxy defines it).
  void onFailure(const Admission& admission);
  /// The request ended with no verdict on the server (client went away): frees a probe slot.
  void release(const Admission& admission);

  BreakerState state() const { return static_cast<BreakerState>(state_.load()); }
  BreakerSnapshot snapshot() const;
  const BreakerConfig& config() const { return config_; }

 private:
  using Lock = std::lock_guard<std::mutex>;

  Admission admitProbeLocked(std::int64_t now_ns);
  void transitionLocked(BreakerState to, const char* reason, std::int64_t now_ns);

  const BreakerConfig config_;
  const MonotonicClock& clock_;
  TransitionCallback on_transition_;

  std::atomic<std::uint8_t> state_{static_cast<std::uint8_t>(BreakerState::kClosed)};
  std::atomic<std::uint32_t> consecutive_failures_{0};
  std::atomic<std::int64_t> open_until_ns_{0};
  std::atomic<std::uint64_t> opened_total_{0};
  std::atomic<std::uint64_t> rejected_total_{0};

  std::mutex mutex_;  // guards the fields below and every transition
  std::uint64_t generation_ = 0;
  std::uint32_t probes_in_flight_ = 0;
  std::uint32_t probe_successes_ = 0;
};

}  // namespace gw::resilience
