#include <gtest/gtest.h>

#include "runtime/limit/redis_url.h"

namespace gw::limit {
namespace {

using namespace std::chrono_literals;

TEST(RedisUrl, HostPortDefaults) {
  RedisOptions o;
  ASSERT_EQ(parseRedisUrl("redis://10.1.2.3:6380", o), std::nullopt);
  EXPECT_EQ(o.host, "10.1.2.3");
  EXPECT_EQ(o.port, 6380);
  EXPECT_EQ(o.db, 0u);
  EXPECT_TRUE(o.password.empty());
  EXPECT_EQ(o.callTimeout, 100ms);
  RedisOptions d;
  ASSERT_EQ(parseRedisUrl("redis://127.0.0.1", d), std::nullopt);
  EXPECT_EQ(d.port, 6379);
}

TEST(RedisUrl, CredentialsDatabaseAndOptions) {
  RedisOptions o;
  ASSERT_EQ(parseRedisUrl("redis://gw:s3cr:et@[::1]:7000/3?timeout=250ms&connect_timeout=2s", o),
            std::nullopt);
  EXPECT_EQ(o.user, "gw");
  EXPECT_EQ(o.password, "s3cr:et");
  EXPECT_EQ(o.host, "::1");
  EXPECT_EQ(o.port, 7000);
  EXPECT_EQ(o.db, 3u);
  EXPECT_EQ(o.callTimeout, 250ms);
  EXPECT_EQ(o.connectTimeout, 2000ms);
  RedisOptions p;
  ASSERT_EQ(parseRedisUrl("redis://:only-password@127.0.0.1", p), std::nullopt);
  EXPECT_TRUE(p.user.empty());
  EXPECT_EQ(p.password, "only-password");
}

TEST(RedisUrl, NamesResolveAtConfigurationTime) {
  RedisOptions o;
  ASSERT_EQ(parseRedisUrl("redis://localhost:6379", o), std::nullopt);
  EXPECT_TRUE(o.host == "127.0.0.1" || o.host == "::1") << o.host;
}

TEST(RedisUrl, UnixSocket) {
  RedisOptions o;
  ASSERT_EQ(parseRedisUrl("unix:///run/redis/redis.sock?db=2", o), std::nullopt);
  EXPECT_EQ(o.unixPath, "/run/redis/redis.sock");
  EXPECT_EQ(o.db, 2u);
}

TEST(RedisUrl, Refusals) {
  for (const char* bad : {"rediss://127.0.0.1", "http://127.0.0.1", "redis://", "redis://h:0",
                          "redis://127.0.0.1:99999", "redis://127.0.0.1/x",
                          "redis://127.0.0.1?timeout=0ms", "redis://127.0.0.1?pool=4",
                          "unix://relative.sock", "redis://[::1", "redis://no-such-host.invalid"}) {
    RedisOptions o;
    EXPECT_NE(parseRedisUrl(bad, o), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace gw::limit
