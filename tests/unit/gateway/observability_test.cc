// The gateway's side of observability: per-generation metric series (registered before
// publishing, kept across a reload by name), the upstream-state collector, /routes and /status
// views, and the reloader's diagnostic splitting.
#include <gtest/gtest.h>

#include <cstdio>

#include "compiler/diag/render.h"
#include "compiler/policy/build.h"
#include "runtime/gateway/admin_views.h"
#include "runtime/gateway/gateway_metrics.h"
#include "runtime/gateway/generation.h"
#include "runtime/gateway/policy_store.h"
#include "runtime/gateway/reloader.h"

namespace gw::gateway {
namespace {

constexpr const char* kPolicy = R"(
upstream users {
  server 10.0.0.1:9001
  server 10.0.0.2:9001
  breaker failures 1 open 30s close_after 1
}
upstream other { server 10.0.0.3:80 }
limit per_ip token_bucket { key client.ip rate 10/s burst 20 }
route read { match { path "/users/{id}" method [GET, HEAD] host "api.example.com" } limit per_ip forward users }
route write {
  match { path prefix "/admin" }
  authorize { deny when request.header("x-block") == "1" }
  forward other
}
)";

class ObservabilityTest : public ::testing::Test {
 protected:
  std::shared_ptr<const Generation> build(const std::string& text, uint64_t id) {
    std::string path = ::testing::TempDir() + "/observability_test.gw";
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
    SourceManager sources;
    DiagnosticSink diags;
    auto p = policy::compilePolicyFile(path, sources, diags);
    EXPECT_TRUE(p) << renderText(diags, sources, false);
    if (!p) return nullptr;
    std::string error;
    auto g = Generation::build(p, shared_, ::testing::TempDir(), id, "interpreter", &error);
    EXPECT_TRUE(g) << error;
    return g;
  }

  SharedState shared_;
  void SetUp() override { shared_.registry = std::make_unique<stats::Registry>(2); }
};

TEST_F(ObservabilityTest, SeriesRegisteredPerGenerationAndKeptAcrossReload) {
  auto g1 = build(kPolicy, 1);
  ASSERT_TRUE(g1);
  const GenerationSeries& s = g1->series;
  ASSERT_EQ(s.routes.size(), 2u);
  ASSERT_EQ(s.upstreams.size(), 2u);
  ASSERT_EQ(s.rateLimited.size(), 1u);
  stats::Registry& r = *shared_.registry;
  stats::Shard& shard = r.shard(1);
  stats::recordRequest(shard, s.route(0), 200, std::chrono::milliseconds(3), 5, 7);
  stats::recordRequest(shard, s.route(-1), 404, std::chrono::microseconds(30), 0, 60);
  shard.inc(s.deniedBy(g1->policy(), 1, g1->policy().routes()[1].authz[0].name, 0));
  shard.inc(s.upstreams[0].connectFailures);
  std::string text = r.render();
  EXPECT_NE(text.find("gw_requests_total{route=\"read\",code=\"200\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("gw_requests_total{route=\"\",code=\"404\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("gw_request_duration_seconds_bucket{route=\"read\",le=\"0.005\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("gw_request_bytes_total{route=\"read\"} 5\n"), std::string::npos);
  EXPECT_NE(text.find("gw_authz_denied_total{route=\"write\",rule=\"deny when"), std::string::npos)
      << text;
  EXPECT_NE(text.find("gw_upstream_connect_failures_total{upstream=\"users\"} 1\n"),
            std::string::npos);
  // The same names in the next generation: the same series, so totals carry over.
  auto g2 = build(kPolicy, 2);
  ASSERT_TRUE(g2);
  EXPECT_EQ(g2->series.routes[0].requests.slot, s.routes[0].requests.slot);
  EXPECT_EQ(g2->series.upstreams[0].connectFailures.slot, s.upstreams[0].connectFailures.slot);
  EXPECT_EQ(r.value(g2->series.routes[0].requests, 200), 1u);
}

TEST_F(ObservabilityTest, UpstreamStateCollectorReadsTheServingGeneration) {
  auto g = build(kPolicy, 1);
  ASSERT_TRUE(g);
  PolicyStore store;
  store.publish(g);
  stats::CollectorId id = addUpstreamStateCollector(*shared_.registry, store);
  ServerRuntime& srv = *g->upstreams[0].runtime->servers()[0];
  resilience::Admission a = srv.breaker->tryAcquire();
  srv.breaker->onFailure(a);  // failures 1: open
  srv.inflight = 2;
  std::string text = shared_.registry->render();
  shared_.registry->removeCollector(id);
  EXPECT_NE(text.find("gw_breaker_state{upstream=\"users\",server=\"10.0.0.1:9001\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("gw_breaker_state{upstream=\"other\",server=\"10.0.0.3:80\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("gw_upstream_healthy{upstream=\"users\",server=\"10.0.0.2:9001\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("gw_upstream_active_connections{upstream=\"users\",server=\"10.0.0.1:9001\"} 2\n"),
            std::string::npos);
  EXPECT_EQ(text.find("# TYPE gw_breaker_state"), text.rfind("# TYPE gw_breaker_state"));
  srv.inflight = 0;
  ReloadStatus rs;
  rs.generation = 1;
  rs.sourceHash = "abc";
  admin::PolicyStatus st = policyStatus(rs, *g);
  ASSERT_EQ(st.servers.size(), 3u);
  EXPECT_EQ(st.servers[0].breaker, "open");
  EXPECT_EQ(st.servers[1].breaker, "closed");
  EXPECT_EQ(st.servers[2].breaker, "");
  EXPECT_EQ(st.version, "1");
  EXPECT_EQ(st.sourceHash, "abc");
}

TEST_F(ObservabilityTest, RouteTable) {
  auto g = build(kPolicy, 1);
  ASSERT_TRUE(g);
  std::vector<admin::RouteEntry> t = routeTable(*g);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].name, "read");
  EXPECT_EQ(t[0].methods, (std::vector<std::string>{"GET", "HEAD"}));
  EXPECT_EQ(t[0].host, "api.example.com");
  EXPECT_EQ(t[0].path, "/users/{id}");
  EXPECT_EQ(t[0].upstreams, std::vector<std::string>{"users"});
  EXPECT_EQ(t[0].limits, std::vector<std::string>{"per_ip"});
  EXPECT_FALSE(t[0].authorize);
  EXPECT_EQ(t[1].path, "/admin/*");
  EXPECT_TRUE(t[1].methods.empty());
  EXPECT_TRUE(t[1].authorize);
}

TEST(ReloaderDiagnostics, OneEntryPerHeadline) {
  std::string rendered =
      "p.gw:7:26: error[E0106]: unknown request-context field `auth.claim.tenant`\n"
      "  |\n7 |   authorize { allow when auth.claim.tenant == \"acme\" }\n"
      "  |                          ^^^^^^^^^^^^^^^^^\n  = help: did you mean `auth.claims`?\n\n"
      "p.gw:9:3: error[E0201]: unknown upstream `usres`\n  |\n\n2 errors, 0 warnings\n";
  EXPECT_EQ(Reloader::splitDiagnostics(rendered),
            (std::vector<std::string>{
                "p.gw:7:26: error[E0106]: unknown request-context field `auth.claim.tenant`",
                "p.gw:9:3: error[E0201]: unknown upstream `usres`"}));
  EXPECT_EQ(Reloader::splitDiagnostics("the policy uses constructs this gw does not implement:\n"
                                       "  route r: aggregate at p.gw:3:1\n"),
            (std::vector<std::string>{"the policy uses constructs this gw does not implement:",
                                      "route r: aggregate at p.gw:3:1"}));
  EXPECT_TRUE(Reloader::splitDiagnostics("").empty());
}

}  // namespace
}  // namespace gw::gateway
