#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "runtime/base/monotonic_clock.h"
#include "runtime/limit/local_limiter.h"

namespace gw::limit {
namespace {

using namespace std::chrono_literals;

LimitSpec bucket(std::uint32_t count, std::chrono::nanoseconds period, std::uint32_t burst) {
  LimitSpec s;
  s.name = "per_ip";
  s.algorithm = Algorithm::tokenBucket;
  s.rate = perPeriod(count, period);
  s.burst = burst;
  return s;
}

TEST(TokenBucket, AdmitsExactlyBurstThenDeniesWithRetryAfter) {
  ManualClock clock;
  LocalLimiter limiter(bucket(10, 1s, 20));
  for (std::uint32_t i = 0; i < 20; ++i) {
    const Decision d = limiter.decide("10.0.0.1", clock);
    ASSERT_TRUE(d.allowed) << "request " << i;
    EXPECT_EQ(d.limit, 20u);
    EXPECT_EQ(d.remaining, 19 - i);
  }
  const Decision denied = limiter.decide("10.0.0.1", clock);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.remaining, 0u);
  EXPECT_EQ(denied.retryAfterMs, 100u);  // one token every 100ms
  EXPECT_EQ(denied.resetMs, 2000u);      // 20 tokens at 10/s
  EXPECT_EQ(denied.usedPercent, 100);
}

TEST(TokenBucket, RefillsAtTheConfiguredRate) {
  ManualClock clock;
  LocalLimiter limiter(bucket(5, 1s, 5));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(limiter.decide("k", clock).allowed);
  }
  ASSERT_FALSE(limiter.decide("k", clock).allowed);
  clock.advance(199ms);  // not yet a token (one per 200ms)
  EXPECT_FALSE(limiter.decide("k", clock).allowed);
  clock.advance(1ms);
  EXPECT_TRUE(limiter.decide("k", clock).allowed);
  EXPECT_FALSE(limiter.decide("k", clock).allowed);
  // Ten seconds idle refill the bucket only to its capacity.
  clock.advance(10s);
  int admitted = 0;
  while (limiter.decide("k", clock).allowed) {
    ++admitted;
  }
  EXPECT_EQ(admitted, 5);
  // Over a long steady run the admitted rate equals the refill rate.
  admitted = 0;
  for (int step = 0; step < 1000; ++step) {  // 100 s in 100ms steps
    clock.advance(100ms);
    while (limiter.decide("k", clock).allowed) {
      ++admitted;
    }
  }
  EXPECT_EQ(admitted, 500);
}

TEST(TokenBucket, RetryAfterIsExactlyWhenTheNextRequestIsAdmitted) {
  ManualClock clock;
  LocalLimiter limiter(bucket(3, 10s, 3));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(limiter.decide("k", clock).allowed);
  }
  clock.advance(1234ms);
  const Decision d = limiter.decide("k", clock);
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.retryAfterMs, 3334u - 1234u);
  clock.advance(std::chrono::milliseconds(d.retryAfterMs - 1));
  EXPECT_FALSE(limiter.decide("k", clock).allowed);
  clock.advance(1ms);
  EXPECT_TRUE(limiter.decide("k", clock).allowed);
}

TEST(TokenBucket, KeysAreIndependent) {
  ManualClock clock;
  LocalLimiter limiter(bucket(2, 1s, 2));
  EXPECT_TRUE(limiter.decide("a", clock).allowed);
  EXPECT_TRUE(limiter.decide("a", clock).allowed);
  EXPECT_FALSE(limiter.decide("a", clock).allowed);
  EXPECT_TRUE(limiter.decide("b", clock).allowed);
  EXPECT_TRUE(limiter.decide("b", clock).allowed);
  EXPECT_FALSE(limiter.decide("b", clock).allowed);
  EXPECT_EQ(limiter.decide("c", clock).remaining, 1u);
}

TEST(TokenBucket, BurstDefaultsToRateCount) {
  ManualClock clock;
  LocalLimiter limiter(bucket(4, 1s, 0));
  int admitted = 0;
  while (limiter.decide("k", clock).allowed) {
    ++admitted;
  }
  EXPECT_EQ(admitted, 4);
}

TEST(TokenBucket, WarnFlagFromThePercentOfQuotaUsed) {
  ManualClock clock;
  LocalLimiter limiter(bucket(10, 1s, 10));
  for (int i = 1; i <= 10; ++i) {
    const Decision d = limiter.decide("k", clock, 80);
    EXPECT_EQ(d.usedPercent, i * 10);
    EXPECT_EQ(d.warn, i >= 8) << i;
  }
  EXPECT_TRUE(limiter.decide("k", clock, 80).warn);
  EXPECT_FALSE(limiter.decide("k", clock, 0).warn);
}

TEST(TokenBucket, RealTimeRefill) {
  LocalLimiter limiter(bucket(20, 1s, 1));  // one token every 50ms
  const MonotonicClock& clock = SteadyClock::instance();
  ASSERT_TRUE(limiter.decide("k", clock).allowed);
  EXPECT_FALSE(limiter.decide("k", clock).allowed);
  const auto start = std::chrono::steady_clock::now();
  while (!limiter.decide("k", clock).allowed) {
    std::this_thread::sleep_for(1ms);
  }
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 40ms);
  EXPECT_LT(waited, 500ms);
}

}  // namespace
}  // namespace gw::limit
