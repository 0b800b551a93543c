// Published examples: RFC 7515 Appendix A.1-A.4 and RFC 8037 Appendix A.4. Their `exp`
// (1300819380) is in the past, so the verifier runs with a fixed clock just before it.

#include <gtest/gtest.h>

#include "runtime/auth/jws.h"
#include "runtime/auth/jwt_verifier.h"
#include "runtime/auth/key_loader.h"

namespace gw::auth {
namespace {

constexpr UnixSeconds kBeforeRfcExp = 1300819000;
constexpr UnixSeconds kAfterRfcExp = 1300819380;

const std::string kPayload =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
    "fQ";

const std::string kHs256Token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." + kPayload +
                                ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const char* kHs256Jwk =
    R"({"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})";

const std::string kRs256Token = "eyJhbGciOiJSUzI1NiJ9." + kPayload +
                                ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7"
                                "AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4"
                                "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K"
                                "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv"
                                "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB"
                                "p0igcN_IoypGlUPQGe77Rw";
const char* kRs256Jwk =
    R"({"kty":"RSA","e":"AQAB","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"})";

const std::string kEs256Token =
    "eyJhbGciOiJFUzI1NiJ9." + kPayload +
    ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
const char* kEs256Jwk =
    R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})";

// RFC 7515 A.4: ES512 over the non-JSON payload "Payload".
const std::string kEs512Jws =
    "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA."
    "AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZq"
    "wqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8Kp"
    "EHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn";
const char* kEs512Jwk =
    R"({"kty":"EC","crv":"P-521","x":"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk","y":"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2"})";

// RFC 8037 A.4: EdDSA over the non-JSON payload "Example of Ed25519 signing".
const std::string kEd25519Jws =
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
const char* kEd25519Jwk =
    R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})";

std::shared_ptr<const KeySet> keySetOf(const char* jwk) {
  auto loaded = parseJwks(jwk);
  EXPECT_TRUE(loaded.error.empty()) << loaded.error;
  EXPECT_EQ(loaded.keySet->keys().size(), 1u);
  return loaded.keySet;
}

JwtVerdict verifyRfcJwt(const std::string& token, const char* jwk, JwtAlg alg, UnixSeconds now) {
  JwtVerifierConfig config;
  config.provider = "rfc";
  config.algorithms = {alg};
  config.issuers = {"joe"};
  JwtVerifier verifier(config, std::make_shared<KeySetHolder>(keySetOf(jwk)));
  return verifier.verify(token, now);
}

/// JWS-level check for the examples whose payload is not a JWT claims set.
bool verifyJws(const std::string& jws, const char* jwk, std::string& payload) {
  ParsedJws parsed;
  if (parseCompactJws(jws, JwtLimits{}, parsed) != AuthError::kOk) {
    return false;
  }
  const auto keys = keySetOf(jwk);
  const KeySelection selection = keys->select(parsed.kid, parsed.alg);
  payload = parsed.payload;
  return selection.key != nullptr &&
         selection.key->verify(parsed.alg, parsed.signingInput, parsed.signature);
}

std::string flipLastSignatureChar(std::string token) {
  token.back() = token.back() == 'A' ? 'Q' : 'A';
  return token;
}

TEST(RfcVectors, Rfc7515A1Hs256) {
  const auto verdict = verifyRfcJwt(kHs256Token, kHs256Jwk, JwtAlg::kHS256, kBeforeRfcExp);
  ASSERT_EQ(verdict.error, AuthError::kOk) << authErrorReason(verdict.error);
  EXPECT_EQ(verdict.identity->expiry, 1300819380);
  ASSERT_NE(verdict.identity->claim("http://example.com/is_root"), nullptr);
  EXPECT_EQ(*verdict.identity->claim("http://example.com/is_root"), true);
  EXPECT_EQ(verifyRfcJwt(kHs256Token, kHs256Jwk, JwtAlg::kHS256, kAfterRfcExp).error,
            AuthError::kExpired);
  EXPECT_EQ(
      verifyRfcJwt(flipLastSignatureChar(kHs256Token), kHs256Jwk, JwtAlg::kHS256, kBeforeRfcExp)
          .error,
      AuthError::kBadSignature);
}

TEST(RfcVectors, Rfc7515A2Rs256) {
  const auto verdict = verifyRfcJwt(kRs256Token, kRs256Jwk, JwtAlg::kRS256, kBeforeRfcExp);
  ASSERT_EQ(verdict.error, AuthError::kOk) << authErrorReason(verdict.error);
  EXPECT_EQ(verifyRfcJwt(kRs256Token, kRs256Jwk, JwtAlg::kRS256, kAfterRfcExp).error,
            AuthError::kExpired);
  EXPECT_EQ(
      verifyRfcJwt(flipLastSignatureChar(kRs256Token), kRs256Jwk, JwtAlg::kRS256, kBeforeRfcExp)
          .error,
      AuthError::kBadSignature);
  // The RS256 token must not verify when the provider only allows PS256 on the same key.
  EXPECT_EQ(verifyRfcJwt(kRs256Token, kRs256Jwk, JwtAlg::kPS256, kBeforeRfcExp).error,
            AuthError::kAlgNotAllowed);
}

TEST(RfcVectors, Rfc7515A3Es256) {
  const auto verdict = verifyRfcJwt(kEs256Token, kEs256Jwk, JwtAlg::kES256, kBeforeRfcExp);
  ASSERT_EQ(verdict.error, AuthError::kOk) << authErrorReason(verdict.error);
  EXPECT_EQ(
      verifyRfcJwt(flipLastSignatureChar(kEs256Token), kEs256Jwk, JwtAlg::kES256, kBeforeRfcExp)
          .error,
      AuthError::kBadSignature);
}

TEST(RfcVectors, Rfc7515A4Es512) {
  std::string payload;
  EXPECT_TRUE(verifyJws(kEs512Jws, kEs512Jwk, payload));
  EXPECT_EQ(payload, "Payload");
  EXPECT_FALSE(verifyJws(flipLastSignatureChar(kEs512Jws), kEs512Jwk, payload));
}

TEST(RfcVectors, Rfc8037A4Ed25519) {
  std::string payload;
  EXPECT_TRUE(verifyJws(kEd25519Jws, kEd25519Jwk, payload));
  EXPECT_EQ(payload, "Example of Ed25519 signing");
  EXPECT_FALSE(verifyJws(flipLastSignatureChar(kEd25519Jws), kEd25519Jwk, payload));
}

TEST(RfcVectors, KeysOfOtherExamplesDoNotVerify) {
  std::string payload;
  EXPECT_FALSE(verifyJws(kEd25519Jws, kEs256Jwk, payload));
  EXPECT_EQ(verifyRfcJwt(kEs256Token, kRs256Jwk, JwtAlg::kES256, kBeforeRfcExp).error,
            AuthError::kNoMatchingKey);
}

}  // namespace
}  // namespace gw::auth
