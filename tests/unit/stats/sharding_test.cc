// Two workers write their own shards while a scraper renders and a control thread registers new
// series (a reload); the final totals must be exact and scraped values never go backwards.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "runtime/stats/registry.h"
#include "runtime/stats/route_series.h"

namespace gw::stats {
namespace {

using namespace std::chrono_literals;

TEST(Sharding, TwoWorkersAggregateExactlyWhileScraped) {
  constexpr int kIterations = 200'000;
  Registry reg(2);
  std::vector<std::string> names = {"a", "b"};
  auto routes = registerRoutes(reg, std::span<const std::string>(names));
  Gauge conns = reg.gauge(Metric::kUpstreamActiveConnections, {"u", "s"});
  Counter noRoute = reg.counter(Metric::kNoRouteTotal);

  std::atomic<bool> stop{false};
  std::atomic<int> scrapes{0};
  std::thread scraper([&] {
    std::uint64_t last = 0;
    while (!stop.load()) {
      std::string text = reg.render();
      std::uint64_t now = reg.value(routes[0].requests, 200);
      EXPECT_GE(now, last);
      last = now;
      EXPECT_NE(text.find("gw_no_route_total"), std::string::npos);
      scrapes.fetch_add(1);
    }
  });
  std::thread reloader([&] {
    for (int i = 0; i < 2000; ++i) {
      std::string name = "reloaded-" + std::to_string(i);
      reg.codeCounter(Metric::kRequestsTotal, {name});  // grows the tables under the writers
      reg.histogram(Metric::kRequestDurationSeconds, {name});
    }
  });
  auto work = [&](std::size_t w) {
    Shard& shard = reg.shard(w);
    for (int i = 0; i < kIterations; ++i) {
      recordRequest(shard, routes[i % 2], i % 3 == 0 ? 503 : 200, 100us * (w + 1), 1, 2);
      shard.add(conns, 1);
      shard.inc(noRoute);
      shard.add(conns, -1);
    }
  };
  std::thread w0(work, 0);
  std::thread w1(work, 1);
  w0.join();
  w1.join();
  reloader.join();
  stop = true;
  scraper.join();
  EXPECT_GT(scrapes.load(), 0);

  std::uint64_t total = 0;
  for (const RouteSeries& r : routes) {
    total += reg.value(r.requests, 200) + reg.value(r.requests, 503);
  }
  EXPECT_EQ(total, 2u * kIterations);
  std::uint64_t expected503 = 0;
  for (int i = 0; i < kIterations; i += 2) {
    expected503 += i % 3 == 0 ? 1 : 0;
  }
  EXPECT_EQ(reg.value(routes[0].requests, 503), 2 * expected503);
  EXPECT_EQ(reg.value(noRoute), 2u * kIterations);
  EXPECT_EQ(reg.value(conns), 0);
  EXPECT_EQ(reg.value(routes[1].bytesOut), 2u * kIterations);  // 2 bytes x half x 2 workers
  HistogramSnapshot h = reg.snapshot(routes[0].duration);
  EXPECT_EQ(h.count, static_cast<std::uint64_t>(kIterations));
  EXPECT_EQ(h.buckets[1], kIterations / 2u);  // worker 0: 100us, le 0.0001
  EXPECT_EQ(h.buckets[2], kIterations / 2u);  // worker 1: 200us, le 0.00025
  EXPECT_EQ(h.sumNs, std::uint64_t{kIterations / 2} * 300'000u);
}

TEST(Sharding, StorageLimitRejectsInsteadOfGrowingForever) {
  Registry reg(1);
  Counter rejected = reg.counter(Metric::kStatsSeriesRejectedTotal);
  // Histograms take 20 slots: 4 Mi slots hold about 209k of them; ask for more.
  std::size_t ok = 0;
  bool sawReject = false;
  for (std::size_t i = 0; i < 220'000 && !sawReject; ++i) {
    Histogram h = reg.histogram(Metric::kRequestDurationSeconds, {std::to_string(i)});
    if (h.valid()) {
      ++ok;
    } else {
      sawReject = true;
    }
  }
  EXPECT_TRUE(sawReject);
  EXPECT_GT(ok, 200'000u);
  EXPECT_EQ(reg.value(rejected), 1u);
}

}  // namespace
}  // namespace gw::stats
