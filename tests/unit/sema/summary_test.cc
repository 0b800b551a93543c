// The policy summary: matcher, access, limits and upstreams per route, and coverage per
// provider.
#include "compiler/sema/summary.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "tests/unit/sema/sema_fixture.h"

namespace gw::sema::testing {
namespace {

const char* kProgram =
    "gateway { limit per_ip }\n"
    "upstream users { server 127.0.0.1:1 timeout 7s }\n"
    "upstream canary { server 127.0.0.1:2 }\n"
    "auth sso jwt { jwks file \"k.json\" }\n"
    "auth keys api_key { header \"X-K\" keys file \"k.csv\" }\n"
    "limit per_ip token_bucket { key client.ip rate 10/s burst 10 }\n"
    "limit per_user sliding_window { key auth.subject rate 100/m }\n"
    "policy readers { allow roles [\"reader\"] deny when client.ip in 10.0.0.0/8 }\n"
    "route read { match { host [\"api.example.com\", \"*.example.com\"] path prefix \"/v1\" "
    "method [GET, HEAD] } authenticate sso or keys limit per_user authorize readers "
    "forward users 90%, canary 10% by auth.subject timeout 2s }\n"
    "route open { match { path \"/health\" } authenticate sso optional forward users }\n"
    "route pub { match { path \"/p/{id}\" } forward users }\n";

TEST(Summary, DescribesEveryRoute) {
  SemaOptions opts;
  opts.coverageLints = true;
  auto a = analyzeText(kProgram, opts);
  PolicySummary s = buildSummary(a->result.symbols, a->sources, a->diags, "test.gw");
  ASSERT_EQ(s.routes.size(), 3u);
  const RouteSummary& read = s.routes[0];
  EXPECT_EQ(read.location, "test.gw:9");
  EXPECT_EQ(read.host, "api.example.com, *.example.com");
  EXPECT_EQ(read.pathKind, "prefix");
  EXPECT_EQ(read.methods, "GET, HEAD");
  EXPECT_EQ(read.providers, (std::vector<std::string>{"sso", "keys"}));
  EXPECT_EQ(read.authorization, "policy readers");
  EXPECT_EQ(read.rules, 2u);
  EXPECT_EQ(read.routeLimits, std::vector<std::string>{"per_user"});
  EXPECT_EQ(read.gatewayLimits, std::vector<std::string>{"per_ip"});
  ASSERT_EQ(read.upstreams.size(), 2u);
  EXPECT_EQ(read.upstreams[1].share, "10%");
  EXPECT_EQ(read.stickyBy, "auth.subject");
  EXPECT_EQ(read.timeout, "2s");
  EXPECT_EQ(s.routes[1].timeout, "7s (upstream)");
  EXPECT_TRUE(s.routes[1].authOptional);
  EXPECT_EQ(s.routes[2].pathKind, "template");
  EXPECT_TRUE(s.routes[2].isPublic);
  EXPECT_EQ(s.routes[2].warnings,
            std::vector<std::string>{"W0002 route `pub` is public: it has no `authenticate`"});
  EXPECT_EQ(s.publicRoutes, std::vector<std::string>{"pub"});
  EXPECT_TRUE(s.unlimitedRoutes.empty());  // the gateway limit covers every route
}

TEST(Summary, CoveragePerProvider) {
  auto a = analyzeText(kProgram);
  PolicySummary s = buildSummary(a->result.symbols, a->sources, a->diags, "test.gw");
  ASSERT_EQ(s.coverage.size(), 2u);
  EXPECT_EQ(s.coverage[0].provider, "sso");
  EXPECT_EQ(s.coverage[0].routes, (std::vector<std::string>{"read", "open (optional)"}));
  EXPECT_EQ(s.coverage[1].routes, std::vector<std::string>{"read"});
  nlohmann::json j = summaryToJson(s);
  EXPECT_EQ(j["routes"][0]["match"]["methods"], "GET, HEAD");
  EXPECT_EQ(j["coverage"][1]["kind"], "api_key");
  std::string text = renderSummaryText(s);
  EXPECT_NE(text.find("sso (jwt): read, open (optional)"), std::string::npos) << text;
  EXPECT_NE(text.find("public: pub"), std::string::npos) << text;
}

TEST(Summary, ManyRoutesStayLinear) {
  // 5 000 distinct routes plus one duplicate: exactly one E0302, found via hashing.
  std::string text = "upstream app { server 127.0.0.1:1 }\n";
  for (int i = 0; i < 5000; ++i) {
    text += "route r" + std::to_string(i) + " { match { path \"/svc/" + std::to_string(i) +
            "/{id}\" method GET } forward app }\n";
  }
  text += "route dup { match { path \"/svc/7/{x}\" method GET } forward app }\n";
  auto a = analyzeText(text);
  EXPECT_EQ(a->codesAndMessages(),
            std::vector<std::string>{"E0302 routes `r7` and `dup` have identical matchers"});
}

}  // namespace
}  // namespace gw::sema::testing

namespace gw::sema::testing {
namespace {

// docs/diagnostics.md documents every code of diag_codes.def with its own section.
TEST(Docs, EveryDiagnosticCodeIsDocumented) {
  const char* root = std::getenv("GW_SOURCE_DIR");
  if (!root) {
    root = GW_SOURCE_ROOT;
  }
  std::ifstream in(std::string(root) + "/docs/diagnostics.md");
  ASSERT_TRUE(in) << "docs/diagnostics.md missing";
  std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (DiagCode code : allDiagCodes()) {
    std::string heading = std::string("### ") + diagInfo(code).code + " ";
    EXPECT_NE(doc.find(heading), std::string::npos) << heading;
  }
}

}  // namespace
}  // namespace gw::sema::testing
