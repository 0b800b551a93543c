#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "runtime/base/monotonic_clock.h"
#include "runtime/limit/local_limiter.h"

namespace gw::limit {
namespace {

using namespace std::chrono_literals;

LimitSpec spec(std::uint32_t maxKeys, std::uint32_t count = 10) {
  LimitSpec s;
  s.name = "flood";
  s.algorithm = Algorithm::tokenBucket;
  s.rate = perPeriod(count, 1s);
  s.maxKeys = maxKeys;
  return s;
}

TEST(KeyTable, FloodOfDistinctKeysStaysWithinTheMemoryBound) {
  ManualClock clock;
  LocalLimiter limiter(spec(10000));
  const std::size_t bound = limiter.table().memoryBound(LocalLimiter::kMaxKeyBytes);
  std::string key;
  for (int i = 0; i < 1'000'000; ++i) {
    key = "client-" + std::to_string(i) + "-with-a-long-suffix-past-sso";
    ASSERT_TRUE(limiter.decide(key, clock).allowed);
  }
  EXPECT_LE(limiter.table().size(), limiter.table().capacity());
  EXPECT_LE(limiter.table().capacity(), 10000u);
  EXPECT_GE(limiter.table().size(), limiter.table().capacity() * 9 / 10);
  EXPECT_LE(limiter.table().memoryBytes(), bound);
  EXPECT_LT(bound, 10000u * 512);  // a few hundred bytes per key, not megabytes
  EXPECT_GE(limiter.table().evictions(), 1'000'000u - 10000u);
}

TEST(KeyTable, HotKeySurvivesAFloodAndStaysExact) {
  ManualClock clock;
  LocalLimiter limiter(spec(4096, 100));
  for (int i = 0; i < 60; ++i) {
    ASSERT_TRUE(limiter.decide("hot", clock).allowed);
  }
  int hotAdmitted = 0;
  for (int i = 0; i < 200'000; ++i) {
    (void)limiter.decide("cold-" + std::to_string(i), clock);
    if (i % 500 == 0) {
      // The clock is frozen: a hot key that kept its state has exactly 40 tokens left; one
      // that was evicted even once would start over with 100.
      hotAdmitted += limiter.decide("hot", clock).allowed ? 1 : 0;
    }
  }
  EXPECT_EQ(hotAdmitted, 40);
  EXPECT_FALSE(limiter.decide("hot", clock).allowed);
  EXPECT_GE(limiter.table().evictions(), 190'000u);
}

TEST(KeyTable, IdleKeysAreEvictedBeforeActiveOnes) {
  ManualClock clock;
  LocalLimiter small(spec(8, 10), /*stripes=*/1);
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(small.decide("k" + std::to_string(i), clock).allowed);
  }
  // k0..k6 refill completely; k7 is drained and stays active.
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(small.decide("k7", clock).allowed);
  }
  clock.advance(150ms);  // k0..k6 had one token used: refilled after 100ms; k7 still short
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(small.decide("new" + std::to_string(i), clock).allowed);
  }
  EXPECT_EQ(small.table().size(), 8u);
  // k7 kept its state: only 2 tokens came back in 150ms, so the third request is denied.
  EXPECT_TRUE(small.decide("k7", clock).allowed);
  EXPECT_FALSE(small.decide("k7", clock).allowed);
}

TEST(KeyTable, LongKeysAreDigestedButStayDistinct) {
  ManualClock clock;
  LimitSpec s = spec(100, 1);
  LocalLimiter limiter(s);
  const std::string a(1000, 'a');
  std::string b = a;
  b.back() = 'b';
  EXPECT_TRUE(limiter.decide(a, clock).allowed);
  EXPECT_FALSE(limiter.decide(a, clock).allowed);
  EXPECT_TRUE(limiter.decide(b, clock).allowed);
  EXPECT_LE(limiter.table().memoryBytes(), limiter.table().memoryBound(LocalLimiter::kMaxKeyBytes));
}

TEST(KeyTable, ConcurrentDecisionsOnOneKeyAreExact) {
  ManualClock clock;  // frozen: no refill during the race
  LocalLimiter limiter(spec(1000, 50000));
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 40000; ++i) {
        if (limiter.decide("shared", clock).allowed) {
          admitted.fetch_add(1, std::memory_order_relaxed);
        }
        (void)limiter.decide("own-" + std::to_string(i % 300), clock);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(admitted.load(), 50000);
}

TEST(KeyTable, ManyKeysAcrossStripesKeepTheirOwnCounts) {
  ManualClock clock;
  LocalLimiter limiter(spec(100000, 3));
  for (int round = 0; round < 3; ++round) {
    for (int k = 0; k < 20000; ++k) {
      ASSERT_TRUE(limiter.decide("key" + std::to_string(k), clock).allowed) << k;
    }
  }
  for (int k = 0; k < 20000; ++k) {
    ASSERT_FALSE(limiter.decide("key" + std::to_string(k), clock).allowed) << k;
  }
  EXPECT_EQ(limiter.table().size(), 20000u);
  EXPECT_EQ(limiter.table().evictions(), 0u);
}

}  // namespace
}  // namespace gw::limit
