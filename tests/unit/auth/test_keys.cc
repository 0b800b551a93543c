#include "tests/unit/auth/test_keys.h"

#include <gtest/gtest.h>

#include "runtime/auth/key_loader.h"

namespace gw::auth::testing {

const std::vector<std::string>& allAlgNames() {
  static const std::vector<std::string> kNames = {"HS256", "HS384", "HS512", "RS256", "RS384",
                                                  "RS512", "PS256", "PS384", "PS512", "ES256",
                                                  "ES384", "ES512", "EdDSA"};
  return kNames;
}

const TestKeys& TestKeys::get() {
  // A static unique_ptr (not a leak) so the temporary key directory is removed at exit.
  static const std::unique_ptr<TestKeys> keys = [] {
    auto k = std::make_unique<TestKeys>();
    k->rsa = generateKey(k->dir, "rsa", "RSA");
    k->p256 = generateKey(k->dir, "p256", "P-256");
    k->p384 = generateKey(k->dir, "p384", "P-384");
    k->p521 = generateKey(k->dir, "p521", "P-521");
    k->ed25519 = generateKey(k->dir, "ed", "ED25519");
    run("openssl rand -out " + k->dir.file("hs.bin") + " 64");
    k->hmacSecret = readFile(k->dir.file("hs.bin"));
    EXPECT_EQ(k->hmacSecret.size(), 64u);
    return k;
  }();
  return *keys;
}

const std::string& TestKeys::signerFor(const std::string& alg) const {
  if (alg.starts_with("HS")) {
    return hmacSecret;
  }
  if (alg.starts_with("RS") || alg.starts_with("PS")) {
    return rsa.privatePem;
  }
  if (alg == "ES256") {
    return p256.privatePem;
  }
  if (alg == "ES384") {
    return p384.privatePem;
  }
  if (alg == "ES512") {
    return p521.privatePem;
  }
  return ed25519.privatePem;
}

std::string TestKeys::kidFor(const std::string& alg) {
  if (alg.starts_with("HS")) {
    return "hs";
  }
  if (alg.starts_with("RS") || alg.starts_with("PS")) {
    return "rsa";
  }
  if (alg == "ES256") {
    return "p256";
  }
  if (alg == "ES384") {
    return "p384";
  }
  if (alg == "ES512") {
    return "p521";
  }
  return "ed";
}

std::shared_ptr<const KeySet> TestKeys::pemKeySet() const {
  std::vector<std::shared_ptr<const KeySet>> sets;
  const std::pair<const KeyFiles*, const char*> pems[] = {
      {&rsa, "rsa"}, {&p256, "p256"}, {&p384, "p384"}, {&p521, "p521"}, {&ed25519, "ed"}};
  for (const auto& [files, kid] : pems) {
    auto loaded = loadPemFile(files->publicPem, kid, std::nullopt);
    EXPECT_TRUE(loaded.error.empty()) << loaded.error;
    sets.push_back(loaded.keySet);
  }
  std::string error;
  auto hs = VerificationKey::fromHmacSecret("hs", hmacSecret, std::nullopt, error);
  EXPECT_TRUE(hs) << error;
  sets.push_back(
      std::make_shared<const KeySet>(std::vector<std::shared_ptr<const VerificationKey>>{hs}));
  return mergeKeySets(sets);
}

JwtVerifierConfig defaultConfig() {
  JwtVerifierConfig config;
  config.provider = "jwt_main";
  for (const auto& name : allAlgNames()) {
    config.algorithms.push_back(*parseJwtAlg(name));
  }
  config.issuers = {kIssuer};
  config.audiences = {kAudience};
  config.leewaySeconds = 30;
  return config;
}

std::shared_ptr<JwtVerifier> makeVerifier(JwtVerifierConfig config,
                                          std::shared_ptr<const KeySet> keys) {
  return std::make_shared<JwtVerifier>(std::move(config),
                                       std::make_shared<KeySetHolder>(std::move(keys)));
}

nlohmann::json validClaims() {
  return {{"iss", kIssuer},        {"aud", kAudience},   {"sub", "user-42"},
          {"scope", "read write"}, {"roles", {"admin"}}, {"iat", kNow - 10},
          {"nbf", kNow - 10},      {"exp", kNow + 3600}, {"tenant", {{"id", "t-7"}}}};
}

}  // namespace gw::auth::testing
