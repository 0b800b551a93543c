#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "runtime/base/monotonic_clock.h"
#include "runtime/limit/limiter_registry.h"

namespace gw::limit {
namespace {

using namespace std::chrono_literals;

LimitSpec perIp() {
  LimitSpec s;
  s.name = "per_ip";
  s.algorithm = Algorithm::slidingWindow;
  s.rate = perPeriod(3, 60s);
  return s;
}

TEST(LimiterRegistry, CountersSurviveAReloadThatKeepsNameAndParameters) {
  ManualClock clock;
  LimiterRegistry registry;
  auto generation1 = registry.acquire(perIp());
  EXPECT_TRUE(generation1->decide("1.2.3.4", clock).allowed);
  EXPECT_TRUE(generation1->decide("1.2.3.4", clock).allowed);

  // Reload: the new generation is built while the old one is still published.
  LimitSpec reloaded = perIp();
  reloaded.warnPercent = 50;                    // not a counting parameter
  reloaded.onStoreError = OnStoreError::deny;   // neither
  auto generation2 = registry.acquire(reloaded);
  generation1.reset();  // the old generation drains
  EXPECT_TRUE(generation2->decide("1.2.3.4", clock).allowed);
  EXPECT_FALSE(generation2->decide("1.2.3.4", clock).allowed);
  EXPECT_EQ(registry.size(), 1u);
}

TEST(LimiterRegistry, ChangedParametersStartFresh) {
  ManualClock clock;
  LimiterRegistry registry;
  auto old = registry.acquire(perIp());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(old->decide("k", clock).allowed);
  }
  LimitSpec faster = perIp();
  faster.rate = perPeriod(4, 60s);
  auto changed = registry.acquire(faster);
  EXPECT_NE(changed.get(), old.get());
  EXPECT_TRUE(changed->decide("k", clock).allowed);

  LimitSpec renamed = perIp();
  renamed.name = "per_client";
  EXPECT_NE(registry.acquire(renamed).get(), old.get());
  LimitSpec otherAlgorithm = perIp();
  otherAlgorithm.algorithm = Algorithm::tokenBucket;
  EXPECT_NE(registry.acquire(otherAlgorithm).get(), old.get());
}

TEST(LimiterRegistry, DroppedLimitsAreReleased) {
  LimiterRegistry registry;
  std::weak_ptr<LocalLimiter> weak;
  {
    auto limiter = registry.acquire(perIp());
    weak = limiter;
    EXPECT_EQ(registry.size(), 1u);
  }
  EXPECT_TRUE(weak.expired());
  EXPECT_EQ(registry.size(), 0u);
}

TEST(LimitSpec, ValidationNamesTheProblem) {
  LimitSpec s = perIp();
  EXPECT_FALSE(s.validate().has_value());
  s.rate.count = 0;
  EXPECT_EQ(s.validate().value_or(""), "limit `per_ip`: rate count must be at least 1");
  s = perIp();
  s.rate.period = 0s;
  EXPECT_EQ(s.validate().value_or(""), "limit `per_ip`: rate period must be at least 1ms");
  s = perIp();
  s.warnPercent = 101;
  EXPECT_EQ(s.validate().value_or(""), "limit `per_ip`: warn must be between 1% and 100%");
}

}  // namespace
}  // namespace gw::limit
