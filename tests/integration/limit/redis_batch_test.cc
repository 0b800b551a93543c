// Pipelining against a real redis-server: the limits of one request go out as one batch, and
// calls issued in one event-loop turn (concurrent requests of one worker) share one socket write.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
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

LimitSpec spec(std::string name, Algorithm algorithm, std::uint32_t count,
               OnStoreError onError = OnStoreError::allow) {
  LimitSpec s;
  s.name = std::move(name);
  s.algorithm = algorithm;
  s.rate = perPeriod(count, 3600s);
  s.burst = algorithm == Algorithm::tokenBucket ? count : 0;
  s.store = StoreKind::redis;
  s.onStoreError = onError;
  return s;
}

struct Worker {
  explicit Worker(std::uint16_t port) : client(io, options(port), [](LogLevel, std::string_view) {}),
                                        limiter(client) {}
  static RedisOptions options(std::uint16_t port) {
    RedisOptions o;
    o.port = port;
    o.callTimeout = 2000ms;
    return o;
  }
  bool runUntil(const std::function<bool()>& done) {
    const auto start = Clock::now();
    while (!done() && Clock::now() - start < 5s) io.run_one_for(10ms);
    return done();
  }
  // One decision per spec so each script is loaded (NOSCRIPT costs extra writes) and the
  // connection is up before the counted part.
  void warmUp(const std::vector<const LimitSpec*>& specs) {
    for (const LimitSpec* s : specs) {
      std::optional<Decision> d;
      limiter.asyncDecide("warm-up", *s, [&](Decision x) { d = x; });
      ASSERT_TRUE(runUntil([&] { return d.has_value(); }));
      ASSERT_EQ(d->source, DecisionSource::redis);
    }
  }
  std::uint64_t writes() const { return client.stats().writes.load(); }

  boost::asio::io_context io;
  RedisClient client;
  RedisLimiter limiter;
};

TEST(RedisBatch, OneRequestsLimitsShareOneWriteAndMostRestrictiveIsKept) {
  testing::RedisServer redis;
  Worker w(redis.port());
  const LimitSpec perUser = spec("per_user", Algorithm::slidingWindow, 100);
  const LimitSpec perRoute = spec("per_route", Algorithm::tokenBucket, 1);
  const LimitSpec global = spec("global", Algorithm::slidingWindow, 1000);
  w.warmUp({&perUser, &perRoute, &global});

  for (int round = 0; round < 2; ++round) {
    Decision out[3];
    const RedisLimiter::BatchItem items[] = {
        {"alice", &perUser, &out[0]}, {"orders", &perRoute, &out[1]}, {"all", &global, &out[2]}};
    const std::uint64_t before = w.writes();
    const std::uint64_t decided = w.client.stats().decisions.load();
    bool done = false;
    boost::asio::co_spawn(
        w.io,
        [&]() -> boost::asio::awaitable<void> {
          co_await w.limiter.asyncDecideAll(items, boost::asio::use_awaitable);
          done = true;
        },
        boost::asio::detached);
    ASSERT_TRUE(w.runUntil([&] { return done; }));
    EXPECT_EQ(w.writes() - before, 1u) << "three EVALSHA in one write (one round trip)";
    EXPECT_EQ(w.client.stats().decisions.load() - decided, 3u);
    for (const Decision& d : out) EXPECT_EQ(d.source, DecisionSource::redis);
    EXPECT_TRUE(out[0].allowed);
    EXPECT_EQ(out[1].allowed, round == 0) << "the bucket of 1 refuses the second batch";
    EXPECT_TRUE(out[2].allowed);
    EXPECT_EQ(out[0].remaining, 99u - static_cast<std::uint32_t>(round));
  }
}

TEST(RedisBatch, EmptyBatchCompletesAndUnreachableStoreFallsBack) {
  Worker w(testing::freeLoopbackPort());  // nothing listens there
  const LimitSpec closed = spec("closed", Algorithm::tokenBucket, 5, OnStoreError::deny);
  bool emptyDone = false;
  w.limiter.asyncDecideAll({}, [&] { emptyDone = true; });
  EXPECT_FALSE(emptyDone) << "completion is never run inside the initiating call";
  ASSERT_TRUE(w.runUntil([&] { return emptyDone; }));

  ASSERT_TRUE(w.runUntil([&] { return !w.client.available(); }));
  Decision out[2];
  const RedisLimiter::BatchItem items[] = {{"a", &closed, &out[0]}, {"b", &closed, &out[1]}};
  bool done = false;
  w.limiter.asyncDecideAll(items, [&] { done = true; });
  ASSERT_TRUE(w.runUntil([&] { return done; }));
  for (const Decision& d : out) {
    EXPECT_EQ(d.source, DecisionSource::fallback);
    EXPECT_FALSE(d.allowed);
  }
}

// Concurrent requests of one worker: calls issued in one loop turn leave in one write, and the
// replies still reach the right callers (each key's own count).
TEST(RedisBatch, CallsIssuedInOneLoopTurnShareOneWrite) {
  testing::RedisServer redis;
  Worker w(redis.port());
  const LimitSpec perClient = spec("per_client", Algorithm::tokenBucket, 3);
  w.warmUp({&perClient});
  const std::uint64_t before = w.writes();
  const int kCalls = 64;
  std::vector<Decision> got(kCalls);
  int done = 0;
  for (int i = 0; i < kCalls; ++i) {
    // 16 clients, 4 calls each: each client's 4th call is refused.
    w.limiter.asyncDecide("client-" + std::to_string(i % 16), perClient, [&, i](Decision d) {
      got[static_cast<size_t>(i)] = d;
      ++done;
    });
  }
  ASSERT_TRUE(w.runUntil([&] { return done == kCalls; }));
  EXPECT_EQ(w.writes() - before, 1u) << "64 calls issued together share one write";
  for (int i = 0; i < kCalls; ++i) {
    EXPECT_EQ(got[static_cast<size_t>(i)].source, DecisionSource::redis);
    EXPECT_EQ(got[static_cast<size_t>(i)].allowed, i < 48) << "call " << i;
  }
}

}  // namespace
}  // namespace gw::limit
