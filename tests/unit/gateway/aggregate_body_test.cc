// The pure parts of `aggregate`: path values, the combined object, the error body, the log
// entries, and the lowered path programs of a real policy (interpreter code).
#include "runtime/gateway/aggregate_body.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "compiler/diag/render.h"
#include "compiler/policy/build.h"

namespace gw::gateway {
namespace {

std::string encoded(std::string_view v, bool query) {
  std::string out = "/x/";
  return appendPathValue(out, v, query) ? out : "REFUSED";
}

TEST(AggregateBody, PathValuesArePercentEncoded) {
  EXPECT_EQ(encoded("u-1.a_b~", false), "/x/u-1.a_b~");
  EXPECT_EQ(encoded("a b/c?d#e&f=%", false), "/x/a%20b%2Fc%3Fd%23e%26f%3D%25");
  EXPECT_EQ(encoded("\xc3\xa9", true), "/x/%C3%A9");
  EXPECT_EQ(encoded("", false), "REFUSED");
  EXPECT_EQ(encoded(".", false), "REFUSED");
  EXPECT_EQ(encoded("..", false), "REFUSED");
  EXPECT_EQ(encoded("...", false), "/x/...");
  EXPECT_EQ(encoded("", true), "/x/");  // an empty query value is harmless
  EXPECT_EQ(encoded("..", true), "/x/..");
}

TEST(AggregateBody, JsonDocuments) {
  EXPECT_TRUE(isJsonDocument(" {\"a\":[1,2]}\n"));
  EXPECT_TRUE(isJsonDocument("3"));
  EXPECT_FALSE(isJsonDocument("{\"a\":1} x"));
  EXPECT_FALSE(isJsonDocument("xxxxxxxxxx"));
  EXPECT_FALSE(isJsonDocument(""));
  EXPECT_FALSE(isJsonDocument("\"\xff\""));  // invalid UTF-8 inside a string
}

TEST(AggregateBody, ComposedInPartOrder) {
  std::string out;
  PartBody parts[] = {{"profile", " {\"id\":1}\r\n"}, {"or\"ders", "[1]"}, {"none", ""}};
  composeObject(parts, out);
  EXPECT_EQ(out, R"({"profile":{"id":1},"or\"ders":[1],"none":null})");
  EXPECT_TRUE(nlohmann::json::accept(out));
}

TEST(AggregateBody, ErrorBodyAndLog) {
  auto e = nlohmann::json::parse(partErrorBody(504, "orders", "timeout \"x\"", "rid"));
  EXPECT_EQ(e["error"], "aggregate part failed");
  EXPECT_EQ(e["part"], "orders");
  EXPECT_EQ(e["reason"], "timeout \"x\"");
  EXPECT_EQ(e["status"], 504);
  EXPECT_EQ(e["request_id"], "rid");
  std::string log = "[";
  appendPartLog(log, {"profile", "users", "10.0.0.1:80", "ok", 200, 1.5});
  appendPartLog(log, {"orders", "v2", "", "timeout", 0, 3000});
  log += "]";
  auto l = nlohmann::json::parse(log);
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0]["upstream_addr"], "10.0.0.1:80");
  EXPECT_EQ(l[0]["latency_ms"], 1.5);
  EXPECT_EQ(l[1]["result"], "timeout");
  EXPECT_EQ(l[1]["status"], 0);
}

TEST(AggregateBody, LoweredTemplatesEvaluate) {
  std::string path = ::testing::TempDir() + "/aggregate_body_test.gw";
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs(R"(
upstream u { server 127.0.0.1:9 }
route r {
  match { path "/d/{id}" }
  aggregate {
    a = u "/users/{auth.subject}/items/{id}?ip={client.ip}&org={auth.claims.org}"
    b = u "/plain"
  }
}
)", f);
  std::fclose(f);
  SourceManager sources;
  DiagnosticSink diags;
  auto p = policy::compilePolicyFile(path, sources, diags);
  ASSERT_TRUE(p) << renderText(diags, sources, false);
  const policy::Route& r = p->routes()[0];
  ASSERT_EQ(r.aggregate.size(), 2u);
  EXPECT_EQ(r.aggregate[0].field, "a");
  EXPECT_EQ(r.aggregate[0].upstream, "u");
  ASSERT_EQ(r.aggregate[0].path.size(), 8u);
  EXPECT_FALSE(r.aggregate[0].path[1].query);
  EXPECT_TRUE(r.aggregate[0].path[5].query);
  gw_request req{};
  req.abi_version = GW_ABI_VERSION;
  req.auth_subject = gw_str{"u 1", 3};
  req.client_ip.family = 4;
  req.client_ip.v4 = 0x0a000001u;
  char scratch[512];
  gw_eval_ctx ctx = p->makeContext(scratch, sizeof scratch);
  gw_param param{0, 0, gw_str{"42", 2}};
  ctx.params = &param;
  ctx.param_count = 1;
  std::string out, why;
  ASSERT_TRUE(buildPartPath(*p, r.aggregate[0], req, ctx, out, why)) << why;
  EXPECT_EQ(out, "/users/u%201/items/42?ip=10.0.0.1&org=");
  ASSERT_TRUE(buildPartPath(*p, r.aggregate[1], req, ctx, out, why));
  EXPECT_EQ(out, "/plain");
  req.auth_subject = gw_str{"..", 2};
  EXPECT_FALSE(buildPartPath(*p, r.aggregate[0], req, ctx, out, why));
  EXPECT_NE(why.find("dot segment"), std::string::npos);
}

}  // namespace
}  // namespace gw::gateway
