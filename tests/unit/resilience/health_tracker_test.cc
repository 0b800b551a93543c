#include "runtime/resilience/health_tracker.h"

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

namespace gw::resilience {
namespace {

using namespace std::chrono_literals;

struct Recorder {
  std::mutex mutex;
  std::vector<std::string> log;
  HealthTracker::TransitionCallback callback() {
    return [this](const HealthTransition& t) {
      std::lock_guard<std::mutex> lock(mutex);
      log.push_back(std::to_string(t.server) + (t.available ? " up " : " down ") +
                    healthReasonName(t.reason));
    };
  }
};

TEST(HealthTracker, StartsHealthy) {
  ManualClock clock;
  HealthTracker h(3, {}, {}, clock, nullptr);
  EXPECT_EQ(h.availableCount(), 3u);
  EXPECT_FALSE(h.available(3));  // out of range is never available
}

TEST(HealthTracker, ActiveThresholds) {
  ManualClock clock;
  Recorder rec;
  HealthTracker h(2, {2, 3}, {}, clock, rec.callback());
  h.reportActive(0, false);
  h.reportActive(0, false);
  EXPECT_TRUE(h.available(0));
  h.reportActive(0, true);  // breaks the streak
  h.reportActive(0, false);
  h.reportActive(0, false);
  EXPECT_TRUE(h.available(0));
  h.reportActive(0, false);
  EXPECT_FALSE(h.available(0));
  EXPECT_EQ(h.snapshot(0).last_reason, HealthReason::kActiveCheckFailed);
  h.reportActive(0, true);
  EXPECT_FALSE(h.available(0));
  h.reportActive(0, true);
  EXPECT_TRUE(h.available(0));
  EXPECT_EQ(rec.log,
            (std::vector<std::string>{"0 down active_check_failed", "0 up active_check_passed"}));
  EXPECT_TRUE(h.available(1));
}

TEST(HealthTracker, PassiveConsecutive5xxEjectsUntilEjectionTimeEnds) {
  ManualClock clock;
  Recorder rec;
  PassiveHealthConfig passive;
  passive.consecutive_5xx = 3;
  passive.ejection_time = 10s;
  HealthTracker h(2, {}, passive, clock, rec.callback());
  h.reportResponse(1, 502);
  h.reportResponse(1, 503);
  h.reportResponse(1, 200);  // resets
  h.reportResponse(1, 500);
  h.reportResponse(1, 500);
  EXPECT_TRUE(h.available(1));
  h.reportResponse(1, 504);
  EXPECT_FALSE(h.available(1));
  EXPECT_TRUE(h.snapshot(1).ejected);
  EXPECT_EQ(h.snapshot(1).last_reason, HealthReason::kConsecutive5xx);
  clock.advance(9s);
  h.tick();
  EXPECT_FALSE(h.available(1));
  clock.advance(1s);
  EXPECT_TRUE(h.available(1));  // honoured even before tick()
  h.tick();
  EXPECT_FALSE(h.snapshot(1).ejected);
  EXPECT_EQ(rec.log, (std::vector<std::string>{"1 down consecutive_5xx", "1 up ejection_expired"}));
}

TEST(HealthTracker, PassiveConnectFailures) {
  ManualClock clock;
  HealthTracker h(1, {}, {}, clock, nullptr);
  h.reportConnectFailure(0);
  h.reportConnectFailure(0);
  h.reportResponse(0, 503);  // a response (even 5xx) proves the connect works
  h.reportConnectFailure(0);
  h.reportConnectFailure(0);
  EXPECT_TRUE(h.available(0));
  h.reportConnectFailure(0);
  EXPECT_FALSE(h.available(0));
  EXPECT_EQ(h.snapshot(0).last_reason, HealthReason::kConsecutiveConnectFailures);
}

TEST(HealthTracker, PassiveDisabled) {
  ManualClock clock;
  PassiveHealthConfig passive;
  passive.enabled = false;
  HealthTracker h(1, {}, passive, clock, nullptr);
  for (int i = 0; i < 50; ++i) {
    h.reportResponse(0, 503);
    h.reportConnectFailure(0);
  }
  EXPECT_TRUE(h.available(0));
}

TEST(HealthTracker, ActiveAndPassiveCombine) {
  ManualClock clock;
  PassiveHealthConfig passive;
  passive.consecutive_connect_failures = 1;
  HealthTracker h(1, {1, 1}, passive, clock, nullptr);
  h.reportConnectFailure(0);
  EXPECT_FALSE(h.available(0));
  h.reportActive(0, true);  // active says fine, but the ejection still holds
  EXPECT_FALSE(h.available(0));
  clock.advance(30s);
  EXPECT_TRUE(h.available(0));
  h.reportActive(0, false);  // active now says down
  EXPECT_FALSE(h.available(0));
  EXPECT_EQ(h.availableCount(), 0u);
}

}  // namespace
}  // namespace gw::resilience
