// Verdict cache TTLs, eviction, invalidation and concurrency, with an injectable clock.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "runtime/auth/jwt_authenticator.h"
#include "runtime/auth/key_loader.h"
#include "tests/unit/auth/test_keys.h"

namespace gw::auth::testing {
namespace {

std::shared_ptr<const Identity> identityExpiringAt(UnixSeconds expiry, std::string subject = "u") {
  auto identity = std::make_shared<Identity>();
  identity->subject = std::move(subject);
  identity->expiry = expiry;
  return identity;
}

TEST(VerdictCache, TtlIsTheSmallerOfSettingAndTokenExpiry) {
  VerdictCache cache({.capacity = 100, .shards = 4, .ttlSeconds = 60});
  const auto longLived = sha256("long");
  const auto shortLived = sha256("short");
  cache.storeSuccess(longLived, identityExpiringAt(kNow + 3600), "k", kNow);
  cache.storeSuccess(shortLived, identityExpiringAt(kNow + 10), "k", kNow);
  EXPECT_TRUE(cache.lookup(longLived, kNow + 59));
  EXPECT_FALSE(cache.lookup(longLived, kNow + 60));
  EXPECT_TRUE(cache.lookup(shortLived, kNow + 9));
  EXPECT_FALSE(cache.lookup(shortLived, kNow + 10));
  // Already expired (or expiring now): not stored at all.
  cache.storeSuccess(sha256("dead"), identityExpiringAt(kNow), "k", kNow);
  EXPECT_FALSE(cache.lookup(sha256("dead"), kNow));
  const auto stats = cache.stats();
  EXPECT_EQ(stats.expirations, 2u);
  EXPECT_EQ(stats.hits, 2u);
  EXPECT_EQ(stats.inserts, 2u);
}

TEST(VerdictCache, CapacityBoundsMemoryWithLruEviction) {
  VerdictCache cache({.capacity = 8, .shards = 1, .ttlSeconds = 60});
  for (int i = 0; i < 8; ++i) {
    cache.storeSuccess(sha256(std::to_string(i)), identityExpiringAt(0), "k", kNow);
  }
  EXPECT_TRUE(cache.lookup(sha256("0"), kNow));  // 0 becomes most recently used
  for (int i = 8; i < 12; ++i) {
    cache.storeSuccess(sha256(std::to_string(i)), identityExpiringAt(0), "k", kNow);
  }
  const auto stats = cache.stats();
  EXPECT_EQ(stats.size, 8u);
  EXPECT_EQ(stats.evictions, 4u);
  EXPECT_TRUE(cache.lookup(sha256("0"), kNow));
  for (int i = 1; i <= 4; ++i) {
    EXPECT_FALSE(cache.lookup(sha256(std::to_string(i)), kNow)) << i;
  }
  EXPECT_TRUE(cache.lookup(sha256("11"), kNow));
}

TEST(VerdictCache, ShardedCapacityStaysBounded) {
  VerdictCache cache({.capacity = 64, .shards = 8, .ttlSeconds = 60});
  for (int i = 0; i < 10000; ++i) {
    cache.storeSuccess(sha256(std::to_string(i)), identityExpiringAt(0), "k", kNow);
  }
  EXPECT_LE(cache.stats().size, 64u);
  EXPECT_GE(cache.stats().size, 32u);
}

TEST(VerdictCache, InvalidateByKid) {
  VerdictCache cache({.capacity = 100, .shards = 4, .ttlSeconds = 60, .negativeTtlSeconds = 60});
  cache.storeSuccess(sha256("a"), identityExpiringAt(0), "old", kNow);
  cache.storeSuccess(sha256("b"), identityExpiringAt(0), "kept", kNow);
  cache.storeFailure(sha256("c"), AuthError::kBadSignature, "old", kNow);
  EXPECT_EQ(cache.invalidateKids({"old"}), 2u);
  EXPECT_FALSE(cache.lookup(sha256("a"), kNow));
  EXPECT_FALSE(cache.lookup(sha256("c"), kNow));
  EXPECT_TRUE(cache.lookup(sha256("b"), kNow));
  EXPECT_EQ(cache.stats().invalidations, 2u);
}

TEST(VerdictCache, NegativeCachingOnlyForTimeInvariantFailures) {
  VerdictCache cache({.capacity = 100, .shards = 2, .ttlSeconds = 60, .negativeTtlSeconds = 5});
  cache.storeFailure(sha256("bad"), AuthError::kBadSignature, "k", kNow);
  cache.storeFailure(sha256("exp"), AuthError::kExpired, "k", kNow);
  cache.storeFailure(sha256("kid"), AuthError::kUnknownKid, "", kNow);
  const auto hit = cache.lookup(sha256("bad"), kNow + 4);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->error, AuthError::kBadSignature);
  EXPECT_FALSE(cache.lookup(sha256("bad"), kNow + 5));
  EXPECT_FALSE(cache.lookup(sha256("exp"), kNow));
  EXPECT_FALSE(cache.lookup(sha256("kid"), kNow));
  VerdictCache off({.capacity = 100, .shards = 2, .ttlSeconds = 60});
  off.storeFailure(sha256("bad"), AuthError::kBadSignature, "k", kNow);
  EXPECT_FALSE(off.lookup(sha256("bad"), kNow));
}

TEST(VerdictCache, ConcurrentUseIsSafe) {
  VerdictCache cache({.capacity = 256, .shards = 16, .ttlSeconds = 60});
  std::atomic<int> hits{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        const auto key = sha256(std::to_string((i * 7 + t) % 512));
        if (cache.lookup(key, kNow)) {
          hits.fetch_add(1, std::memory_order_relaxed);
        } else {
          cache.storeSuccess(key, identityExpiringAt(0), "k", kNow);
        }
        if (i % 1000 == 0) {
          cache.invalidateKids({"other"});
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  const auto stats = cache.stats();
  EXPECT_EQ(stats.hits, std::uint64_t(hits.load()));
  EXPECT_EQ(stats.hits + stats.misses, 20000u);
  EXPECT_LE(stats.size, 256u);
}

class JwtAuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_ = &TestKeys::get();
    verifier_ = makeVerifier(defaultConfig(), keys_->pemKeySet());
    cache_ = std::make_shared<VerdictCache>(
        VerdictCacheConfig{.capacity = 100, .shards = 4, .ttlSeconds = 60});
    auth_ = std::make_unique<JwtAuthenticator>(verifier_, cache_, [this] { return now_.load(); });
  }

  std::string token(const std::string& alg, UnixSeconds exp) const {
    auto claims = validClaims();
    claims["exp"] = exp;
    return makeJwt(keys_->dir, {{"alg", alg}, {"kid", TestKeys::kidFor(alg)}}, claims,
                   keys_->signerFor(alg));
  }

  const TestKeys* keys_ = nullptr;
  std::shared_ptr<JwtVerifier> verifier_;
  std::shared_ptr<VerdictCache> cache_;
  std::unique_ptr<JwtAuthenticator> auth_;
  std::atomic<UnixSeconds> now_{kNow};
};

TEST_F(JwtAuthenticatorTest, CachesUntilTheTokenExpires) {
  const std::string t = token("ES256", kNow + 20);
  const auto first = auth_->authenticate(t);
  ASSERT_EQ(first.error, AuthError::kOk);
  const auto second = auth_->authenticate(t);
  ASSERT_EQ(second.error, AuthError::kOk);
  EXPECT_EQ(second.identity, first.identity);  // the very same shared identity: a cache hit
  EXPECT_EQ(cache_->stats().hits, 1u);
  now_ = kNow + 19;
  EXPECT_EQ(auth_->authenticate(t).identity, first.identity);
  now_ = kNow + 20;  // exp reached: the cache entry is gone; the verifier still allows the leeway
  const auto reverified = auth_->authenticate(t);
  EXPECT_EQ(reverified.error, AuthError::kOk);
  EXPECT_NE(reverified.identity, first.identity);
  EXPECT_EQ(cache_->stats().size, 0u);  // not re-cached past exp
  now_ = kNow + 50;                     // beyond exp + 30 s leeway
  EXPECT_EQ(auth_->authenticate(t).error, AuthError::kExpired);
}

TEST_F(JwtAuthenticatorTest, RotationInvalidatesCachedVerdictsOfRemovedKeys) {
  const std::string rs = token("RS256", kNow + 3600);
  const std::string es = token("ES256", kNow + 3600);
  ASSERT_EQ(auth_->authenticate(rs).error, AuthError::kOk);
  ASSERT_EQ(auth_->authenticate(es).error, AuthError::kOk);
  EXPECT_EQ(cache_->stats().size, 2u);
  // New key set without the RSA key.
  std::vector<std::shared_ptr<const VerificationKey>> remaining;
  const auto all = keys_->pemKeySet();
  for (const auto& key : all->keys()) {
    if (key->kid() != "rsa") {
      remaining.push_back(key);
    }
  }
  const auto removed = auth_->rotateKeys(std::make_shared<const KeySet>(remaining));
  EXPECT_EQ(removed, (std::vector<std::string>{"rsa"}));
  EXPECT_EQ(auth_->authenticate(rs).error, AuthError::kUnknownKid);
  EXPECT_EQ(auth_->authenticate(es).error, AuthError::kOk);
  EXPECT_EQ(cache_->stats().invalidations, 1u);
}

TEST_F(JwtAuthenticatorTest, ATokenWithInvalidCharactersIsRejectedOnEveryRequest) {
  // The b64token check runs on a cache miss only. A token with a byte outside the set is never
  // stored, so it misses and is refused every time, even next to a cached valid token that it
  // differs from by that one byte.
  const std::string good = token("ES256", kNow + 3600);
  ASSERT_EQ(auth_->authenticate(good).error, AuthError::kOk);
  std::string bad = good;
  bad[bad.size() / 2] = '"';
  for (int i = 0; i < 3; ++i) {
    const JwtVerdict v = auth_->authenticate(bad);
    EXPECT_EQ(v.error, AuthError::kInvalidRequest);
    EXPECT_EQ(v.identity, nullptr);
  }
  EXPECT_EQ(auth_->authenticate(good + " ").error, AuthError::kInvalidRequest);
  EXPECT_EQ(cache_->stats().size, 1u);
  EXPECT_EQ(cache_->stats().inserts, 1u);
  EXPECT_EQ(auth_->authenticate(good).error, AuthError::kOk);  // a hit, unchecked again
  EXPECT_EQ(cache_->stats().hits, 1u);
  // Without a cache the check runs on every call.
  const JwtAuthenticator uncached(verifier_, nullptr, [this] { return now_.load(); });
  EXPECT_EQ(uncached.authenticate(bad).error, AuthError::kInvalidRequest);
  EXPECT_EQ(uncached.authenticate(good).error, AuthError::kOk);
}

TEST_F(JwtAuthenticatorTest, MissingAndOversizedAreDecidedBeforeHashing) {
  EXPECT_EQ(auth_->authenticate("").error, AuthError::kMissingCredential);
  EXPECT_EQ(auth_->authenticate(std::string(100000, 'a')).error, AuthError::kOversized);
  EXPECT_EQ(cache_->stats().misses, 0u);
}

}  // namespace
}  // namespace gw::auth::testing

namespace gw::auth::testing {
namespace {

TEST(ConcurrentVerification, PreparedKeysAreSharedSafelyAcrossThreads) {
  const auto& keys = TestKeys::get();
  const auto verifier = makeVerifier(defaultConfig(), keys.pemKeySet());
  std::vector<std::string> tokens;
  for (const char* alg : {"HS256", "HS512", "RS256", "PS256", "ES256", "EdDSA"}) {
    tokens.push_back(makeJwt(keys.dir, {{"alg", alg}, {"kid", TestKeys::kidFor(alg)}},
                             validClaims(), keys.signerFor(alg)));
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 150; ++i) {
        const std::string& token = tokens[(i + t) % tokens.size()];
        if (verifier->verify(token, kNow).error != AuthError::kOk) {
          failures.fetch_add(1);
        }
        // Interleave rejections so the OpenSSL error queue of each thread is exercised.
        std::string forged = token;
        char& c = forged[forged.size() - 10];  // inside the signature, whole-byte bits
        c = c == 'A' ? 'B' : 'A';
        if (verifier->verify(forged, kNow).error == AuthError::kOk) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace gw::auth::testing
