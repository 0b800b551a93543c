#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "runtime/limit/redis_limiter.h"
#include "tests/integration/limit/redis_server.h"

namespace gw::limit {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

LimitSpec windowSpec(std::string name, std::uint32_t count, std::chrono::nanoseconds period,
                     OnStoreError onError = OnStoreError::allow) {
  LimitSpec s;
  s.name = std::move(name);
  s.algorithm = Algorithm::slidingWindow;
  s.rate = perPeriod(count, period);
  s.store = StoreKind::redis;
  s.onStoreError = onError;
  return s;
}

LimitSpec bucketSpec(std::string name, std::uint32_t count, std::chrono::nanoseconds period,
                     std::uint32_t burst, OnStoreError onError = OnStoreError::allow) {
  LimitSpec s = windowSpec(std::move(name), count, period, onError);
  s.algorithm = Algorithm::tokenBucket;
  s.burst = burst;
  return s;
}

// One gateway worker: its own io_context, connection and limiter.
struct Node {
  explicit Node(std::uint16_t port, std::chrono::milliseconds timeout = 200ms)
      : client(io, options(port, timeout),
               [this](LogLevel, std::string_view line) { logs.emplace_back(line); }),
        limiter(client) {}

  static RedisOptions options(std::uint16_t port, std::chrono::milliseconds timeout) {
    RedisOptions o;
    o.port = port;
    o.callTimeout = timeout;
    o.connectTimeout = 300ms;
    o.backoffMin = 20ms;
    o.backoffMax = 200ms;
    return o;
  }

  // Runs the loop until the decision completes (bounded: a hang fails the test).
  Decision decide(std::string_view key, const LimitSpec& spec,
                  std::chrono::milliseconds* took = nullptr) {
    std::optional<Decision> out;
    const auto start = Clock::now();
    limiter.asyncDecide(key, spec, [&](Decision d) { out = d; });
    while (!out && Clock::now() - start < 5s) {
      io.run_one_for(10ms);
    }
    if (took != nullptr) {
      *took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    }
    EXPECT_TRUE(out.has_value()) << "decision did not complete within 5s";
    return out.value_or(Decision{});
  }

  bool runUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto start = Clock::now();
    while (!done() && Clock::now() - start < limit) {
      io.run_one_for(10ms);
    }
    return done();
  }

  int countLogs(std::string_view needle) const {
    int n = 0;
    for (const auto& l : logs) {
      n += l.find(needle) != std::string::npos ? 1 : 0;
    }
    return n;
  }

  boost::asio::io_context io;
  std::vector<std::string> logs;
  RedisClient client;
  RedisLimiter limiter;
};

TEST(RedisLimiter, SlidingWindowAdmitsExactlyNThenDenies) {
  testing::RedisServer redis;
  Node node(redis.port());
  const LimitSpec spec = windowSpec("per_partner", 5, 3600s);
  for (std::uint32_t i = 0; i < 5; ++i) {
    const Decision d = node.decide("partner-a", spec);
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.source, DecisionSource::redis);
    EXPECT_EQ(d.remaining, 4 - i);
  }
  const Decision denied = node.decide("partner-a", spec);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.source, DecisionSource::redis);
  // Within the hour-long window the 5 count fully: retry once the next window weights them
  // down to 4, i.e. between 1/5 of a window and 1 + 1/5 windows from now.
  EXPECT_GE(denied.retryAfterMs, 720'000u);
  EXPECT_LE(denied.retryAfterMs, 4'320'000u);
  EXPECT_TRUE(node.decide("partner-b", spec).allowed) << "keys are independent";
  EXPECT_EQ(node.client.stats().noscript.load(), 1u) << "first EVALSHA loads the script";
  EXPECT_NE(redis.cli("EXISTS 'gw:rl:{per_partner:partner-a}:sw'").find('1'), std::string::npos);
}

TEST(RedisLimiter, TokenBucketRetryAfterAndRefill) {
  testing::RedisServer redis;
  Node node(redis.port());
  const LimitSpec spec = bucketSpec("per_ip", 10, 1s, 3);  // a token every 100ms
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(node.decide("10.0.0.1", spec).allowed);
  }
  const Decision denied = node.decide("10.0.0.1", spec);
  ASSERT_FALSE(denied.allowed);
  EXPECT_GT(denied.retryAfterMs, 0u);
  EXPECT_LE(denied.retryAfterMs, 100u);
  EXPECT_EQ(denied.limit, 3u);
  std::this_thread::sleep_for(std::chrono::milliseconds(denied.retryAfterMs + 5));
  EXPECT_TRUE(node.decide("10.0.0.1", spec).allowed) << "the bucket refilled one token";
  EXPECT_FALSE(node.decide("10.0.0.1", spec).allowed);
}

TEST(RedisLimiter, NoscriptAfterScriptFlushIsLoadedAndRetried) {
  testing::RedisServer redis;
  Node node(redis.port());
  const LimitSpec spec = windowSpec("flush", 3, 3600s);
  EXPECT_TRUE(node.decide("k", spec).allowed);
  EXPECT_EQ(node.client.stats().noscript.load(), 1u);
  EXPECT_TRUE(node.decide("k", spec).allowed);
  EXPECT_EQ(node.client.stats().noscript.load(), 1u);
  ASSERT_NE(redis.cli("SCRIPT FLUSH").find("OK"), std::string::npos);
  const Decision d = node.decide("k", spec);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.source, DecisionSource::redis);
  EXPECT_EQ(d.remaining, 0u);
  EXPECT_EQ(node.client.stats().noscript.load(), 2u);
  EXPECT_EQ(node.client.stats().storeErrors.load(), 0u);
}

TEST(RedisLimiter, CoroutinesCanAwaitDecisions) {
  testing::RedisServer redis;
  Node node(redis.port());
  const LimitSpec spec = windowSpec("coro", 2, 3600s);
  std::vector<bool> results;
  boost::asio::co_spawn(
      node.io,
      [&]() -> boost::asio::awaitable<void> {
        for (int i = 0; i < 3; ++i) {
          const Decision d =
              co_await node.limiter.asyncDecide("k", spec, boost::asio::use_awaitable);
          results.push_back(d.allowed);
        }
      },
      boost::asio::detached);
  ASSERT_TRUE(node.runUntil([&] { return results.size() == 3; }, 5s));
  EXPECT_EQ(results, (std::vector<bool>{true, true, false}));
}

// Two gateway instances (threads, io_contexts, connections) hammer one key with 32 calls in
// flight each; together they must admit the limit, within 2%.
std::uint32_t sharedAdmitted(std::uint16_t port, const LimitSpec& spec, int attemptsEach) {
  std::atomic<std::uint32_t> admitted{0};
  auto worker = [&] {
    Node node(port, 2000ms);
    int issued = 0;
    int completed = 0;
    std::function<void()> issue = [&] {
      ++issued;
      node.limiter.asyncDecide("shared-client", spec, [&](Decision d) {
        ++completed;
        EXPECT_EQ(d.source, DecisionSource::redis);
        admitted.fetch_add(d.allowed ? 1 : 0);
        if (issued < attemptsEach) {
          issue();
        }
      });
    };
    for (int i = 0; i < 32; ++i) {
      issue();
    }
    EXPECT_TRUE(node.runUntil([&] { return completed == attemptsEach; }, 30s));
  };
  std::thread a(worker);
  std::thread b(worker);
  a.join();
  b.join();
  return admitted.load();
}

TEST(RedisLimiter, TwoInstancesShareOneSlidingWindowLimit) {
  testing::RedisServer redis;
  const LimitSpec spec = windowSpec("global", 2000, 3600s);
  const std::uint32_t admitted = sharedAdmitted(redis.port(), spec, 3000);
  EXPECT_NEAR(admitted, 2000.0, 2000 * 0.02);
}

TEST(RedisLimiter, TwoInstancesShareOneTokenBucket) {
  testing::RedisServer redis;
  const LimitSpec spec = bucketSpec("global_bucket", 1, 3600s, 1500);
  const std::uint32_t admitted = sharedAdmitted(redis.port(), spec, 2500);
  EXPECT_NEAR(admitted, 1500.0, 1500 * 0.02);
}

void killMidTest(OnStoreError onError) {
  testing::RedisServer redis;
  Node node(redis.port(), 150ms);
  const LimitSpec spec = windowSpec("resilient", 3, 3600s, onError);
  ASSERT_TRUE(node.decide("k", spec).allowed);
  ASSERT_EQ(node.decide("k", spec).source, DecisionSource::redis);

  redis.kill();
  std::chrono::milliseconds worst{0};
  for (int i = 0; i < 50; ++i) {
    std::chrono::milliseconds took{0};
    const Decision d = node.decide("k", spec, &took);
    worst = std::max(worst, took);
    EXPECT_EQ(d.source, DecisionSource::fallback);
    EXPECT_EQ(d.allowed, onError == OnStoreError::allow);
    if (!d.allowed) {
      EXPECT_EQ(d.retryAfterMs, 1000u);
    }
  }
  EXPECT_LE(worst, 150ms + 100ms) << "no call may wait past its timeout";
  const auto& stats = node.client.stats();
  const auto fallbacks = onError == OnStoreError::allow ? stats.fallbackAllow.load()
                                                        : stats.fallbackDeny.load();
  EXPECT_EQ(fallbacks, 50u);
  EXPECT_GE(stats.storeErrors.load(), 50u);
  EXPECT_EQ(node.countLogs("unavailable"), 1) << "logged once per state change";
  EXPECT_FALSE(node.client.available());

  redis.restart();
  ASSERT_TRUE(node.runUntil([&] { return node.client.connected(); }, 5s)) << "reconnects";
  // Enforcement resumes (the restarted server has no data: a fresh count).
  for (int i = 0; i < 3; ++i) {
    const Decision d = node.decide("k", spec);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.source, DecisionSource::redis);
  }
  EXPECT_FALSE(node.decide("k", spec).allowed);
  EXPECT_EQ(node.countLogs("available again"), 1);
  EXPECT_EQ(stats.stateChanges.load(), 2u);
  EXPECT_EQ(node.logs.size(), 2u);
}

// Two workers' connections report into one RedisStats (as in gw): counters add up, the gauges
// follow the connections, and each store-level state change is logged once, not per worker.
TEST(RedisLimiter, WorkersShareStatsAndLogOncePerChange) {
  testing::RedisServer redis;
  boost::asio::io_context io;
  RedisStats shared;
  std::vector<std::string> logs;
  LogSink sink = [&](LogLevel, std::string_view line) { logs.emplace_back(line); };
  const RedisOptions options = Node::options(redis.port(), 200ms);
  RedisClient a(io, options, sink, &shared);
  RedisClient b(io, options, sink, &shared);
  RedisLimiter la(a), lb(b);
  const LimitSpec spec = bucketSpec("shared", 100, 1s, 100);
  auto decideOn = [&](RedisLimiter& l) {
    std::optional<Decision> out;
    l.asyncDecide("k", spec, [&](Decision d) { out = d; });
    const auto start = Clock::now();
    while (!out && Clock::now() - start < 5s) io.run_one_for(10ms);
    return out.value_or(Decision{});
  };
  auto runUntil = [&](const std::function<bool()>& done) {
    const auto start = Clock::now();
    while (!done() && Clock::now() - start < 5s) io.run_one_for(10ms);
    return done();
  };
  EXPECT_EQ(decideOn(la).source, DecisionSource::redis);
  EXPECT_EQ(decideOn(lb).source, DecisionSource::redis);
  EXPECT_EQ(shared.decisions.load(), 2u);
  ASSERT_TRUE(runUntil([&] { return shared.connectionsUp.load() == 2; }));

  redis.kill();
  EXPECT_EQ(decideOn(la).source, DecisionSource::fallback);
  EXPECT_EQ(decideOn(lb).source, DecisionSource::fallback);
  EXPECT_EQ(shared.fallbackAllow.load(), 2u);
  EXPECT_EQ(shared.unavailableClients.load(), 2);
  EXPECT_EQ(shared.connectionsUp.load(), 0);
  redis.restart();
  ASSERT_TRUE(runUntil([&] { return shared.unavailableClients.load() == 0; }))
      << "both connections come back (their PING answers) without any request";
  EXPECT_EQ(shared.connectionsUp.load(), 2);
  EXPECT_EQ(shared.stateChanges.load(), 2u);
  ASSERT_EQ(logs.size(), 2u) << "one line down, one line up, for two connections";
  EXPECT_NE(logs[0].find("unavailable"), std::string::npos);
  EXPECT_NE(logs[1].find("available again"), std::string::npos);
}

TEST(RedisLimiter, KilledRedisFailsOpenWithAllow) { killMidTest(OnStoreError::allow); }

TEST(RedisLimiter, KilledRedisFailsClosedWithDeny) { killMidTest(OnStoreError::deny); }

TEST(RedisLimiter, HungRedisTimesOutThenRecovers) {
  testing::RedisServer redis;
  Node node(redis.port(), 100ms);
  const LimitSpec spec = bucketSpec("hung", 1, 3600s, 100, OnStoreError::deny);
  ASSERT_TRUE(node.decide("k", spec).allowed);
  redis.pause();
  std::chrono::milliseconds took{0};
  const Decision d = node.decide("k", spec, &took);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.source, DecisionSource::fallback);
  EXPECT_GE(took, 90ms);
  EXPECT_LE(took, 300ms);
  EXPECT_GE(node.client.stats().timeouts.load(), 1u);
  // While it stays hung, reconnect attempts time out and calls keep failing fast or on time.
  for (int i = 0; i < 5; ++i) {
    std::chrono::milliseconds t{0};
    EXPECT_EQ(node.decide("k", spec, &t).source, DecisionSource::fallback);
    EXPECT_LE(t, 450ms);
  }
  redis.resume();
  ASSERT_TRUE(node.runUntil([&] { return node.client.connected(); }, 5s));
  const Decision back = node.decide("k", spec);
  EXPECT_TRUE(back.allowed);
  EXPECT_EQ(back.source, DecisionSource::redis);
  EXPECT_EQ(node.countLogs("unavailable"), 1);
  EXPECT_EQ(node.countLogs("available again"), 1);
}

TEST(RedisLimiter, UnreachableAtStartupFallsBackImmediately) {
  Node node(testing::freeLoopbackPort(), 100ms);  // nothing listens there
  const LimitSpec spec = windowSpec("nobody", 1, 1s, OnStoreError::deny);
  ASSERT_TRUE(node.runUntil([&] { return !node.client.available(); }, 2s));
  std::chrono::milliseconds took{0};
  const Decision d = node.decide("k", spec, &took);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.source, DecisionSource::fallback);
  EXPECT_LE(took, 150ms);
  EXPECT_GE(node.client.stats().connectFailures.load(), 1u);
}

TEST(RedisLimiter, KeysCarryAClusterHashTag) {
  EXPECT_EQ(RedisLimiter::redisKeyFor("per_ip", "10.1.2.3", Algorithm::tokenBucket),
            "gw:rl:{per_ip:10.1.2.3}:tb");
  const std::string longKey(1000, 'x');
  const std::string k = RedisLimiter::redisKeyFor("l", longKey, Algorithm::slidingWindow);
  EXPECT_LT(k.size(), 64u);
  EXPECT_EQ(k.rfind("gw:rl:{l:#", 0), 0u);
}

}  // namespace
}  // namespace gw::limit
