#include "runtime/resilience/circuit_breaker.h"

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gw::resilience {
namespace {

using namespace std::chrono_literals;
using Kind = Admission::Kind;

struct Recorder {
  std::mutex mutex;
  std::vector<std::string> log;
  CircuitBreaker::TransitionCallback callback() {
    return [this](const BreakerTransition& t) {
      std::lock_guard<std::mutex> lock(mutex);
      log.push_back(std::string(breakerStateName(t.from)) + "->" + breakerStateName(t.to) + " (" +
                    t.reason + ")");
    };
  }
};

void fail(CircuitBreaker& b, int n) {
  for (int i = 0; i < n; ++i) {
    Admission a = b.tryAcquire();
    ASSERT_TRUE(a.allowed());
    b.onFailure(a);
  }
}

TEST(CircuitBreaker, DefaultsMatchTheIssue) {
  BreakerConfig c;
  EXPECT_EQ(c.failure_threshold, 5u);
  EXPECT_EQ(c.cool_down, 30s);
  EXPECT_EQ(c.close_after, 3u);
}

TEST(CircuitBreaker, OpensAfterNConsecutiveFailures) {
  ManualClock clock;
  Recorder rec;
  CircuitBreaker b(BreakerConfig{}, clock, rec.callback());
  fail(b, 4);
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  // A success in between resets the count: failures must be consecutive.
  Admission ok = b.tryAcquire();
  b.onSuccess(ok);
  fail(b, 4);
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  fail(b, 1);
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  ASSERT_EQ(rec.log.size(), 1u);
  EXPECT_EQ(rec.log[0], "closed->open (consecutive failures)");
  EXPECT_EQ(b.snapshot().opened_total, 1u);
}

TEST(CircuitBreaker, OpenFailsFastWithRetryAfter) {
  ManualClock clock;
  CircuitBreaker b(BreakerConfig{}, clock, nullptr);
  fail(b, 5);
  clock.advance(10s);
  Admission a = b.tryAcquire();
  EXPECT_EQ(a.kind, Kind::kRejected);
  EXPECT_EQ(a.retry_after, 20s);
  clock.advance(19s + 500ms);
  EXPECT_EQ(b.tryAcquire().retry_after, 500ms);
  EXPECT_EQ(b.snapshot().rejected_total, 2u);
}

TEST(CircuitBreaker, HalfOpenBoundsProbesAndClosesAfterMSuccesses) {
  ManualClock clock;
  Recorder rec;
  BreakerConfig config;
  config.half_open_max_probes = 2;
  CircuitBreaker b(config, clock, rec.callback());
  fail(b, 5);
  clock.advance(30s);
  Admission p1 = b.tryAcquire();
  Admission p2 = b.tryAcquire();
  Admission p3 = b.tryAcquire();
  EXPECT_EQ(b.state(), BreakerState::kHalfOpen);
  EXPECT_EQ(p1.kind, Kind::kProbe);
  EXPECT_EQ(p2.kind, Kind::kProbe);
  EXPECT_EQ(p3.kind, Kind::kRejected);  // probe slots full
  b.onSuccess(p1);
  b.onSuccess(p2);
  EXPECT_EQ(b.state(), BreakerState::kHalfOpen);
  Admission p4 = b.tryAcquire();
  ASSERT_EQ(p4.kind, Kind::kProbe);
  b.onSuccess(p4);
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  EXPECT_EQ(b.tryAcquire().kind, Kind::kAllowed);
  EXPECT_EQ(rec.log, (std::vector<std::string>{"closed->open (consecutive failures)",
                                               "open->half_open (cool-down elapsed)",
                                               "half_open->closed (probes succeeded)"}));
  EXPECT_EQ(b.snapshot().consecutive_failures, 0u);
}

TEST(CircuitBreaker, ProbeFailureReopensAndStaleProbesAreIgnored) {
  ManualClock clock;
  BreakerConfig config;
  config.half_open_max_probes = 2;
  config.close_after = 1;
  CircuitBreaker b(config, clock, nullptr);
  fail(b, 5);
  clock.advance(30s);
  Admission p1 = b.tryAcquire();
  Admission p2 = b.tryAcquire();
  b.onFailure(p1);
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_EQ(b.tryAcquire().retry_after, 30s);  // a fresh cool-down
  b.onSuccess(p2);                             // from the previous half-open epoch: must not close
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  clock.advance(30s);
  Admission p3 = b.tryAcquire();
  EXPECT_EQ(p3.kind, Kind::kProbe);
  b.release(p3);  // client went away: the slot is free again
  Admission p4 = b.tryAcquire();
  Admission p5 = b.tryAcquire();
  EXPECT_EQ(p4.kind, Kind::kProbe);
  EXPECT_EQ(p5.kind, Kind::kProbe);
  b.onSuccess(p4);
  EXPECT_EQ(b.state(), BreakerState::kClosed);
}

TEST(CircuitBreaker, LateFailuresFromClosedEpochDoNotCountWhileOpen) {
  ManualClock clock;
  CircuitBreaker b(BreakerConfig{}, clock, nullptr);
  std::vector<Admission> inflight;
  for (int i = 0; i < 8; ++i) {
    inflight.push_back(b.tryAcquire());
  }
  for (auto& a : inflight) {
    b.onFailure(a);
  }
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_EQ(b.snapshot().opened_total, 1u);
}

TEST(CircuitBreaker, SharedAcrossThreadsOpensOnceAfterThresholdFailures) {
  ManualClock clock;
  Recorder rec;
  BreakerConfig config;
  config.failure_threshold = 20;
  CircuitBreaker b(config, clock, rec.callback());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&b] {
      for (int i = 0; i < 1000; ++i) {
        Admission a = b.tryAcquire();
        if (a.allowed()) {
          b.onFailure(a);
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_EQ(rec.log.size(), 1u);
  EXPECT_EQ(b.snapshot().opened_total, 1u);
  EXPECT_GT(b.snapshot().rejected_total, 0u);
}

}  // namespace
}  // namespace gw::resilience
