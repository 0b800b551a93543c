// JwksFetcher against a real JWKS server process: initial fetch, refresh and rotation with
// verdict invalidation, stale serving while the server is down, throttled unknown-kid
// re-fetch, max-age, https. Keys and tokens are made with the openssl CLI.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "runtime/auth/jwt_authenticator.h"
#include "runtime/auth/key_loader.h"
#include "runtime/authnet/jwks_fetcher.h"
#include "tests/unit/authnet/auth_test_server.h"
#include "tests/unit/authnet/test_support.h"

namespace gw::authnet {
namespace {

using namespace std::chrono_literals;
using auth::AuthError;
using testing::AuthTestServer;
using testing::eventually;
using testing::LoopThread;

constexpr const char* kIssuer = "https://idp.test";
constexpr const char* kAudience = "gw";

/// Three P-256 key pairs and a token signed by each, made once per test binary.
struct Keys {
  auth::testing::TempDir dir;
  nlohmann::json jwk[3];
  std::string token[3];

  static const Keys& get() {
    static const Keys keys;
    return keys;
  }

 private:
  Keys() {
    const auto now = auth::systemNow();
    for (int i = 0; i < 3; ++i) {
      const std::string kid = "k" + std::to_string(i + 1);
      auth::testing::KeyFiles files = auth::testing::generateKey(dir, kid, "P-256");
      jwk[i] = auth::testing::publicJwk(files, "P-256", kid);
      token[i] = auth::testing::makeJwt(
          dir, {{"alg", "ES256"}, {"typ", "JWT"}, {"kid", kid}},
          {{"iss", kIssuer}, {"aud", kAudience}, {"sub", "user-" + kid}, {"iat", now},
           {"exp", now + 3600}},
          files.privatePem);
    }
  }
};

nlohmann::json jwks(std::initializer_list<int> which) {
  nlohmann::json doc = {{"keys", nlohmann::json::array()}};
  for (int i : which) {
    doc["keys"].push_back(Keys::get().jwk[i]);
  }
  return doc;
}

std::shared_ptr<const auth::KeySet> emptyKeySet() {
  using KeyList = std::vector<std::shared_ptr<const auth::VerificationKey>>;
  return std::make_shared<auth::KeySet>(KeyList{});
}

class JwksFetcherTest : public ::testing::Test {
 protected:
  JwksFetcherTest() : server_(stateDir_.path()) {
    server_.setJwks(jwks({0}));
    holder_ = std::make_shared<auth::KeySetHolder>(emptyKeySet());
    cache_ = std::make_shared<auth::VerdictCache>(auth::VerdictCacheConfig{});
    auth::JwtVerifierConfig vc;
    vc.provider = "idp";
    vc.algorithms = {auth::JwtAlg::kES256};
    vc.issuers = {kIssuer};
    vc.audiences = {kAudience};
    authenticator_ = std::make_unique<auth::JwtAuthenticator>(
        std::make_shared<auth::JwtVerifier>(vc, holder_), cache_);
  }

  ~JwksFetcherTest() override {
    if (fetcher_) {
      fetcher_->stop();
    }
  }

  JwksFetcherConfig config(const std::string& query = "") {
    JwksFetcherConfig c;
    c.provider = "idp";
    c.url = server_.base() + "/jwks" + query;
    c.refresh = 1h;
    c.initialAttempts = 1;
    c.fetch.totalTimeout = 2s;
    return c;
  }

  std::shared_ptr<JwksFetcher> make(JwksFetcherConfig c) {
    std::string error;
    auto sink = [this](LogLevel level, std::string_view message) {
      std::lock_guard lock(logMutex_);
      logs_.emplace_back(std::string(level == LogLevel::kInfo ? "info: " : "warn: ") +
                         std::string(message));
    };
    fetcher_ = JwksFetcher::create(control_.io().get_executor(), std::move(c), holder_, cache_,
                                   sink, error);
    EXPECT_TRUE(fetcher_) << error;
    return fetcher_;
  }

  int logsContaining(std::string_view needle) {
    std::lock_guard lock(logMutex_);
    int n = 0;
    for (const std::string& line : logs_) {
      n += line.find(needle) != std::string::npos ? 1 : 0;
    }
    return n;
  }

  AuthError verify(int i) { return authenticator_->authenticate(Keys::get().token[i]).error; }
  bool hasKid(const char* kid) { return holder_->current()->containsKid(kid); }

  auth::testing::TempDir stateDir_;
  AuthTestServer server_;
  LoopThread control_;
  std::shared_ptr<auth::KeySetHolder> holder_;
  std::shared_ptr<auth::VerdictCache> cache_;
  std::unique_ptr<auth::JwtAuthenticator> authenticator_;
  std::shared_ptr<JwksFetcher> fetcher_;
  std::mutex logMutex_;
  std::vector<std::string> logs_;
};

TEST_F(JwksFetcherTest, InitialFetchInstallsKeys) {
  auto fetcher = make(config());
  EXPECT_EQ(verify(0), AuthError::kUnknownKid);
  InitialFetchResult r = control_.await(fetcher->initialFetch());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(verify(0), AuthError::kOk);
  EXPECT_EQ(verify(1), AuthError::kUnknownKid);
  EXPECT_EQ(read(fetcher->stats().fetchOk), 1u);
  EXPECT_EQ(read(fetcher->stats().rotations), 0u);
  EXPECT_EQ(server_.count("jwks"), 1);
}

TEST_F(JwksFetcherTest, InitialFetchFailureRefusesStartUnlessKeysArePresent) {
  server_.kill();
  JwksFetcherConfig c = config();
  c.initialAttempts = 2;
  c.retryInitial = 50ms;
  InitialFetchResult r = control_.await(make(c)->initialFetch());
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.servingPrevious);
  EXPECT_NE(r.error.find(server_.base() + "/jwks"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("connect"), std::string::npos) << r.error;
  EXPECT_EQ(read(fetcher_->stats().fetchFailed), 2u);
  EXPECT_EQ(read(fetcher_->stats().staleServing), 0u);
  EXPECT_EQ(logsContaining("no keys loaded"), 1);

  // A reload: the previous generation's keys are still in the holder.
  holder_->replace(auth::parseJwks(jwks({0}).dump()).keySet);
  r = control_.await(make(c)->initialFetch());
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.servingPrevious);
  EXPECT_EQ(verify(0), AuthError::kOk);
}

TEST_F(JwksFetcherTest, BadStatusAndBadDocumentsAreFailures) {
  server_.setJwksStatus(500);
  InitialFetchResult r = control_.await(make(config())->initialFetch());
  EXPECT_NE(r.error.find("status 500"), std::string::npos) << r.error;
  server_.setJwksStatus(200);
  auth::testing::writeFile(stateDir_.path() + "/jwks.json", "{\"keys\": [");
  r = control_.await(make(config())->initialFetch());
  EXPECT_NE(r.error.find("invalid jwks document"), std::string::npos) << r.error;
  server_.setJwks({{"keys", nlohmann::json::array()}});
  r = control_.await(make(config())->initialFetch());
  EXPECT_NE(r.error.find("no usable key"), std::string::npos) << r.error;
  EXPECT_FALSE(r.ok);
}

TEST_F(JwksFetcherTest, RefreshRotatesKeysAndInvalidatesRemovedKidVerdicts) {
  JwksFetcherConfig c = config();
  c.refresh = 300ms;
  auto fetcher = make(c);
  ASSERT_TRUE(control_.await(fetcher->initialFetch()).ok);
  ASSERT_EQ(verify(0), AuthError::kOk);  // now cached
  ASSERT_EQ(cache_->stats().size, 1u);
  fetcher->start();

  server_.setJwks(jwks({1}));  // k1 removed, k2 added
  ASSERT_TRUE(eventually([&] { return hasKid("k2"); }));
  EXPECT_FALSE(hasKid("k1"));
  EXPECT_EQ(verify(1), AuthError::kOk);
  // Without invalidation the cached verdict would still say ok for the removed key.
  EXPECT_EQ(verify(0), AuthError::kUnknownKid);
  EXPECT_EQ(cache_->stats().invalidations, 1u);
  EXPECT_EQ(read(fetcher->stats().verdictsInvalidated), 1u);
  EXPECT_EQ(read(fetcher->stats().keysRemoved), 1u);
  EXPECT_EQ(read(fetcher->stats().rotations), 1u);
  EXPECT_EQ(logsContaining("rotated"), 1);

  // Unchanged documents are not rotations.
  const int seen = server_.count("jwks");
  ASSERT_TRUE(eventually([&] { return server_.count("jwks") >= seen + 2; }));
  EXPECT_EQ(read(fetcher->stats().rotations), 1u);
  EXPECT_FALSE(fetcher->stale());
}

TEST_F(JwksFetcherTest, ServesStaleKeysWhileServerIsDownAndRecovers) {
  JwksFetcherConfig c = config();
  c.refresh = 200ms;
  c.retryInitial = 100ms;
  c.retryMax = 200ms;
  auto fetcher = make(c);
  ASSERT_TRUE(control_.await(fetcher->initialFetch()).ok);
  fetcher->start();
  server_.kill();
  ASSERT_TRUE(eventually([&] { return read(fetcher->stats().staleServing) >= 3; }));
  EXPECT_TRUE(fetcher->stale());
  EXPECT_GE(read(fetcher->stats().fetchFailed), 3u);
  cache_->clear();
  EXPECT_EQ(verify(0), AuthError::kOk);  // verified by the stale key set, not the cache
  EXPECT_EQ(logsContaining("serving the previous keys"), 1);  // once per state change

  server_.setJwks(jwks({0, 1}));
  server_.restart();
  ASSERT_TRUE(eventually([&] { return !fetcher->stale() && hasKid("k2"); }));
  EXPECT_EQ(verify(1), AuthError::kOk);
  EXPECT_EQ(logsContaining("available again"), 1);
}

TEST_F(JwksFetcherTest, UnknownKidTriggersOneThrottledRefetch) {
  JwksFetcherConfig c = config();
  c.refetchInterval = 1s;
  auto fetcher = make(c);
  ASSERT_TRUE(control_.await(fetcher->initialFetch()).ok);
  fetcher->start();
  std::this_thread::sleep_for(1100ms);  // out of the initial fetch's throttle window
  server_.setJwks(jwks({0, 1}));
  ASSERT_EQ(verify(1), AuthError::kUnknownKid);

  std::vector<std::thread> workers;
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        fetcher->requestRefetch("k2");
      }
    });
  }
  for (std::thread& w : workers) {
    w.join();
  }
  ASSERT_TRUE(eventually([&] { return hasKid("k2"); }));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(server_.count("jwks"), 2);
  EXPECT_EQ(read(fetcher->stats().refetchRequested), 1u);
  EXPECT_GE(read(fetcher->stats().refetchThrottled), 1u);
  EXPECT_EQ(verify(1), AuthError::kOk);

  // Within the interval another unknown kid is throttled; after it, it is fetched.
  server_.setJwks(jwks({0, 1, 2}));
  const auto throttledBefore = read(fetcher->stats().refetchThrottled);
  fetcher->requestRefetch("k3");
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(server_.count("jwks"), 2);
  EXPECT_EQ(read(fetcher->stats().refetchThrottled), throttledBefore + 1);
  std::this_thread::sleep_for(1000ms);
  fetcher->requestRefetch("k3");
  ASSERT_TRUE(eventually([&] { return hasKid("k3"); }));
  EXPECT_EQ(server_.count("jwks"), 3);
  EXPECT_EQ(verify(2), AuthError::kOk);
}

TEST_F(JwksFetcherTest, RefetchForKnownKidIsANoop) {
  JwksFetcherConfig c = config();
  c.refetchInterval = 10ms;
  auto fetcher = make(c);
  ASSERT_TRUE(control_.await(fetcher->initialFetch()).ok);
  fetcher->start();
  std::this_thread::sleep_for(50ms);
  fetcher->requestRefetch("k1");
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(server_.count("jwks"), 1);
  EXPECT_EQ(read(fetcher->stats().refetchRequested), 0u);
}

TEST_F(JwksFetcherTest, MaxAgeShortensTheRefreshInterval) {
  JwksFetcherConfig c = config("?max_age=0");
  c.minRefresh = 150ms;  // max-age 0 must not turn into a busy loop
  auto fetcher = make(c);
  ASSERT_TRUE(control_.await(fetcher->initialFetch()).ok);
  const auto start = std::chrono::steady_clock::now();
  fetcher->start();
  ASSERT_TRUE(eventually([&] { return server_.count("jwks") >= 4; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 3 * 135ms);  // floor minus jitter
}

TEST_F(JwksFetcherTest, InvalidUrlIsRejectedAtCreation) {
  std::string error;
  JwksFetcherConfig c = config();
  c.url = "ftp://idp.test/jwks";
  EXPECT_FALSE(JwksFetcher::create(control_.io().get_executor(), c, holder_, cache_, {}, error));
  EXPECT_NE(error.find("ftp://idp.test/jwks"), std::string::npos) << error;
}

TEST(JwksFetcherHttpsTest, FetchesOverVerifiedTls) {
  auth::testing::TempDir pkiDir, stateDir;
  testing::TestPki pki(pkiDir);
  AuthTestServer server(stateDir.path(), pki.certFile, pki.keyFile);
  server.setJwks(jwks({0, 1}));
  LoopThread control;
  auto holder = std::make_shared<auth::KeySetHolder>(emptyKeySet());
  JwksFetcherConfig c;
  c.provider = "idp";
  c.url = server.base() + "/jwks?framing=chunked";
  c.caFile = pki.caFile;
  c.initialAttempts = 1;
  std::string error;
  auto fetcher = JwksFetcher::create(control.io().get_executor(), c, holder, nullptr, {}, error);
  ASSERT_TRUE(fetcher) << error;
  InitialFetchResult r = control.await(fetcher->initialFetch());
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(holder->current()->containsKid("k2"));

  c.caFile.clear();  // the system bundle does not trust the test CA
  auto untrusting = JwksFetcher::create(control.io().get_executor(), c, holder, nullptr,
                                        [](LogLevel, std::string_view) {}, error);
  ASSERT_TRUE(untrusting) << error;
  r = control.await(untrusting->initialFetch());
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.servingPrevious);
  EXPECT_NE(r.error.find("tls"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace gw::authnet
