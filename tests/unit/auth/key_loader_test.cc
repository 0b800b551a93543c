// JWKS and PEM loading, key selection and rotation.

#include "runtime/auth/key_loader.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "runtime/auth/base64url.h"
#include "tests/unit/auth/test_keys.h"

namespace gw::auth::testing {
namespace {

nlohmann::json jwksOfTestKeys() {
  const auto& keys = TestKeys::get();
  return {{"keys",
           {publicJwk(keys.rsa, "RSA", "rsa"),
            publicJwk(keys.p256, "P-256", "p256"),
            publicJwk(keys.p384, "P-384", "p384"),
            publicJwk(keys.p521, "P-521", "p521"),
            publicJwk(keys.ed25519, "ED25519", "ed"),
            {{"kty", "oct"}, {"kid", "hs"}, {"k", b64url(keys.hmacSecret)}}}}};
}

TEST(KeyLoader, JwksFromOpensslKeysVerifiesEveryAlgorithm) {
  const auto& keys = TestKeys::get();
  const auto loaded = parseJwks(jwksOfTestKeys().dump());
  ASSERT_TRUE(loaded.error.empty()) << loaded.error;
  EXPECT_TRUE(loaded.warnings.empty());
  ASSERT_EQ(loaded.keySet->keys().size(), 6u);
  const auto verifier = makeVerifier(defaultConfig(), loaded.keySet);
  for (const auto& alg : allAlgNames()) {
    const nlohmann::json header = {{"alg", alg}, {"kid", TestKeys::kidFor(alg)}};
    const std::string token = makeJwt(keys.dir, header, validClaims(), keys.signerFor(alg));
    EXPECT_EQ(verifier->verify(token, kNow).error, AuthError::kOk) << alg;
  }
}

TEST(KeyLoader, JwksFileAndPemFilesLoad) {
  const auto& keys = TestKeys::get();
  TempDir dir;
  writeFile(dir.file("jwks.json"), jwksOfTestKeys().dump(2));
  const auto fromFile = loadJwksFile(dir.file("jwks.json"));
  ASSERT_TRUE(fromFile.error.empty()) << fromFile.error;
  EXPECT_EQ(fromFile.keySet->keys().size(), 6u);
  EXPECT_FALSE(loadJwksFile(dir.file("missing.json")).error.empty());
  // PKCS#1 "BEGIN RSA PUBLIC KEY" is accepted as well as SubjectPublicKeyInfo.
  run("openssl rsa -pubin -in " + keys.rsa.publicPem + " -RSAPublicKey_out -out " +
      dir.file("pkcs1.pem"));
  const auto pkcs1 = loadPemFile(dir.file("pkcs1.pem"), "rsa", JwtAlg::kRS256);
  ASSERT_TRUE(pkcs1.error.empty()) << pkcs1.error;
  const auto spki = loadPemFile(keys.rsa.publicPem, "rsa", JwtAlg::kRS256);
  EXPECT_EQ(pkcs1.keySet->keys()[0]->fingerprint(), spki.keySet->keys()[0]->fingerprint());
  // A pinned alg restricts the key to that algorithm.
  EXPECT_TRUE(pkcs1.keySet->keys()[0]->supports(JwtAlg::kRS256));
  EXPECT_FALSE(pkcs1.keySet->keys()[0]->supports(JwtAlg::kPS256));
  // A private key file or garbage is not a public key.
  EXPECT_FALSE(loadPemFile(keys.rsa.privatePem, "", {}).error.empty());
  writeFile(dir.file("junk.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
  EXPECT_FALSE(loadPemFile(dir.file("junk.pem"), "", {}).error.empty());
  // HMAC secret file: the trailing newline is not part of the secret.
  const std::string secret = toHex(keys.hmacSecret);
  writeFile(dir.file("hs.key"), secret + "\n");
  const auto hs = loadHmacSecretFile(dir.file("hs.key"), "hs");
  ASSERT_TRUE(hs.error.empty()) << hs.error;
  EXPECT_EQ(hs.keySet->keys()[0]->fingerprint(), sha256(secret));
  writeFile(dir.file("hs2.key"), secret + " \r\n");  // only the line ending goes
  EXPECT_EQ(loadHmacSecretFile(dir.file("hs2.key"), "hs").keySet->keys()[0]->fingerprint(),
            sha256(secret + " "));
  writeFile(dir.file("short.key"), "too-short\n");
  EXPECT_FALSE(loadHmacSecretFile(dir.file("short.key"), "hs").error.empty());
}

TEST(KeyLoader, UnusableKeysAreSkippedWithWarnings) {
  const auto& keys = TestKeys::get();
  TempDir dir;
  const auto small = generateKey(dir, "small", "RSA");  // 2048; make a 1024-bit one below
  run("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out " + dir.file("s.pem"));
  run("openssl pkey -in " + dir.file("s.pem") + " -pubout -out " + dir.file("s.pub"));
  auto weak = publicJwk(KeyFiles{dir.file("s.pem"), dir.file("s.pub")}, "RSA", "weak");
  auto enc = publicJwk(small, "RSA", "enc");
  enc["use"] = "enc";
  auto offCurve = publicJwk(keys.p256, "P-256", "bad-point");
  std::string y = *base64UrlDecode(offCurve["y"].get<std::string>());
  y[31] ^= 1;
  offCurve["y"] = b64url(y);
  auto wrongAlg = publicJwk(keys.p256, "P-256", "wrong-alg");
  wrongAlg["alg"] = "RS256";
  const nlohmann::json jwks = {
      {"keys",
       {weak,
        enc,
        offCurve,
        wrongAlg,
        {{"kty", "oct"}, {"k", b64url("short")}},
        {{"kty", "EC"}, {"crv", "secp256k1"}, {"x", "AA"}, {"y", "AA"}},
        {{"kty", "OKP"}, {"crv", "X25519"}, {"x", b64url(std::string(32, 'x'))}},
        {{"kty", "RSA"}, {"n", "not base64!"}, {"e", "AQAB"}},
        {{"kty", "RSA"}, {"n", "AQAB"}, {"e", "AQAB"}},
        "not an object",
        publicJwk(keys.p256, "P-256", "good")}}};
  const auto loaded = parseJwks(jwks.dump());
  ASSERT_TRUE(loaded.error.empty());
  ASSERT_EQ(loaded.keySet->keys().size(), 1u);
  EXPECT_EQ(loaded.keySet->keys()[0]->kid(), "good");
  EXPECT_EQ(loaded.warnings.size(), 10u);
  EXPECT_FALSE(parseJwks("{not json").error.empty());
  EXPECT_FALSE(parseJwks(R"({"keys": {}})").error.empty());
}

TEST(KeyLoader, KeySelectionRules) {
  const auto set = TestKeys::get().pemKeySet();
  EXPECT_EQ(set->select(std::string_view("rsa"), JwtAlg::kPS384).error, AuthError::kOk);
  EXPECT_EQ(set->select(std::string_view("rsa"), JwtAlg::kHS256).error, AuthError::kAlgNotAllowed);
  EXPECT_EQ(set->select(std::string_view("nope"), JwtAlg::kRS256).error, AuthError::kUnknownKid);
  EXPECT_EQ(set->select(std::nullopt, JwtAlg::kES384).key->kid(), "p384");
  // Two RSA keys and no kid: ambiguous, refused.
  const auto& keys = TestKeys::get();
  TempDir dir;
  const auto second = generateKey(dir, "rsa2", "RSA");
  const auto both = mergeKeySets({set, loadPemFile(second.publicPem, "rsa2", {}).keySet});
  EXPECT_EQ(both->select(std::nullopt, JwtAlg::kRS256).error, AuthError::kNoMatchingKey);
  EXPECT_EQ(both->select(std::string_view("rsa2"), JwtAlg::kRS256).key->kid(), "rsa2");
  (void)keys;
}

TEST(KeyLoader, RotationReportsRemovedAndChangedKids) {
  const auto& keys = TestKeys::get();
  const auto original = parseJwks(jwksOfTestKeys().dump()).keySet;
  KeySetHolder holder(original);
  const auto snapshot = holder.current();
  // Re-fetching the same document removes nothing.
  EXPECT_TRUE(holder.replace(parseJwks(jwksOfTestKeys().dump()).keySet).empty());
  // Drop "ed"; re-use kid "p256" for the P-384 key material.
  auto doc = jwksOfTestKeys();
  doc["keys"].erase(4);
  doc["keys"][1] = publicJwk(keys.p384, "P-384", "p256");
  auto removed = holder.replace(parseJwks(doc.dump()).keySet);
  std::sort(removed.begin(), removed.end());
  EXPECT_EQ(removed, (std::vector<std::string>{"ed", "p256"}));
  // The old snapshot stays usable by an in-flight verification.
  EXPECT_EQ(snapshot->keys().size(), 6u);
  EXPECT_FALSE(holder.current()->containsKid("ed"));
}

}  // namespace
}  // namespace gw::auth::testing
