#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace gw::resilience {

class RetryBudget;

/// What went wrong with one attempt to an upstream server.
enum class AttemptFailure : std::uint8_t {
  kNone,           ///< a response arrived; see status
  kConnectFailed,  ///< refused, unreachable or connect timeout: the request never left
  kReset,          ///< the connection broke after the request was (partly) sent
  kTimeout,        ///< no response within the upstream timeout
};

/// Outcome of one attempt, as the proxy saw it.
struct AttemptOutcome {
  AttemptFailure failure = AttemptFailure::kNone;
  std::uint16_t status = 0;  ///< response status when failure == kNone
};

/// Conditions a route may retry on. Only 502/503/504 and connection errors are retryable at
/// all; the route picks a subset (default: all of them).
enum RetryOn : std::uint32_t {
  kRetryOn502 = 1u << 0,
  kRetryOn503 = 1u << 1,
  kRetryOn504 = 1u << 2,
  kRetryOnConnectFailure = 1u << 3,
  kRetryOnReset = 1u << 4,
  kRetryOnTimeout = 1u << 5,
  kRetryOnDefault =
      kRetryOn502 | kRetryOn503 | kRetryOn504 | kRetryOnConnectFailure | kRetryOnReset,
};

/// The default largest request body kept in memory so a retry can replay it (64 KiB; an
/// upstream's `retry ... buffer S` sets its own). Bodies past it stream and are never retried.
inline constexpr std::uint64_t kRetryBodyBuffer = 64 * 1024;

/// A route's retry settings; immutable once the policy is published.
struct RetryConfig {
  std::uint32_t max_attempts = 3;               ///< first attempt included; 1 = no retries
  std::uint32_t retry_on = kRetryOnDefault;     ///< RetryOn bits
  /// The route allows this request's method to be retried although it is not idempotent (the
  /// proxy sets it when the route's `retry_methods` names the method).
  bool retry_non_idempotent = false;
  std::uint64_t max_buffered_body = kRetryBodyBuffer;  ///< body kept for replay; beyond: none
  std::chrono::milliseconds base_backoff{25};
  std::chrono::milliseconds max_backoff{1000};
};

/// Facts about the request being retried.
struct RetryRequest {
  std::string_view method;            ///< e.g. "GET"
  std::uint64_t body_bytes_read = 0;  ///< request body bytes consumed from the client so far
  bool body_complete = true;          ///< the whole body was read (and so is buffered)
  std::uint32_t attempts_made = 1;    ///< attempts already sent, including the failed one
};

/// Why a retry was or was not made; each value is also a metric label.
enum class RetryDecision : std::uint8_t {
  kRetry,
  kNoFailure,          ///< the attempt succeeded (or failed with a non-retryable status)
  kNotRetryable,       ///< failure kind not enabled by the route
  kNonIdempotent,      ///< method may have had effects and the route did not allow it
  kBodyNotReplayable,  ///< body streamed past max_buffered_body or not fully read
  kAttemptsExhausted,
  kBudgetExhausted,  ///< the upstream's retry budget said no
};

/// Metric label / log word for a decision.
const char* retryDecisionName(RetryDecision decision);

/// RFC 9110 section 9.2.2: GET, HEAD, OPTIONS, TRACE, PUT, DELETE.
bool isIdempotentMethod(std::string_view method);

/// Decides whether to retry. Checks cheap rules first and the budget last, so a budget token is
/// withdrawn only for a retry that will really happen. A connect failure is retried even for
/// non-idempotent methods: the request never reached the server. Pure apart from the budget;
/// thread-safe if the budget is.
RetryDecision decideRetry(const RetryConfig& config, const AttemptOutcome& outcome,
                          const RetryRequest& request, RetryBudget* budget);

/// "Full jitter" backoff (AWS Architecture Blog, "Exponential Backoff and Jitter"):
/// sleep = uniform(0, min(cap, base * 2^retry_index)). retry_index is 0 for the first retry.
/// `random_bits` is 64 uniformly random bits from the caller's per-thread generator.
std::chrono::milliseconds fullJitterBackoff(std::uint32_t retry_index,
                                            std::chrono::milliseconds base,
                                            std::chrono::milliseconds cap,
                                            std::uint64_t random_bits);

}  // namespace gw::resilience
