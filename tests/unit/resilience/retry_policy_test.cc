#include "runtime/resilience/retry_policy.h"

#include <gtest/gtest.h>

#include <random>

#include "runtime/resilience/retry_budget.h"

namespace gw::resilience {
namespace {

using namespace std::chrono_literals;

AttemptOutcome status(std::uint16_t s) { return {AttemptFailure::kNone, s}; }
AttemptOutcome failure(AttemptFailure f) { return {f, 0}; }

TEST(RetryPolicy, OnlyGatewayErrorsAndConnectionErrorsAreRetryable) {
  RetryConfig c;
  RetryRequest get{"GET", 0, true, 1};
  for (std::uint16_t s : {200, 204, 301, 404, 429, 500, 501, 505}) {
    EXPECT_EQ(decideRetry(c, status(s), get, nullptr), RetryDecision::kNoFailure) << s;
  }
  for (std::uint16_t s : {502, 503, 504}) {
    EXPECT_EQ(decideRetry(c, status(s), get, nullptr), RetryDecision::kRetry) << s;
  }
  EXPECT_EQ(decideRetry(c, failure(AttemptFailure::kConnectFailed), get, nullptr),
            RetryDecision::kRetry);
  EXPECT_EQ(decideRetry(c, failure(AttemptFailure::kReset), get, nullptr), RetryDecision::kRetry);
  // Timeouts are off by default: the server may still be working on it.
  EXPECT_EQ(decideRetry(c, failure(AttemptFailure::kTimeout), get, nullptr),
            RetryDecision::kNotRetryable);
  c.retry_on = kRetryOn503;
  EXPECT_EQ(decideRetry(c, status(502), get, nullptr), RetryDecision::kNotRetryable);
  EXPECT_EQ(decideRetry(c, status(503), get, nullptr), RetryDecision::kRetry);
}

TEST(RetryPolicy, NonIdempotentOnlyWithOverrideOrWhenNeverSent) {
  RetryConfig c;
  RetryRequest post{"POST", 10, true, 1};
  EXPECT_EQ(decideRetry(c, status(503), post, nullptr), RetryDecision::kNonIdempotent);
  EXPECT_EQ(decideRetry(c, failure(AttemptFailure::kReset), post, nullptr),
            RetryDecision::kNonIdempotent);
  EXPECT_EQ(decideRetry(c, failure(AttemptFailure::kConnectFailed), post, nullptr),
            RetryDecision::kRetry);
  c.retry_non_idempotent = true;
  EXPECT_EQ(decideRetry(c, status(503), post, nullptr), RetryDecision::kRetry);
  for (const char* m : {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"}) {
    EXPECT_TRUE(isIdempotentMethod(m)) << m;
  }
  for (const char* m : {"POST", "PATCH", "CONNECT", "get"}) {
    EXPECT_FALSE(isIdempotentMethod(m)) << m;
  }
}

TEST(RetryPolicy, BodyPastBufferedBoundIsNeverRetried) {
  RetryConfig c;
  c.max_buffered_body = 1000;
  EXPECT_EQ(decideRetry(c, status(502), {"PUT", 1000, true, 1}, nullptr), RetryDecision::kRetry);
  EXPECT_EQ(decideRetry(c, status(502), {"PUT", 1001, true, 1}, nullptr),
            RetryDecision::kBodyNotReplayable);
  EXPECT_EQ(decideRetry(c, status(502), {"PUT", 10, false, 1}, nullptr),
            RetryDecision::kBodyNotReplayable);
}

TEST(RetryPolicy, MaxAttempts) {
  RetryConfig c;
  c.max_attempts = 3;
  EXPECT_EQ(decideRetry(c, status(502), {"GET", 0, true, 2}, nullptr), RetryDecision::kRetry);
  EXPECT_EQ(decideRetry(c, status(502), {"GET", 0, true, 3}, nullptr),
            RetryDecision::kAttemptsExhausted);
  c.max_attempts = 1;
  EXPECT_EQ(decideRetry(c, status(502), {"GET", 0, true, 1}, nullptr),
            RetryDecision::kAttemptsExhausted);
}

TEST(RetryPolicy, BudgetConsultedLastAndOnlyForRealRetries) {
  ManualClock clock;
  RetryBudgetConfig bc;
  bc.ratio = 0.0;
  bc.min_retries_per_second = 0;
  RetryBudget budget(bc, clock);
  RetryConfig c;
  // Not retryable anyway: the budget must not be charged (denied_total stays 0).
  EXPECT_EQ(decideRetry(c, status(404), {"GET", 0, true, 1}, &budget), RetryDecision::kNoFailure);
  EXPECT_EQ(decideRetry(c, status(503), {"POST", 0, true, 1}, &budget),
            RetryDecision::kNonIdempotent);
  EXPECT_EQ(budget.snapshot().denied_total, 0u);
  EXPECT_EQ(decideRetry(c, status(503), {"GET", 0, true, 1}, &budget),
            RetryDecision::kBudgetExhausted);
  EXPECT_EQ(budget.snapshot().denied_total, 1u);
  EXPECT_STREQ(retryDecisionName(RetryDecision::kBudgetExhausted), "budget_exhausted");
}

TEST(FullJitterBackoff, BoundedByExponentialCeilingAndCap) {
  std::mt19937_64 rng(1);
  const auto base = 100ms;
  const auto cap = 1000ms;
  for (std::uint32_t retry = 0; retry < 8; ++retry) {
    const std::int64_t ceiling = std::min<std::int64_t>(1000, 100LL << retry);
    std::int64_t max_seen = 0;
    double sum = 0;
    constexpr int kSamples = 20000;
    for (int i = 0; i < kSamples; ++i) {
      const auto d = fullJitterBackoff(retry, base, cap, rng()).count();
      ASSERT_GE(d, 0);
      ASSERT_LE(d, ceiling);
      max_seen = std::max(max_seen, d);
      sum += static_cast<double>(d);
    }
    // Full jitter: uniform over [0, ceiling], so the mean is ceiling/2 and the max reaches it.
    EXPECT_NEAR(sum / kSamples, ceiling / 2.0, ceiling * 0.03) << "retry " << retry;
    EXPECT_GE(max_seen, ceiling * 0.99) << "retry " << retry;
  }
  EXPECT_LE(fullJitterBackoff(200, base, cap, ~0ULL).count(), 1000);  // no overflow
  EXPECT_EQ(fullJitterBackoff(3, 0ms, cap, 12345).count(), 0);
}

}  // namespace
}  // namespace gw::resilience
