// Algorithm-confusion, unsecured-token and header/claim edge cases.

#include <gtest/gtest.h>

#include "runtime/auth/key_loader.h"
#include "tests/unit/auth/test_keys.h"

namespace gw::auth::testing {
namespace {

class JwtAttacks : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_ = &TestKeys::get();
    verifier_ = makeVerifier(defaultConfig(), keys_->pemKeySet());
  }

  std::string sign(const nlohmann::json& header, const nlohmann::json& claims) const {
    return makeJwt(keys_->dir, header, claims, keys_->signerFor(header.at("alg")));
  }
  AuthError verify(const std::string& token) const { return verifier_->verify(token, kNow).error; }

  const TestKeys* keys_ = nullptr;
  std::shared_ptr<JwtVerifier> verifier_;
};

TEST_F(JwtAttacks, AlgNoneIsNeverAcceptedInAnyCasing) {
  const std::string payload = b64url(validClaims().dump());
  for (const char* none : {"none", "None", "NONE", "nOnE", "NoNe", "none "}) {
    const std::string header = b64url(nlohmann::json{{"alg", none}, {"typ", "JWT"}}.dump());
    SCOPED_TRACE(none);
    EXPECT_EQ(verify(header + "." + payload + "."), AuthError::kAlgNotAllowed);
    EXPECT_EQ(verify(header + "." + payload + "." + b64url("sig")), AuthError::kAlgNotAllowed);
    const std::string withKid = b64url(nlohmann::json{{"alg", none}, {"kid", "hs"}}.dump());
    EXPECT_EQ(verify(withKid + "." + payload + "."), AuthError::kAlgNotAllowed);
  }
}

TEST_F(JwtAttacks, Hs256SignedWithRsaPublicKeyPemFails) {
  // The classic algorithm-confusion attack: the attacker knows the RSA public key and uses its
  // PEM bytes as an HMAC secret. The provider even allows HS256 (for its real secret).
  const std::string pem = readFile(keys_->rsa.publicPem);
  ASSERT_FALSE(pem.empty());
  const nlohmann::json claims = validClaims();
  for (const nlohmann::json& header :
       {nlohmann::json{{"alg", "HS256"}, {"kid", "rsa"}}, nlohmann::json{{"alg", "HS256"}}}) {
    const std::string input = b64url(header.dump()) + "." + b64url(claims.dump());
    const std::string token = input + "." + b64url(signJws(keys_->dir, "HS256", pem, input));
    // With kid "rsa": the RSA key cannot do HS256. Without kid: the only HS256 key is the real
    // secret, and the signature does not match it.
    const AuthError error = verify(token);
    EXPECT_TRUE(error == AuthError::kAlgNotAllowed || error == AuthError::kBadSignature)
        << authErrorReason(error);
  }
  // A provider with ONLY the RSA key and HS256 allowed: no key may verify HS256 at all.
  auto config = defaultConfig();
  config.algorithms = {JwtAlg::kHS256, JwtAlg::kRS256};
  const auto rsaOnly = makeVerifier(config, loadPemFile(keys_->rsa.publicPem, "rsa", {}).keySet);
  const std::string input =
      b64url(nlohmann::json{{"alg", "HS256"}}.dump()) + "." + b64url(claims.dump());
  const std::string token = input + "." + b64url(signJws(keys_->dir, "HS256", pem, input));
  EXPECT_EQ(rsaOnly->verify(token, kNow).error, AuthError::kNoMatchingKey);
  const std::string withKid =
      b64url(nlohmann::json{{"alg", "HS256"}, {"kid", "rsa"}}.dump()) + "." + b64url(claims.dump());
  EXPECT_EQ(
      rsaOnly->verify(withKid + "." + b64url(signJws(keys_->dir, "HS256", pem, withKid)), kNow)
          .error,
      AuthError::kAlgNotAllowed);
}

TEST_F(JwtAttacks, HeaderAlgMustMatchTheKeyType) {
  // An ES256 signature presented under an RS256 header with the EC key's kid.
  const std::string es = sign({{"alg", "ES256"}, {"kid", "p256"}}, validClaims());
  const std::string claimsPart = es.substr(es.find('.'));
  const std::string relabeled = b64url(nlohmann::json{{"alg", "RS256"}, {"kid", "p256"}}.dump());
  EXPECT_EQ(verify(relabeled + claimsPart), AuthError::kAlgNotAllowed);
  // ES384 header against the P-256 key.
  const std::string wrongCurve = b64url(nlohmann::json{{"alg", "ES384"}, {"kid", "p256"}}.dump());
  EXPECT_EQ(verify(wrongCurve + claimsPart), AuthError::kAlgNotAllowed);
}

TEST_F(JwtAttacks, UnknownAlgorithmsAreNotAllowed) {
  const std::string payload = b64url(validClaims().dump());
  for (const char* alg : {"hs256", "RS1", "ES256K", "HS128", ""}) {
    const std::string header = b64url(nlohmann::json{{"alg", alg}}.dump());
    EXPECT_EQ(verify(header + "." + payload + "." + b64url("x")), AuthError::kAlgNotAllowed) << alg;
  }
}

TEST_F(JwtAttacks, CritUnderstoodByConfigurationIsAccepted) {
  auto config = defaultConfig();
  config.understoodCrit = {"urn:example:policy"};
  const auto verifier = makeVerifier(config, keys_->pemKeySet());
  nlohmann::json header = {
      {"alg", "HS256"}, {"kid", "hs"}, {"crit", {"urn:example:policy"}}, {"urn:example:policy", 1}};
  EXPECT_EQ(verifier->verify(sign(header, validClaims()), kNow).error, AuthError::kOk);
  header.erase("urn:example:policy");  // listed in crit but absent: invalid (RFC 7515 4.1.11)
  EXPECT_EQ(verifier->verify(sign(header, validClaims()), kNow).error, AuthError::kUnsupportedCrit);
  header["crit"] = nlohmann::json::array();
  EXPECT_EQ(verifier->verify(sign(header, validClaims()), kNow).error, AuthError::kMalformed);
}

TEST_F(JwtAttacks, ClaimEdgeCases) {
  const nlohmann::json header = {{"alg", "HS256"}, {"kid", "hs"}};
  auto claims = validClaims();
  claims["exp"] = kNow - 10;  // within the 30 s leeway
  EXPECT_EQ(verify(sign(header, claims)), AuthError::kOk);
  claims["exp"] = kNow - 30;  // exactly at the leeway edge: expired
  EXPECT_EQ(verify(sign(header, claims)), AuthError::kExpired);
  claims = validClaims();
  claims.erase("exp");
  EXPECT_EQ(verify(sign(header, claims)), AuthError::kMissingClaim);
  claims = validClaims();
  claims["exp"] = "tomorrow";
  EXPECT_EQ(verify(sign(header, claims)), AuthError::kMalformed);
  claims = validClaims();
  claims["iat"] = kNow + 600;
  EXPECT_EQ(verify(sign(header, claims)), AuthError::kIssuedInFuture);
  claims = validClaims();
  claims["nbf"] = kNow + 20;  // within leeway
  claims["exp"] = double(kNow) + 100.5;
  EXPECT_EQ(verify(sign(header, claims)), AuthError::kOk);
  claims = validClaims();
  claims.erase("iss");
  EXPECT_EQ(verify(sign(header, claims)), AuthError::kWrongIssuer);
  claims = validClaims();
  claims["aud"] = {"other", kAudience};
  EXPECT_EQ(verify(sign(header, claims)), AuthError::kOk);
  claims.erase("aud");
  EXPECT_EQ(verify(sign(header, claims)), AuthError::kWrongAudience);
  claims = validClaims();
  claims["sub"] = 42;
  EXPECT_EQ(verify(sign(header, claims)), AuthError::kMalformed);
  claims = validClaims();
  claims["exp"] = 9223372036854775807LL;  // far future must not overflow with leeway
  EXPECT_EQ(verify(sign(header, claims)), AuthError::kOk);
}

TEST_F(JwtAttacks, ScpListAndCustomRolesClaim) {
  auto config = defaultConfig();
  config.rolesClaim = "realm_access.roles";
  const auto verifier = makeVerifier(config, keys_->pemKeySet());
  auto claims = validClaims();
  claims.erase("scope");
  claims["scp"] = {"orders:read", "orders:write"};
  claims["realm_access"] = {{"roles", {"ops", "billing"}}};
  const auto verdict = verifier->verify(sign({{"alg", "HS256"}}, claims), kNow);
  ASSERT_EQ(verdict.error, AuthError::kOk);
  EXPECT_TRUE(verdict.identity->hasScope("orders:write"));
  EXPECT_FALSE(verdict.identity->hasScope("read"));
  EXPECT_EQ(verdict.identity->roles, (std::vector<std::string>{"ops", "billing"}));
}

TEST_F(JwtAttacks, MalformedJsonIsRejected) {
  const std::string payload = b64url(validClaims().dump());
  const std::string sig = "." + b64url("sig");
  EXPECT_EQ(verify(b64url(R"({"alg":"HS256")") + "." + payload + sig), AuthError::kMalformed);
  EXPECT_EQ(verify(b64url(R"(["HS256"])") + "." + payload + sig), AuthError::kMalformed);
  EXPECT_EQ(verify(b64url(R"({"alg":"HS256","alg":"none"})") + "." + payload + sig),
            AuthError::kMalformed);
  EXPECT_EQ(verify(b64url(R"({"alg":"HS256","kid":7})") + "." + payload + sig),
            AuthError::kMalformed);
  EXPECT_EQ(verify(b64url(R"({"alg":"HS256","b64":false})") + "." + payload + sig),
            AuthError::kMalformed);
  EXPECT_EQ(verify(b64url(std::string(300, '[')) + "." + payload + sig), AuthError::kMalformed);
  EXPECT_EQ(verify("a.b.c.d"), AuthError::kMalformed);
  EXPECT_EQ(verify(".."), AuthError::kMalformed);
  EXPECT_EQ(verify("abc"), AuthError::kMalformed);
  // A correctly signed payload that is not a JSON object is malformed, not accepted.
  const nlohmann::json header = {{"alg", "HS256"}, {"kid", "hs"}};
  const std::string input = b64url(header.dump()) + "." + b64url("[1,2]");
  EXPECT_EQ(verify(input + "." + b64url(signJws(keys_->dir, "HS256", keys_->hmacSecret, input))),
            AuthError::kMalformed);
}

TEST_F(JwtAttacks, OversizedHeaderIsRejectedBeforeDecoding) {
  const std::string header =
      b64url(nlohmann::json{{"alg", "HS256"}, {"x", std::string(2000, 'a')}}.dump());
  EXPECT_EQ(verify(header + "." + b64url(validClaims().dump()) + "." + b64url("s")),
            AuthError::kOversized);
  EXPECT_EQ(verify(std::string(20000, 'a')), AuthError::kOversized);
}

}  // namespace
}  // namespace gw::auth::testing
