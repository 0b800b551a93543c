#include "runtime/stats/registry.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "runtime/stats/route_series.h"

namespace gw::stats {
namespace {

using namespace std::chrono_literals;

TEST(MetricsDef, NamesAreUniquePrefixedAndWellFormed) {
  std::set<std::string_view> names;
  for (const MetricSpec& s : kBuiltinSpecs) {
    EXPECT_TRUE(names.insert(s.name).second) << s.name;
    EXPECT_EQ(s.name.substr(0, 3), "gw_") << s.name;
    EXPECT_FALSE(s.help.empty()) << s.name;
    bool counterLike = s.kind == MetricKind::kCounter || s.kind == MetricKind::kCodeCounter;
    EXPECT_EQ(counterLike, s.name.ends_with("_total")) << s.name;
    for (std::size_t i = 0; i < s.labelCount; ++i) {
      EXPECT_NE(s.labels[i], "code");
      EXPECT_NE(s.labels[i], "le");
    }
  }
  EXPECT_EQ(kBuiltinSpecs[static_cast<std::size_t>(Metric::kRequestsTotal)].name,
            "gw_requests_total");
  EXPECT_EQ(kBuiltinSpecs[static_cast<std::size_t>(Metric::kBreakerState)].labelCount, 2u);
}

TEST(Registry, SameLabelsSameSeriesSoReloadsKeepTotals) {
  Registry reg(1);
  std::vector<std::string> v1 = {"users", "orders"};
  auto gen1 = registerRoutes(reg, std::span<const std::string>(v1));
  reg.shard(0).inc(gen1[0].requests, 200);
  reg.shard(0).inc(gen1[1].requests, 200);
  // Reload: "orders" renamed, "users" kept at a new index.
  std::vector<std::string> v2 = {"carts", "users"};
  auto gen2 = registerRoutes(reg, std::span<const std::string>(v2));
  EXPECT_EQ(gen2[1].requests.slot, gen1[0].requests.slot);
  EXPECT_NE(gen2[0].requests.slot, gen1[1].requests.slot);
  reg.shard(0).inc(gen2[1].requests, 200);
  EXPECT_EQ(reg.value(gen2[1].requests, 200), 2u);
  EXPECT_EQ(reg.value(gen2[0].requests, 200), 0u);
}

TEST(Registry, MismatchesAreRejectedAndCounted) {
  Registry reg(1);
  Counter rejected = reg.counter(Metric::kStatsSeriesRejectedTotal);
  ASSERT_TRUE(rejected.valid());
  EXPECT_FALSE(reg.counter(Metric::kRequestsTotal, {"r"}).valid());  // it is a code counter
  EXPECT_FALSE(reg.counter(Metric::kAuthzDeniedTotal, {"only-route"}).valid());
  EXPECT_FALSE(reg.gauge(Metric::kNoRouteTotal).valid());
  EXPECT_FALSE(reg.counter(MetricId(9999u)).valid());
  EXPECT_EQ(reg.value(rejected), 4u);
  // Writes through a rejected handle go to the sink and are never rendered.
  Counter bad = reg.counter(Metric::kAuthzDeniedTotal, {"x"});
  reg.shard(0).inc(bad, 5);
  reg.inc(bad, 5);
  reg.shard(0).observe(Histogram{}, 1s);
  reg.shard(0).inc(CodeCounter{}, 503);
  EXPECT_EQ(reg.render().find("only-route"), std::string::npos);
  EXPECT_EQ(reg.value(bad), 0u);
}

TEST(Registry, LongLabelValuesAreTruncated) {
  Registry reg(1);
  std::string longName(1000, 'a');
  Counter a = reg.counter(Metric::kRateLimitedTotal, {longName});
  Counter b = reg.counter(Metric::kRateLimitedTotal, {std::string(Registry::kMaxLabelValue, 'a')});
  EXPECT_TRUE(a.valid());
  EXPECT_EQ(a.slot, b.slot);
}

TEST(Registry, DefineCustomFamilies) {
  Registry reg(2);
  MetricSpec spec{MetricKind::kCounter, "gw_custom_total", "custom", {"k"}, 1};
  MetricId id = reg.define(spec);
  ASSERT_TRUE(id.valid());
  EXPECT_EQ(reg.define(spec).index, id.index);  // idempotent
  MetricSpec conflict{MetricKind::kGauge, "gw_custom_total", "other", {"k"}, 1};
  EXPECT_FALSE(reg.define(conflict).valid());
  EXPECT_FALSE(reg.define(MetricSpec{MetricKind::kCounter, "bad name", "x", {}, 0}).valid());
  EXPECT_FALSE(reg.define(MetricSpec{MetricKind::kCounter, "gw_y", "x", {"le"}, 1}).valid());
  EXPECT_FALSE(reg.define(MetricSpec{MetricKind::kCounter, "9gw", "x", {}, 0}).valid());
  Counter c = reg.counter(id, {"v"});
  reg.shard(1).inc(c, 3);
  reg.inc(c);
  EXPECT_EQ(reg.value(c), 4u);
  EXPECT_NE(reg.render().find("# TYPE gw_custom_total counter\ngw_custom_total{k=\"v\"} 4\n"),
            std::string::npos);
}

TEST(Registry, GaugesAddAcrossShardsAndSetOnControl) {
  Registry reg(2);
  Gauge active = reg.gauge(Metric::kUpstreamActiveConnections, {"users", "10.0.0.1:80"});
  reg.shard(0).add(active, 3);
  reg.shard(1).add(active, 1);
  reg.shard(0).add(active, -2);
  EXPECT_EQ(reg.value(active), 2);
  reg.shard(1).add(active, -3);
  EXPECT_EQ(reg.value(active), -1);  // transiently negative is representable
  Gauge healthy = reg.gauge(Metric::kUpstreamHealthy, {"users", "10.0.0.1:80"});
  reg.set(healthy, 1);
  reg.set(healthy, 0);
  reg.set(healthy, 1);
  EXPECT_EQ(reg.value(healthy), 1);
}

TEST(Registry, HistogramBucketsSumAndCount) {
  Registry reg(1);
  Histogram h = reg.histogram(Metric::kRequestDurationSeconds, {"r"});
  reg.shard(0).observe(h, 10us);    // bucket 0
  reg.shard(0).observe(h, 50us);    // bucket 0 (le is inclusive)
  reg.shard(0).observe(h, 700us);   // bucket 4 (le 0.001)
  reg.shard(0).observe(h, 45s);     // +Inf
  reg.shard(0).observe(h, -5ms);    // clamped to 0
  reg.observe(h, 3ms);              // control shard, bucket 6 (le 0.005)
  HistogramSnapshot s = reg.snapshot(h);
  EXPECT_EQ(s.count, 6u);
  EXPECT_EQ(s.buckets[0], 3u);
  EXPECT_EQ(s.buckets[4], 1u);
  EXPECT_EQ(s.buckets[6], 1u);
  EXPECT_EQ(s.buckets[kLatencyBuckets - 1], 1u);
  EXPECT_EQ(s.sumNs, 10'000u + 50'000u + 700'000u + 45'000'000'000u + 3'000'000u);
}

TEST(Registry, RetiredSeriesDisappearAndStayHarmless) {
  Registry reg(1);
  Gauge v1 = reg.gauge(Metric::kPolicyInfo, {"1", "abc"});
  reg.set(v1, 1);
  EXPECT_NE(reg.render().find("gw_policy_info{version=\"1\",hash=\"abc\"} 1"), std::string::npos);
  reg.retire(v1.slot);
  Gauge v2 = reg.gauge(Metric::kPolicyInfo, {"2", "def"});
  reg.set(v2, 1);
  reg.set(v1, 1);
  std::string text = reg.render();
  EXPECT_EQ(text.find("abc"), std::string::npos);
  EXPECT_NE(text.find("gw_policy_info{version=\"2\",hash=\"def\"} 1"), std::string::npos);
  EXPECT_NE(reg.gauge(Metric::kPolicyInfo, {"1", "abc"}).slot, v1.slot);  // fresh, not reused
}

TEST(Registry, CollectorsRunInOrderAndCanBeRemoved) {
  Registry reg(1);
  CollectorId a = reg.addCollector([](MetricWriter& w) {
    w.family("gw_a_total", "a", MetricKind::kCounter);
    w.sample("gw_a_total", {}, std::uint64_t{1});
  });
  reg.addCollector([](MetricWriter& w) {
    w.family("gw_b", "b", MetricKind::kGauge);
    w.sample("gw_b", {{"x", "y"}}, std::int64_t{-2});
  });
  std::string text = reg.render();
  std::size_t pa = text.find("gw_a_total 1\n");
  std::size_t pb = text.find("gw_b{x=\"y\"} -2\n");
  ASSERT_NE(pa, std::string::npos);
  ASSERT_NE(pb, std::string::npos);
  EXPECT_LT(pa, pb);
  EXPECT_LT(text.find("gw_stats_series_rejected_total"), pa);  // own families come first
  reg.removeCollector(a);
  text = reg.render();
  EXPECT_EQ(text.find("gw_a_total"), std::string::npos);
  EXPECT_NE(text.find("gw_b{x=\"y\"} -2\n"), std::string::npos);
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The exact exposition text of a small, fixed scenario. Set GW_UPDATE_GOLDEN=1 to rewrite the
// golden file, then review the diff.
TEST(Registry, GoldenExposition) {
  Registry reg(2);
  std::vector<std::string_view> routes = {"users", "a\"b\\c\nd"};
  auto rs = registerRoutes(reg, std::span<const std::string_view>(routes));
  recordRequest(reg.shard(0), rs[0], 200, 120us, 0, 512);
  recordRequest(reg.shard(1), rs[0], 200, 2ms, 10, 100);
  recordRequest(reg.shard(1), rs[0], 503, 40s, 0, 0);
  recordRequest(reg.shard(0), rs[1], 404, 30us, 0, 0);
  reg.shard(0).inc(reg.counter(Metric::kNoRouteTotal));
  reg.shard(1).inc(reg.counter(Metric::kAuthnFailuresTotal, {"jwt", "expired"}), 2);
  reg.inc(reg.counter(Metric::kReloadTotal, {"ok"}));
  reg.inc(reg.counter(Metric::kReloadTotal, {"failed"}), 3);
  reg.set(reg.gauge(Metric::kUpstreamHealthy, {"users", "10.0.0.2:8080"}), 0);
  reg.set(reg.gauge(Metric::kUpstreamHealthy, {"users", "10.0.0.1:8080"}), 1);
  reg.shard(0).add(reg.gauge(Metric::kUpstreamActiveConnections, {"users", "10.0.0.1:8080"}), 4);
  reg.set(reg.gauge(Metric::kPolicyInfo, {"7", "9f86d081"}), 1);
  reg.set(reg.gauge(Metric::kPolicyLoadedTimestampSeconds), 1714566896);
  reg.counter(Metric::kRetriesTotal, {"users"});  // registered, still zero: not shown
  std::string text = reg.render();

  const char* src = std::getenv("GW_SOURCE_DIR");
  std::string path = std::string(src != nullptr ? src : ".") + "/tests/unit/stats/golden/exposition.txt";
  if (std::getenv("GW_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << text;
  }
  EXPECT_EQ(text, readFile(path)) << "golden: " << path;
}

}  // namespace
}  // namespace gw::stats

namespace gw::stats {
namespace {

// docs/observability.md documents every family of metrics.def.
TEST(MetricsDef, EveryMetricIsDocumented) {
  const char* src = std::getenv("GW_SOURCE_DIR");
  std::string docs = readFile(std::string(src != nullptr ? src : ".") + "/docs/observability.md");
  ASSERT_FALSE(docs.empty());
  for (const MetricSpec& s : kBuiltinSpecs) {
    EXPECT_NE(docs.find("| `" + std::string(s.name) + "` |"), std::string::npos) << s.name;
  }
}

}  // namespace
}  // namespace gw::stats
