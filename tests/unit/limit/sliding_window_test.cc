#include <gtest/gtest.h>

#include <chrono>

#include "runtime/base/monotonic_clock.h"
#include "runtime/limit/local_limiter.h"

namespace gw::limit {
namespace {

using namespace std::chrono_literals;

LimitSpec window(std::uint32_t count, std::chrono::nanoseconds period) {
  LimitSpec s;
  s.name = "per_partner";
  s.algorithm = Algorithm::slidingWindow;
  s.rate = perPeriod(count, period);
  return s;
}

// A clock positioned at the start of a window of `period`.
ManualClock alignedClock(std::chrono::nanoseconds period) {
  return ManualClock(period * 1000);
}

TEST(SlidingWindow, AdmitsExactlyNThenDeniesWithRetryAfter) {
  ManualClock clock = alignedClock(10s);
  LocalLimiter limiter(window(5, 10s));
  clock.advance(2s);
  for (std::uint32_t i = 0; i < 5; ++i) {
    const Decision d = limiter.decide("client", clock);
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.remaining, 4 - i);
    EXPECT_EQ(d.limit, 5u);
  }
  const Decision d = limiter.decide("client", clock);
  EXPECT_FALSE(d.allowed);
  // The window ends in 8s; the next window starts with the 5 weighted at 100%, so one more
  // request fits once a fifth of the window has slid: 8s + 2s.
  EXPECT_EQ(d.retryAfterMs, 10000u);
  clock.advance(9999ms);
  EXPECT_FALSE(limiter.decide("client", clock).allowed);
  clock.advance(1ms);
  EXPECT_TRUE(limiter.decide("client", clock).allowed);
  EXPECT_FALSE(limiter.decide("client", clock).allowed);
}

TEST(SlidingWindow, PreviousWindowIsWeightedByItsRemainingShare) {
  ManualClock clock = alignedClock(1s);
  LocalLimiter limiter(window(100, 1s));
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(limiter.decide("k", clock).allowed);
  }
  // 25% into the next window: 100 * 0.75 = 75 still count, so 25 more are admitted.
  clock.advance(1250ms);
  int admitted = 0;
  while (limiter.decide("k", clock).allowed) {
    ++admitted;
  }
  EXPECT_EQ(admitted, 25);
  // Retry-After: one slot frees when 1% more of the previous window slid out (10ms).
  clock.advance(5ms);
  const Decision d = limiter.decide("k", clock);
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.retryAfterMs, 5u);
  clock.advance(5ms);
  EXPECT_TRUE(limiter.decide("k", clock).allowed);
}

TEST(SlidingWindow, SteadyTrafficIsHeldToTheRate) {
  ManualClock clock = alignedClock(1s);
  LocalLimiter limiter(window(50, 1s));
  int admitted = 0;
  for (int ms = 0; ms < 60'000; ++ms) {  // one minute, an attempt every millisecond
    admitted += limiter.decide("k", clock).allowed ? 1 : 0;
    clock.advance(1ms);
  }
  EXPECT_NEAR(admitted, 60 * 50, 60 * 50 * 0.02);
}

TEST(SlidingWindow, KeysAreIndependentAndStateExpires) {
  ManualClock clock = alignedClock(1s);
  LocalLimiter limiter(window(1, 1s));
  EXPECT_TRUE(limiter.decide("a", clock).allowed);
  EXPECT_FALSE(limiter.decide("a", clock).allowed);
  EXPECT_TRUE(limiter.decide("b", clock).allowed);
  clock.advance(2s);
  const Decision d = limiter.decide("a", clock);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 0u);
}

TEST(SlidingWindow, ResetAndPolicyFields) {
  ManualClock clock = alignedClock(60s);
  LocalLimiter limiter(window(100, 60s));
  clock.advance(15s);
  const Decision d = limiter.decide("k", clock);
  EXPECT_EQ(d.policyQuota, 100u);
  EXPECT_EQ(d.policyWindowSeconds, 60u);
  // The count made now is fully forgotten at the end of the next window: 45s + 60s.
  EXPECT_EQ(d.resetMs, 105000u);
}

}  // namespace
}  // namespace gw::limit
