// Every algorithm against tokens signed at test time by the openssl CLI.

#include <gtest/gtest.h>

#include "runtime/auth/base64url.h"
#include "tests/unit/auth/test_keys.h"

namespace gw::auth::testing {
namespace {

class JwtMatrix : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    keys_ = &TestKeys::get();
    verifier_ = makeVerifier(defaultConfig(), keys_->pemKeySet());
  }

  nlohmann::json header() const {
    return {{"alg", GetParam()}, {"typ", "JWT"}, {"kid", TestKeys::kidFor(GetParam())}};
  }

  std::string sign(const nlohmann::json& header, const nlohmann::json& claims) const {
    return makeJwt(keys_->dir, header, claims, keys_->signerFor(GetParam()));
  }

  AuthError verify(const std::string& token) const { return verifier_->verify(token, kNow).error; }

  const TestKeys* keys_ = nullptr;
  std::shared_ptr<JwtVerifier> verifier_;
};

TEST_P(JwtMatrix, ValidTokenYieldsIdentity) {
  const auto verdict = verifier_->verify(sign(header(), validClaims()), kNow);
  ASSERT_EQ(verdict.error, AuthError::kOk) << authErrorReason(verdict.error);
  ASSERT_TRUE(verdict.identity);
  EXPECT_EQ(verdict.identity->provider, "jwt_main");
  EXPECT_EQ(verdict.identity->subject, "user-42");
  EXPECT_EQ(verdict.identity->scopes, (std::vector<std::string>{"read", "write"}));
  EXPECT_EQ(verdict.identity->roles, (std::vector<std::string>{"admin"}));
  EXPECT_EQ(verdict.identity->expiry, kNow + 3600);
  ASSERT_NE(verdict.identity->claim("tenant.id"), nullptr);
  EXPECT_EQ(*verdict.identity->claim("tenant.id"), "t-7");
  EXPECT_EQ(verdict.kid, TestKeys::kidFor(GetParam()));
}

TEST_P(JwtMatrix, ExpiredTokenIsRejected) {
  auto claims = validClaims();
  claims["exp"] = kNow - 120;
  EXPECT_EQ(verify(sign(header(), claims)), AuthError::kExpired);
}

TEST_P(JwtMatrix, NotYetValidTokenIsRejected) {
  auto claims = validClaims();
  claims["nbf"] = kNow + 120;
  EXPECT_EQ(verify(sign(header(), claims)), AuthError::kNotYetValid);
}

TEST_P(JwtMatrix, WrongIssuerIsRejected) {
  auto claims = validClaims();
  claims["iss"] = "https://evil.test";
  EXPECT_EQ(verify(sign(header(), claims)), AuthError::kWrongIssuer);
}

TEST_P(JwtMatrix, WrongAudienceIsRejected) {
  auto claims = validClaims();
  claims["aud"] = {"other", "another"};
  EXPECT_EQ(verify(sign(header(), claims)), AuthError::kWrongAudience);
}

TEST_P(JwtMatrix, BadSignatureIsRejected) {
  const std::string token = sign(header(), validClaims());
  const std::size_t dot = token.rfind('.');
  std::string signature = *base64UrlDecode(token.substr(dot + 1));
  signature[signature.size() / 2] ^= 0x01;
  EXPECT_EQ(verify(token.substr(0, dot + 1) + b64url(signature)), AuthError::kBadSignature);
  // The same signature over a modified payload fails as well.
  auto claims = validClaims();
  claims["sub"] = "admin";
  const std::string forged =
      b64url(header().dump()) + "." + b64url(claims.dump()) + token.substr(dot);
  EXPECT_EQ(verify(forged), AuthError::kBadSignature);
}

TEST_P(JwtMatrix, UnknownKidIsReportedDistinctly) {
  auto h = header();
  h["kid"] = "rotated-away";
  const JwtVerdict verdict = verifier_->verify(sign(h, validClaims()), kNow);
  EXPECT_EQ(verdict.error, AuthError::kUnknownKid);
  EXPECT_EQ(verdict.kid, "rotated-away");  // what the caller asks the JWKS fetcher for
}

TEST_P(JwtMatrix, TokenWithoutKidUsesTheOnlyCompatibleKey) {
  auto h = header();
  h.erase("kid");
  EXPECT_EQ(verify(sign(h, validClaims())), AuthError::kOk);
}

TEST_P(JwtMatrix, TruncatedTokenIsRejected) {
  const std::string token = sign(header(), validClaims());
  const std::size_t dot = token.rfind('.');
  EXPECT_EQ(verify(token.substr(0, dot)), AuthError::kMalformed);
  EXPECT_EQ(verify(token.substr(0, dot + 1)), AuthError::kMalformed);
  EXPECT_EQ(verify(token.substr(0, token.find('.') + 5)), AuthError::kMalformed);
  for (std::size_t cut = 1; cut <= 4; ++cut) {
    const AuthError error = verify(token.substr(0, token.size() - cut));
    EXPECT_TRUE(error == AuthError::kMalformed || error == AuthError::kBadSignature)
        << authErrorReason(error);
  }
}

TEST_P(JwtMatrix, NonBase64UrlIsRejected) {
  const std::string token = sign(header(), validClaims());
  const std::size_t dot1 = token.find('.');
  std::string plus = token;
  plus[dot1 + 3] = '+';
  EXPECT_EQ(verify(plus), AuthError::kMalformed);
  std::string slash = token;
  slash[2] = '/';
  EXPECT_EQ(verify(slash), AuthError::kMalformed);
  EXPECT_EQ(verify(token + "="), AuthError::kMalformed);
  EXPECT_EQ(verify(token + "=="), AuthError::kMalformed);
  std::string space = token;
  space.insert(dot1 + 1, " ");
  EXPECT_EQ(verify(space), AuthError::kMalformed);
}

TEST_P(JwtMatrix, OversizedTokenIsRejected) {
  auto claims = validClaims();
  claims["padding"] = std::string(9000, 'x');
  EXPECT_EQ(verify(sign(header(), claims)), AuthError::kOversized);
}

TEST_P(JwtMatrix, UnknownCritIsRejected) {
  auto h = header();
  h["crit"] = {"urn:example:must-understand"};
  h["urn:example:must-understand"] = true;
  EXPECT_EQ(verify(sign(h, validClaims())), AuthError::kUnsupportedCrit);
}

TEST_P(JwtMatrix, AlgorithmOutsideConfiguredListIsRejected) {
  auto config = defaultConfig();
  config.algorithms.clear();
  for (const auto& name : allAlgNames()) {
    if (name != GetParam()) {
      config.algorithms.push_back(*parseJwtAlg(name));
    }
  }
  const auto restricted = makeVerifier(config, keys_->pemKeySet());
  EXPECT_EQ(restricted->verify(sign(header(), validClaims()), kNow).error,
            AuthError::kAlgNotAllowed);
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, JwtMatrix, ::testing::ValuesIn(allAlgNames()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace gw::auth::testing
