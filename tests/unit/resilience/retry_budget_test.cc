#include "runtime/resilience/retry_budget.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace gw::resilience {
namespace {

using namespace std::chrono_literals;

int acquireAll(RetryBudget& b) {
  int n = 0;
  while (b.tryAcquireRetry() && n < 100000) {
    ++n;
  }
  return n;
}

TEST(RetryBudget, RetriesCappedAtRatioOfRequests) {
  ManualClock clock;
  RetryBudget b({0.2, 0, 10s}, clock);
  for (int i = 0; i < 1000; ++i) {
    b.recordRequest();
  }
  EXPECT_EQ(acquireAll(b), 200);
  EXPECT_EQ(b.snapshot().retries_in_window, 200u);
  EXPECT_EQ(b.snapshot().denied_total, 1u);
  for (int i = 0; i < 50; ++i) {
    b.recordRequest();
  }
  EXPECT_EQ(acquireAll(b), 10);  // 20% of the 50 new requests
}

TEST(RetryBudget, MinimumPerSecondAllowsRetriesOnQuietUpstream) {
  ManualClock clock;
  RetryBudget b({0.2, 3, 10s}, clock);
  EXPECT_EQ(acquireAll(b), 30);  // 3/s over a 10 s window with no requests at all
}

TEST(RetryBudget, WindowSlides) {
  ManualClock clock;
  RetryBudget b({0.5, 0, 10s}, clock);
  for (int i = 0; i < 100; ++i) {
    b.recordRequest();
  }
  EXPECT_EQ(acquireAll(b), 50);
  clock.advance(5s);
  EXPECT_EQ(acquireAll(b), 0);  // still inside the window
  EXPECT_EQ(b.snapshot().requests_in_window, 100u);
  clock.advance(6s);
  // The old requests and retries have left the window.
  EXPECT_EQ(b.snapshot().requests_in_window, 0u);
  EXPECT_EQ(b.snapshot().retries_in_window, 0u);
  EXPECT_EQ(acquireAll(b), 0);
  for (int i = 0; i < 10; ++i) {
    b.recordRequest();
  }
  EXPECT_EQ(acquireAll(b), 5);
}

TEST(RetryBudget, OutageCannotAmplifyBeyondRatioAcrossThreads) {
  ManualClock clock;
  RetryBudget b({0.2, 0, 10s}, clock);
  std::atomic<int> retries{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2500; ++i) {
        b.recordRequest();
        // Every request fails and wants up to two retries, as in an outage.
        for (int r = 0; r < 2 && b.tryAcquireRetry(); ++r) {
          retries++;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  // 20% of 10 000; concurrent check-then-add may overshoot by at most one per thread.
  EXPECT_LE(retries.load(), 2000 + 4);
  EXPECT_GE(retries.load(), 1990);
}

}  // namespace
}  // namespace gw::resilience
