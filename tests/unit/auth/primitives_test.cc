// base64url, strict JSON, ECDSA signature encoding, Bearer extraction, error taxonomy.

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "runtime/auth/auth_error.h"
#include "runtime/auth/base64url.h"
#include "runtime/auth/bearer.h"
#include "runtime/auth/ecdsa_der.h"
#include "runtime/auth/sha256.h"
#include "runtime/auth/strict_json.h"
#include "tests/unit/auth/openssl_cli.h"

namespace gw::auth::testing {
namespace {

TEST(Base64Url, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "-_8"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64UrlEncode(plain), encoded);
    EXPECT_EQ(base64UrlDecode(encoded), std::optional<std::string>(plain));
  }
  EXPECT_EQ(base64Encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(base64Encode("fo"), "Zm8=");
}

TEST(Base64Url, RejectsPaddingForeignCharsAndNonCanonicalForms) {
  for (const char* bad :
       {"Zg==", "Zm8=", "Zm9v+", "Zm9/", "Zm 9v", "Z", "Zm9vY", "Zh", "Zm9", "Zm\n8"}) {
    EXPECT_FALSE(base64UrlDecode(bad)) << bad;
  }
  EXPECT_FALSE(base64UrlDecode(std::string("Zm8\0", 4)));
  // "Zh" decodes to 'f' with non-zero leftover bits; "Zg" is the canonical form.
  EXPECT_TRUE(base64UrlDecode("Zg"));
}

TEST(StrictJson, RejectsDuplicatesDepthAndGarbage) {
  EXPECT_TRUE(parseStrictJson(R"({"a":{"b":[1,2,{"c":null}]},"d":1.5})"));
  EXPECT_FALSE(parseStrictJson(R"({"a":1,"a":2})"));
  EXPECT_FALSE(parseStrictJson(R"({"x":{"a":1,"a":1}})"));
  EXPECT_TRUE(parseStrictJson(R"([{"a":1},{"a":1}])"));  // same name in sibling objects is fine
  EXPECT_FALSE(parseStrictJson(R"({"a":1} trailing)"));
  EXPECT_FALSE(parseStrictJson("{\"a\":\"\xff\"}"));
  EXPECT_FALSE(parseStrictJson(""));
  EXPECT_TRUE(parseStrictJson(std::string(16, '[') + std::string(16, ']'), 16));
  EXPECT_FALSE(parseStrictJson(std::string(17, '[') + std::string(17, ']'), 16));
  EXPECT_FALSE(parseStrictJson(std::string(100000, '[')));
  const auto parsed = parseStrictJson(R"({"n":18446744073709551615,"m":-5,"s":"\u00e9"})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ((*parsed)["n"].get<std::uint64_t>(), 18446744073709551615ull);
  EXPECT_EQ((*parsed)["s"], "\xc3\xa9");
}

TEST(EcdsaDer, MatchesOpensslAndRoundTrips) {
  // Sign with the openssl CLI, convert DER -> JOSE -> DER, expect the original DER back.
  TempDir dir;
  const auto key = generateKey(dir, "ec", "P-521");
  for (int i = 0; i < 8; ++i) {
    writeFile(dir.file("msg"), "message " + std::to_string(i));
    run("openssl dgst -sha512 -sign " + key.privatePem + " -out " + dir.file("sig") + " " +
        dir.file("msg"));
    const std::string der = readFile(dir.file("sig"));
    const std::string jose = ecdsaDerToJose(der, 66);
    ASSERT_EQ(jose.size(), 132u);
    std::uint8_t back[kMaxEcdsaDerSize];
    const std::size_t len = ecdsaJoseToDer(jose, back, sizeof(back));
    EXPECT_EQ(std::string(reinterpret_cast<char*>(back), len), der);
  }
  std::uint8_t out[kMaxEcdsaDerSize];
  EXPECT_EQ(ecdsaJoseToDer("odd", out, sizeof(out)), 0u);
  EXPECT_EQ(ecdsaJoseToDer(std::string(200, 'x'), out, sizeof(out)), 0u);
  EXPECT_EQ(ecdsaDerToJose("\x30\x03\x02\x01", 32), "");
  // Zero-valued halves still encode as valid (if mathematically invalid) DER integers.
  EXPECT_EQ(ecdsaJoseToDer(std::string(64, '\0'), out, sizeof(out)), 8u);
}

std::string hexOf(const Sha256Digest& d) {
  std::string out;
  for (std::uint8_t b : d) {
    out += "0123456789abcdef"[b >> 4];
    out += "0123456789abcdef"[b & 0xf];
  }
  return out;
}

TEST(Sha256, KnownAnswersAndEvpAgree) {
  // FIPS 180-2 examples, then lengths around the 64-byte block and padding edges against EVP.
  EXPECT_EQ(hexOf(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hexOf(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hexOf(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  for (std::size_t n : {1u, 55u, 56u, 63u, 64u, 65u, 119u, 120u, 128u, 500u, 4097u}) {
    std::string data(n, '\0');
    for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<char>(i * 131 + 7);
    Sha256Digest ref{};
    unsigned int len = 0;
    ASSERT_EQ(EVP_Digest(data.data(), data.size(), ref.data(), &len, EVP_sha256(), nullptr), 1);
    EXPECT_EQ(sha256(data), ref) << n;
  }
}

TEST(Bearer, ExtractsTokenPerRfc6750) {
  EXPECT_EQ(extractBearerToken("Bearer abc.def-ghi_jkl").token, "abc.def-ghi_jkl");
  EXPECT_EQ(extractBearerToken("bEaReR   mF_9.B5f-4.1JqM==  ").token, "mF_9.B5f-4.1JqM==");
  EXPECT_EQ(extractBearerToken("").error, AuthError::kMissingCredential);
  EXPECT_EQ(extractBearerToken("Basic dXNlcjpwYXNz").error, AuthError::kMissingCredential);
  EXPECT_EQ(extractBearerToken("Bearerish abc").error, AuthError::kMissingCredential);
  EXPECT_EQ(extractBearerToken("Bearer").error, AuthError::kInvalidRequest);
  EXPECT_EQ(extractBearerToken("Bearer ").error, AuthError::kInvalidRequest);
  EXPECT_EQ(extractBearerToken("Bearer a b").error, AuthError::kInvalidRequest);
  EXPECT_EQ(extractBearerToken("Bearer a=b").error, AuthError::kInvalidRequest);
  EXPECT_EQ(extractBearerToken("Bearer a\"b").error, AuthError::kInvalidRequest);
}

TEST(Bearer, LocateLeavesTheCharactersToIsB64Token) {
  // locateBearerToken checks the scheme and the spaces only; the characters are isB64Token's.
  EXPECT_EQ(locateBearerToken("Bearer a\"b").error, AuthError::kOk);
  EXPECT_EQ(locateBearerToken("Bearer a\"b").token, "a\"b");
  EXPECT_EQ(locateBearerToken("bEaReR   mF_9.B5f==  ").token, "mF_9.B5f==");
  EXPECT_EQ(locateBearerToken("Bearer   ").error, AuthError::kInvalidRequest);
  EXPECT_EQ(locateBearerToken("Bearer").error, AuthError::kInvalidRequest);
  EXPECT_EQ(locateBearerToken("Basic abc").error, AuthError::kMissingCredential);
  EXPECT_EQ(locateBearerToken("Bearerish abc").error, AuthError::kMissingCredential);
  EXPECT_TRUE(isB64Token("abc.def-ghi_jkl~+/=="));
  EXPECT_FALSE(isB64Token(""));
  EXPECT_FALSE(isB64Token("=="));
  EXPECT_FALSE(isB64Token("a=b"));
  EXPECT_FALSE(isB64Token("a b"));
  // Every byte outside RFC 6750's b64token set is refused, at the start, middle and end.
  const std::string_view allowed =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    const bool ok = allowed.find(ch) != std::string_view::npos;
    for (const std::string& t : {std::string(1, ch) + "abc", "ab" + std::string(1, ch) + "c",
                                 "abc" + std::string(1, ch)}) {
      EXPECT_EQ(isB64Token(t), ok || (ch == '=' && t.back() == '=')) << c << " in " << t;
    }
  }
}

TEST(AuthErrors, MapToRfc6750) {
  EXPECT_EQ(authErrorReason(AuthError::kExpired), "expired");
  EXPECT_EQ(authErrorReason(AuthError::kBadSignature), "bad_signature");
  EXPECT_EQ(authErrorReason(AuthError::kUnknownKid), "unknown_kid");
  EXPECT_EQ(authErrorReason(AuthError::kAlgNotAllowed), "alg_not_allowed");
  EXPECT_EQ(authErrorReason(AuthError::kWrongIssuer), "wrong_issuer");
  EXPECT_EQ(authErrorReason(AuthError::kWrongAudience), "wrong_audience");
  EXPECT_EQ(authErrorReason(AuthError::kMalformed), "malformed");
  EXPECT_EQ(rfc6750Text(rfc6750Code(AuthError::kExpired)), "invalid_token");
  EXPECT_EQ(rfc6750Text(rfc6750Code(AuthError::kMissingCredential)), "");
  EXPECT_EQ(rfc6750Text(rfc6750Code(AuthError::kInvalidRequest)), "invalid_request");
  EXPECT_EQ(rfc6750Text(rfc6750Code(AuthError::kInsufficientScope)), "insufficient_scope");
  EXPECT_EQ(httpStatus(AuthError::kMissingCredential), 401);
  EXPECT_EQ(httpStatus(AuthError::kInvalidRequest), 400);
  EXPECT_EQ(httpStatus(AuthError::kInsufficientScope), 403);
}

}  // namespace
}  // namespace gw::auth::testing
