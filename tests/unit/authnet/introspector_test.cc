// Introspector against a real introspection server process: active, inactive, expiry-bounded
// caching (with an injected clock), endpoint down / non-200 / malformed JSON / timeout as
// "unavailable" (503), client authentication, coalescing of identical concurrent lookups.
#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include "runtime/auth/auth_error.h"
#include "runtime/authnet/introspector.h"
#include "tests/unit/authnet/auth_test_server.h"
#include "tests/unit/authnet/test_support.h"

namespace gw::authnet {
namespace {

using namespace std::chrono_literals;
using auth::AuthError;
using testing::AuthTestServer;
using testing::LoopThread;

constexpr auth::UnixSeconds kT0 = 1'700'000'000;

class IntrospectorTest : public ::testing::Test {
 protected:
  IntrospectorTest() : server_(stateDir_.path()) {}

  std::shared_ptr<Introspector> make(IntrospectorConfig c = {}) {
    if (c.url.empty()) {
      c.url = server_.base() + "/introspect";
    }
    c.provider = "idp";
    c.clientId = c.clientId.empty() ? "gw" : c.clientId;
    c.clientSecret = c.clientSecret.empty() ? "s3cret" : c.clientSecret;
    std::string error;
    auto introspector = Introspector::create(
        c, [this](LogLevel, std::string_view m) { logs_.fetch_add(m.empty() ? 0 : 1); },
        [this] { return now_.load(); }, error);
    EXPECT_TRUE(introspector) << error;
    return introspector;
  }

  IntrospectionResult call(const std::shared_ptr<Introspector>& in, const std::string& token,
                           LoopThread* loop = nullptr) {
    return (loop != nullptr ? *loop : worker_).await(in->introspect(token));
  }

  auth::testing::TempDir stateDir_;
  AuthTestServer server_;
  LoopThread worker_;
  std::atomic<auth::UnixSeconds> now_{kT0};
  std::atomic<int> logs_{0};
};

TEST_F(IntrospectorTest, ActiveTokenIsCachedUntilItsExpiry) {
  server_.setToken("tok-a", {{"json",
                              {{"active", true}, {"sub", "alice"}, {"scope", "read write"},
                               {"roles", {"admin"}}, {"exp", kT0 + 10}}}});
  auto in = make();
  IntrospectionResult r = call(in, "tok-a");
  ASSERT_TRUE(r.active()) << auth::authErrorReason(r.error);
  EXPECT_FALSE(r.fromCache);
  EXPECT_EQ(r.identity->subject, "alice");
  EXPECT_EQ(r.identity->provider, "idp");
  EXPECT_TRUE(r.identity->hasScope("write"));
  EXPECT_TRUE(r.identity->hasRole("admin"));

  now_ = kT0 + 9;
  r = call(in, "tok-a");
  EXPECT_TRUE(r.active());
  EXPECT_TRUE(r.fromCache);
  EXPECT_EQ(server_.count("introspect:tok-a"), 1);
  EXPECT_EQ(read(in->stats().cacheHits), 1u);

  now_ = kT0 + 10;  // exp reached: the cache entry dies, and the answer is now "expired"
  r = call(in, "tok-a");
  EXPECT_EQ(r.error, AuthError::kExpired);
  EXPECT_FALSE(r.fromCache);
  EXPECT_EQ(server_.count("introspect:tok-a"), 2);
  EXPECT_EQ(read(in->stats().active), 1u);
  EXPECT_EQ(read(in->stats().inactive), 1u);
}

TEST_F(IntrospectorTest, ActiveTokenWithoutExpIsCachedForTheCacheSetting) {
  server_.setToken("tok-b", {{"json", {{"active", true}, {"sub", "bob"}}}});
  IntrospectorConfig c;
  c.cacheSeconds = 30;
  auto in = make(c);
  EXPECT_TRUE(call(in, "tok-b").active());
  now_ = kT0 + 29;
  EXPECT_TRUE(call(in, "tok-b").fromCache);
  now_ = kT0 + 30;
  EXPECT_FALSE(call(in, "tok-b").fromCache);
  EXPECT_EQ(server_.count("introspect:tok-b"), 2);
}

TEST_F(IntrospectorTest, InactiveTokenIsCachedBriefly) {
  auto in = make();  // unknown tokens are inactive on the test server
  IntrospectionResult r = call(in, "tok-gone");
  EXPECT_EQ(r.error, AuthError::kInactive);
  EXPECT_EQ(auth::httpStatus(r.error), 401);
  now_ = kT0 + 4;
  r = call(in, "tok-gone");
  EXPECT_EQ(r.error, AuthError::kInactive);
  EXPECT_TRUE(r.fromCache);
  now_ = kT0 + 5;
  EXPECT_FALSE(call(in, "tok-gone").fromCache);
  EXPECT_EQ(server_.count("introspect:tok-gone"), 2);

  IntrospectorConfig c;
  c.cacheSeconds = 2;  // smaller than the inactive default: wins
  auto shortCache = make(c);
  call(shortCache, "tok-gone2");
  now_ = kT0 + 7;
  EXPECT_FALSE(call(shortCache, "tok-gone2").fromCache);
}

TEST_F(IntrospectorTest, CachingDisabled) {
  IntrospectorConfig c;
  c.cacheSeconds = 0;
  auto in = make(c);
  server_.setToken("tok-c", {{"json", {{"active", true}, {"sub", "carol"}}}});
  EXPECT_TRUE(call(in, "tok-c").active());
  EXPECT_TRUE(call(in, "tok-c").active());
  EXPECT_EQ(server_.count("introspect:tok-c"), 2);
}

TEST_F(IntrospectorTest, EndpointFailuresAreUnavailableAndNotCached) {
  server_.setToken("tok-500", {{"status", 500}, {"json", {{"error", "boom"}}}});
  server_.setToken("tok-bad", {{"raw", "{\"active\": tru"}});
  server_.setToken("tok-array", {{"raw", "[true]"}});
  auto in = make();
  for (const char* token : {"tok-500", "tok-bad", "tok-array"}) {
    IntrospectionResult r = call(in, token);
    EXPECT_TRUE(r.unavailable()) << token << ": " << auth::authErrorReason(r.error);
    EXPECT_EQ(auth::httpStatus(r.error), 503);
    EXPECT_FALSE(call(in, token).fromCache);
  }
  EXPECT_EQ(read(in->stats().unavailable), 6u);
  EXPECT_EQ(server_.count("introspect:tok-bad"), 2);
  EXPECT_EQ(logs_.load(), 1);  // logged once per state change, not per call
}

TEST_F(IntrospectorTest, WrongClientCredentialsAreUnavailable) {
  server_.setToken("tok-d", {{"json", {{"active", true}, {"sub", "dave"}}}});
  IntrospectorConfig c;
  c.clientSecret = "not-the-secret";
  EXPECT_TRUE(call(make(c), "tok-d").unavailable());  // the server answered 401 to the gateway
  EXPECT_TRUE(call(make(), "tok-d").active());
}

TEST_F(IntrospectorTest, EndpointDownThenBack) {
  server_.setToken("tok-e", {{"json", {{"active", true}, {"sub", "eve"}}}});
  auto in = make();
  server_.kill();
  IntrospectionResult r = call(in, "tok-e");
  EXPECT_TRUE(r.unavailable());
  EXPECT_EQ(read(in->stats().unavailable), 1u);
  server_.restart();
  EXPECT_TRUE(call(in, "tok-e").active());
  EXPECT_EQ(logs_.load(), 2);  // down, then available again
}

TEST_F(IntrospectorTest, TimeoutIsUnavailable) {
  server_.setToken("tok-slow", {{"delay", 2.0}, {"json", {{"active", true}, {"sub", "s"}}}});
  IntrospectorConfig c;
  c.fetch.totalTimeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(call(make(c), "tok-slow").unavailable());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
}

TEST_F(IntrospectorTest, ConcurrentIdenticalLookupsAreCoalescedAcrossWorkers) {
  server_.setToken("tok-hot", {{"delay", 0.5}, {"json", {{"active", true}, {"sub", "hot"}}}});
  auto in = make();
  LoopThread otherWorker;
  std::vector<std::future<IntrospectionResult>> results;
  for (int i = 0; i < 20; ++i) {
    LoopThread& loop = i % 2 == 0 ? worker_ : otherWorker;
    results.push_back(
        boost::asio::co_spawn(loop.io(), in->introspect("tok-hot"), boost::asio::use_future));
  }
  for (auto& f : results) {
    IntrospectionResult r = f.get();
    ASSERT_TRUE(r.active());
    EXPECT_EQ(r.identity->subject, "hot");
  }
  EXPECT_EQ(server_.count("introspect:tok-hot"), 1);
  EXPECT_EQ(read(in->stats().requests), 1u);
  EXPECT_EQ(read(in->stats().coalesced) + read(in->stats().cacheHits), 19u);
  EXPECT_GE(read(in->stats().coalesced), 1u);
}

TEST_F(IntrospectorTest, DistinctTokensAreNotCoalesced) {
  server_.setToken("t1", {{"json", {{"active", true}, {"sub", "one"}}}});
  server_.setToken("t2", {{"json", {{"active", true}, {"sub", "two"}}}});
  auto in = make();
  auto f1 = boost::asio::co_spawn(worker_.io(), in->introspect("t1"), boost::asio::use_future);
  auto f2 = boost::asio::co_spawn(worker_.io(), in->introspect("t2"), boost::asio::use_future);
  EXPECT_EQ(f1.get().identity->subject, "one");
  EXPECT_EQ(f2.get().identity->subject, "two");
  EXPECT_EQ(read(in->stats().coalesced), 0u);
}

TEST_F(IntrospectorTest, HttpsEndpoint) {
  auth::testing::TempDir pkiDir, stateDir;
  testing::TestPki pki(pkiDir);
  AuthTestServer tlsServer(stateDir.path(), pki.certFile, pki.keyFile);
  tlsServer.setToken("tok-tls", {{"json", {{"active", true}, {"sub", "tls"}}}});
  IntrospectorConfig c;
  c.url = tlsServer.base() + "/introspect";
  c.caFile = pki.caFile;
  auto in = make(c);
  IntrospectionResult r = call(in, "tok-tls");
  ASSERT_TRUE(r.active()) << auth::authErrorReason(r.error);
  EXPECT_EQ(r.identity->subject, "tls");
}

}  // namespace
}  // namespace gw::authnet
