#include "runtime/admin/admin_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace gw::admin {
namespace {

using namespace std::chrono;

TEST(AdminJson, Rfc3339) {
  EXPECT_EQ(rfc3339(system_clock::time_point(milliseconds(1714566896789))),
            "2024-05-01T12:34:56.789Z");
  EXPECT_EQ(rfc3339({}), "");
}

TEST(AdminJson, StatusExact) {
  PolicyStatus s;
  s.version = "3";
  s.sourceHash = "ab12";
  s.backend = "jit";
  s.loadedAt = system_clock::time_point(milliseconds(1714566896000));
  s.routes = 2;
  s.sources = {"gateway.gw"};
  EXPECT_EQ(statusJson(s, false),
            "{\"version\":\"3\",\"source_hash\":\"ab12\",\"backend\":\"jit\","
            "\"loaded_at\":\"2024-05-01T12:34:56.000Z\",\"routes\":2,\"sources\":[\"gateway.gw\"],"
            "\"draining\":false,\"last_reload\":null,\"servers\":[]}\n");
  s.lastReload = ReloadReport{false, s.loadedAt, "SIGHUP", {"gateway.gw:3:1: error[E0101]: x"}};
  auto j = nlohmann::json::parse(statusJson(s, true));
  EXPECT_EQ(j["draining"], true);
  EXPECT_EQ(j["last_reload"]["ok"], false);
  EXPECT_EQ(j["last_reload"]["trigger"], "SIGHUP");
  EXPECT_EQ(j["last_reload"]["diagnostics"][0], "gateway.gw:3:1: error[E0101]: x");
}

TEST(AdminJson, StatusServers) {
  PolicyStatus s;
  s.servers.push_back({"users", "10.0.0.1:80", false, "open", 3});
  s.servers.push_back({"users", "10.0.0.2:80", true, "", 0});
  auto j = nlohmann::json::parse(statusJson(s, false));
  ASSERT_EQ(j["servers"].size(), 2u);
  EXPECT_EQ(j["servers"][0]["upstream"], "users");
  EXPECT_EQ(j["servers"][0]["server"], "10.0.0.1:80");
  EXPECT_EQ(j["servers"][0]["healthy"], false);
  EXPECT_EQ(j["servers"][0]["breaker"], "open");
  EXPECT_EQ(j["servers"][0]["inflight"], 3);
  EXPECT_TRUE(j["servers"][1]["breaker"].is_null());  // no breaker configured
}

TEST(AdminJson, RoutesEscapeAndReplaceInvalidUtf8) {
  RouteEntry r;
  r.name = "we\"ird\xFF";
  r.methods = {"GET", "POST"};
  r.path = "/users/{id}";
  r.upstreams = {"users"};
  r.authorize = true;
  auto j = nlohmann::json::parse(routesJson({r}));
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["name"], "we\"ird\xEF\xBF\xBD");
  EXPECT_EQ(j[0]["methods"][1], "POST");
  EXPECT_EQ(j[0]["host"], "");
  EXPECT_EQ(j[0]["authorize"], true);
  EXPECT_EQ(routesJson({}), "[]\n");
}

TEST(AdminJson, ReloadBodies) {
  ReloadOutcome bad{false, {"a.gw:1:1: error[E0001]: unexpected `}`", "second"}};
  EXPECT_EQ(reloadFailedJson(bad),
            "{\"ok\":false,\"diagnostics\":[\"a.gw:1:1: error[E0001]: unexpected `}`\","
            "\"second\"]}\n");
  PolicyStatus s;
  s.version = "4";
  auto j = nlohmann::json::parse(reloadOkJson(s, false));
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["status"]["version"], "4");
}

}  // namespace
}  // namespace gw::admin
