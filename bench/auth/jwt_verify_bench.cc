// Verification cost per algorithm: uncached (full JwtVerifier) and cached (JwtAuthenticator
// verdict-cache hit). Keys are generated in-process; tokens are signed once at start-up.

#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <map>
#include <string>

#include "runtime/auth/base64url.h"
#include "runtime/auth/ecdsa_der.h"
#include "runtime/auth/jwt_authenticator.h"

namespace gw::auth {
namespace {

constexpr UnixSeconds kNow = 1'700'000'000;

struct Signer {
  EVP_PKEY* pkey = nullptr;  // private key (null for HMAC)
  std::string secret;        // HMAC secret
};

EVP_PKEY* generate(const std::string& alg) {
  if (alg[0] == 'R' || alg[0] == 'P') {
    return EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t(2048));
  }
  if (alg == "ES256") {
    return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  }
  if (alg == "ES384") {
    return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  }
  if (alg == "ES512") {
    return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
  }
  return EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
}

std::string sign(const std::string& alg, const Signer& signer, const std::string& input) {
  const JwtAlg parsed = *parseJwtAlg(alg);
  const EVP_MD* md =
      parsed == JwtAlg::kEdDSA ? nullptr : EVP_get_digestbyname(algDigestName(parsed));
  if (algFamily(parsed) == AlgFamily::kHmac) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(md, signer.secret.data(), int(signer.secret.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
    return std::string(reinterpret_cast<char*>(mac), len);
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  EVP_DigestSignInit(ctx, &pctx, md, nullptr, signer.pkey);
  if (algFamily(parsed) == AlgFamily::kRsaPss) {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  std::size_t len = 0;
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                 input.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(input.data()), input.size());
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  if (algFamily(parsed) == AlgFamily::kEcdsa) {
    const std::size_t size = parsed == JwtAlg::kES256 ? 32 : parsed == JwtAlg::kES384 ? 48 : 66;
    return ecdsaDerToJose(sig, size);
  }
  return sig;
}

struct Fixture {
  std::shared_ptr<JwtVerifier> verifier;
  std::unique_ptr<JwtAuthenticator> authenticator;
  std::string token;
};

Fixture& fixtureFor(const std::string& alg) {
  static std::map<std::string, Fixture> fixtures;
  auto it = fixtures.find(alg);
  if (it != fixtures.end()) {
    return it->second;
  }
  Signer signer;
  std::shared_ptr<const VerificationKey> key;
  std::string error;
  if (alg[0] == 'H') {
    signer.secret.resize(64);
    RAND_bytes(reinterpret_cast<unsigned char*>(signer.secret.data()), 64);
    key = VerificationKey::fromHmacSecret("k", signer.secret, std::nullopt, error);
  } else {
    signer.pkey = generate(alg);
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(signer.pkey, &der);
    const unsigned char* p = der;
    key = VerificationKey::fromPublicKey("k", d2i_PUBKEY(nullptr, &p, len), std::nullopt, error);
    OPENSSL_free(der);
  }
  JwtVerifierConfig config;
  config.provider = "bench";
  config.algorithms = {*parseJwtAlg(alg)};
  config.issuers = {"https://issuer.bench"};
  config.audiences = {"gw"};
  auto keys =
      std::make_shared<const KeySet>(std::vector<std::shared_ptr<const VerificationKey>>{key});
  Fixture fixture;
  fixture.verifier = std::make_shared<JwtVerifier>(config, std::make_shared<KeySetHolder>(keys));
  fixture.authenticator = std::make_unique<JwtAuthenticator>(
      fixture.verifier, std::make_shared<VerdictCache>(VerdictCacheConfig{}), [] { return kNow; });
  const nlohmann::json header = {{"alg", alg}, {"typ", "JWT"}, {"kid", "k"}};
  const nlohmann::json claims = {{"iss", "https://issuer.bench"},
                                 {"aud", "gw"},
                                 {"sub", "user-1234"},
                                 {"scope", "read write admin"},
                                 {"roles", {"a", "b"}},
                                 {"iat", kNow - 10},
                                 {"exp", kNow + 3600}};
  const std::string input = base64UrlEncode(header.dump()) + "." + base64UrlEncode(claims.dump());
  fixture.token = input + "." + base64UrlEncode(sign(alg, signer, input));
  EVP_PKEY_free(signer.pkey);
  if (fixture.verifier->verify(fixture.token, kNow).error != AuthError::kOk) {
    std::abort();
  }
  return fixtures.emplace(alg, std::move(fixture)).first->second;
}

void uncached(benchmark::State& state, std::string alg) {
  Fixture& f = fixtureFor(alg);
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.verifier->verify(f.token, kNow));
  }
}

void cached(benchmark::State& state, std::string alg) {
  Fixture& f = fixtureFor(alg);
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.authenticator->authenticate(f.token));
  }
}

}  // namespace
}  // namespace gw::auth

int main(int argc, char** argv) {
  for (const char* alg : {"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384",
                          "PS512", "ES256", "ES384", "ES512", "EdDSA"}) {
    gw::auth::fixtureFor(alg);  // key generation outside the timed region
    benchmark::RegisterBenchmark((std::string("uncached/") + alg).c_str(), gw::auth::uncached, alg);
    benchmark::RegisterBenchmark((std::string("cached/") + alg).c_str(), gw::auth::cached, alg);
  }
  benchmark::RegisterBenchmark("cached/ES256/threads", gw::auth::cached, "ES256")->Threads(2);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
