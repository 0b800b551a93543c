#include "compiler/policy/runtime_config.h"

#include <gtest/gtest.h>

#include "compiler/diag/render.h"
#include "compiler/policy/build.h"
#include "tests/unit/support/every_runtime_setting.h"

namespace gw {
namespace {

constexpr const char* kPolicy = gw::testing::kEveryRuntimeSetting;

class RuntimeConfigTest : public ::testing::Test {
 protected:
  std::shared_ptr<policy::CompiledPolicy> compile(const std::string& text) {
    std::string path = ::testing::TempDir() + "/runtime_config_test.gw";
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
    auto p = policy::compilePolicyFile(path, sources_, diags_);
    EXPECT_TRUE(p) << renderText(diags_, sources_, false);
    return p;
  }
  SourceManager sources_;
  DiagnosticSink diags_;
};

TEST_F(RuntimeConfigTest, BuiltFromTheAst) {
  auto p = compile(kPolicy);
  ASSERT_TRUE(p);
  const policy::RuntimeConfig& c = p->runtime;
  ASSERT_EQ(c.gateway.listens.size(), 2u);
  EXPECT_EQ(c.gateway.listens[0].host, "127.0.0.1");
  EXPECT_EQ(c.gateway.listens[0].port, 8080);
  EXPECT_EQ(c.gateway.listens[1].port, 8443);
  EXPECT_EQ(c.gateway.listens[1].tls.handshakeTimeoutUs, 2'500'000);
  EXPECT_EQ(c.gateway.adminPort, 9901);
  EXPECT_EQ(c.gateway.stripHeaders, std::vector<std::string>{"X-Internal-*"});
  EXPECT_EQ(c.gateway.trustedProxies, std::vector<std::string>{"10.0.0.0/8"});
  EXPECT_EQ(c.gateway.threads, 3u);
  const policy::UpstreamConfig* u = c.upstream("users");
  ASSERT_NE(u, nullptr);
  ASSERT_EQ(u->servers.size(), 2u);
  EXPECT_EQ(u->servers[0].weight, 3u);
  EXPECT_TRUE(u->servers[1].backup);
  EXPECT_EQ(u->balance, "least_request");
  EXPECT_EQ(u->breaker.failures, 4u);
  EXPECT_EQ(u->breaker.openUs, 10'000'000);
  EXPECT_EQ(u->timeoutUs, 5'000'000);
  EXPECT_EQ(u->retry.attempts, 2u);
  EXPECT_EQ(u->retry.on, (std::vector<std::string>{"502", "connect_error"}));
  EXPECT_EQ(u->retry.backoffMaxUs, 200'000);
  EXPECT_DOUBLE_EQ(u->retry.budgetPercent, 15.0);
  EXPECT_EQ(u->retry.bufferBytes, 128u * 1024);
  EXPECT_EQ(u->health.unhealthy, 4u);
  const policy::AuthConfig* a = c.auth("main");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->audiences, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(a->publicKey.kind, "env");
  EXPECT_EQ(a->publicKey.value, "KEY_PATH");
  EXPECT_EQ(a->cacheUs, 30'000'000);
  const policy::LimitConfig* l = c.limit("per_ip");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->count, 10);
  EXPECT_EQ(l->burst, 20);
  EXPECT_DOUBLE_EQ(l->warnPercent, 80.0);
  ASSERT_EQ(c.routes.size(), 1u);
  EXPECT_NE(c.routes[0].bodyJson.find("runtime_config_test.gw:"), std::string::npos);
  const policy::RouteConfig& r = c.routes[0];
  ASSERT_EQ(r.requestJson.size(), 2u);
  EXPECT_EQ(r.requestJson[0].op, "remove");
  EXPECT_EQ(r.requestJson[0].from, "x");
  EXPECT_EQ(r.requestJson[1].op, "rename");
  EXPECT_EQ(r.requestJson[1].from, "a.b");
  EXPECT_EQ(r.requestJson[1].to, "c");
  ASSERT_EQ(r.responseJson.size(), 1u);
  EXPECT_EQ(r.responseJson[0].op, "set");
  EXPECT_FALSE(r.compress.empty());
  EXPECT_EQ(r.compression.encodings, (std::vector<std::string>{"gzip", "br"}));
  EXPECT_EQ(r.compression.minBytes, 2000);
  EXPECT_EQ(r.retryMethods, (std::vector<std::string>{"POST", "PATCH"}));
}

TEST_F(RuntimeConfigTest, JsonRoundTrip) {
  auto p = compile(kPolicy);
  ASSERT_TRUE(p);
  std::string text = policy::runtimeConfigToJson(p->runtime);
  policy::RuntimeConfig back;
  std::string error;
  ASSERT_TRUE(policy::runtimeConfigFromJson(text, back, &error)) << error;
  EXPECT_EQ(policy::runtimeConfigToJson(back), text);
  EXPECT_FALSE(policy::runtimeConfigFromJson("[1]", back, &error));
  EXPECT_FALSE(policy::runtimeConfigFromJson("{\"gateway\": 3}", back, &error));
}

}  // namespace
}  // namespace gw
