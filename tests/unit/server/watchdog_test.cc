// Watchdog: deadlines that alternate between a longer and a shorter timeout (the client's and
// the upstream's, every request) cost no timer cancel once the timer runs on its cadence, and
// a deadline shorter than the cadence still fires on time.
#include "runtime/server/watchdog.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>

namespace gw::server {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

struct WatchdogFixture : ::testing::Test {
  asio::io_context ioc;
  Watchdog watchdog{ioc.get_executor()};

  WatchdogFixture() {
    asio::co_spawn(ioc, watchdog.run(), asio::detached);
    ioc.poll();
  }
  ~WatchdogFixture() override {
    watchdog.stop();
    ioc.run_for(1s);
  }
};

TEST_F(WatchdogFixture, AlternatingTimeoutsDoNotCancelTheTimer) {
  std::size_t wakeUps = 0;
  for (int i = 0; i < 100; ++i) {
    watchdog.arm(30000ms);  // the upstream read
    watchdog.disarm();
    wakeUps += i > 0 ? ioc.poll() : 0;  // the first round sets the cadence (one cancel)
    ioc.poll();
    watchdog.arm(60000ms);  // the next request's idle wait
    watchdog.disarm();
    wakeUps += ioc.poll();
  }
  // Without the cadence every arm() finds the timer waiting for "never" (it was set while the
  // session was disarmed) and cancels it: two wake-ups per round.
  EXPECT_EQ(wakeUps, 0u);
  EXPECT_FALSE(watchdog.fired());
}

TEST_F(WatchdogFixture, ShortDeadlineFiresOnTime) {
  watchdog.arm(30000ms);
  ioc.poll();
  auto start = std::chrono::steady_clock::now();
  watchdog.arm(50ms);  // shorter than the timer's expiry (and than kMinCadence): a cancel
  while (!watchdog.fired() && std::chrono::steady_clock::now() - start < 5s) {
    ioc.run_one_for(100ms);
  }
  EXPECT_TRUE(watchdog.fired());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

}  // namespace
}  // namespace gw::server
