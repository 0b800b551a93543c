#include "runtime/resilience/retry_policy.h"

#include <algorithm>

#include "runtime/resilience/retry_budget.h"

namespace gw::resilience {
namespace {

// Bit for a failed attempt, or 0 when the outcome is not a retryable failure at all.
std::uint32_t failureBit(const AttemptOutcome& outcome) {
  switch (outcome.failure) {
    case AttemptFailure::kConnectFailed:
      return kRetryOnConnectFailure;
    case AttemptFailure::kReset:
      return kRetryOnReset;
    case AttemptFailure::kTimeout:
      return kRetryOnTimeout;
    case AttemptFailure::kNone:
      break;
  }
  switch (outcome.status) {
    case 502:
      return kRetryOn502;
    case 503:
      return kRetryOn503;
    case 504:
      return kRetryOn504;
    default:
      return 0;
  }
}

}  // namespace

const char* retryDecisionName(RetryDecision decision) {
  switch (decision) {
    case RetryDecision::kRetry:
      return "retry";
    case RetryDecision::kNoFailure:
      return "no_failure";
    case RetryDecision::kNotRetryable:
      return "not_retryable";
    case RetryDecision::kNonIdempotent:
      return "non_idempotent";
    case RetryDecision::kBodyNotReplayable:
      return "body_not_replayable";
    case RetryDecision::kAttemptsExhausted:
      return "attempts_exhausted";
    case RetryDecision::kBudgetExhausted:
      return "budget_exhausted";
  }
  return "unknown";
}

bool isIdempotentMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "TRACE" ||
         method == "PUT" || method == "DELETE";
}

RetryDecision decideRetry(const RetryConfig& config, const AttemptOutcome& outcome,
                          const RetryRequest& request, RetryBudget* budget) {
  const std::uint32_t bit = failureBit(outcome);
  if (bit == 0) {
    return RetryDecision::kNoFailure;
  }
  if ((config.retry_on & bit) == 0) {
    return RetryDecision::kNotRetryable;
  }
  if (request.attempts_made >= config.max_attempts) {
    return RetryDecision::kAttemptsExhausted;
  }
  const bool never_sent = outcome.failure == AttemptFailure::kConnectFailed;
  if (!never_sent && !config.retry_non_idempotent && !isIdempotentMethod(request.method)) {
    return RetryDecision::kNonIdempotent;
  }
  if (!request.body_complete || request.body_bytes_read > config.max_buffered_body) {
    return RetryDecision::kBodyNotReplayable;
  }
  if (budget != nullptr && !budget->tryAcquireRetry()) {
    return RetryDecision::kBudgetExhausted;
  }
  return RetryDecision::kRetry;
}

std::chrono::milliseconds fullJitterBackoff(std::uint32_t retry_index,
                                            std::chrono::milliseconds base,
                                            std::chrono::milliseconds cap,
                                            std::uint64_t random_bits) {
  const std::uint64_t base_ms = static_cast<std::uint64_t>(std::max<std::int64_t>(0, base.count()));
  const std::uint64_t cap_ms = static_cast<std::uint64_t>(std::max<std::int64_t>(0, cap.count()));
  // Saturate the doubling instead of overflowing: 2^retry_index grows past cap quickly.
  std::uint64_t ceiling = base_ms;
  for (std::uint32_t i = 0; i < retry_index && ceiling < cap_ms; ++i) {
    ceiling *= 2;
  }
  ceiling = std::min(ceiling, cap_ms);
  return std::chrono::milliseconds(static_cast<std::int64_t>(random_bits % (ceiling + 1)));
}

}  // namespace gw::resilience
