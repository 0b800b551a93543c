#include "runtime/auth/verification_key.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstring>

#include "runtime/auth/ecdsa_der.h"

namespace gw::auth {
namespace {

// Digests fetched once per process: an implicit fetch per request costs a provider lookup.
const EVP_MD* digestFor(JwtAlg alg) noexcept {
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static EVP_MD* const kSha384 = EVP_MD_fetch(nullptr, "SHA384", nullptr);
  static EVP_MD* const kSha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  switch (algDigestSize(alg)) {
    case 32:
      return kSha256;
    case 48:
      return kSha384;
    case 64:
      return kSha512;
    default:
      return nullptr;
  }
}

std::size_t hmacIndex(JwtAlg alg) noexcept {
  return alg == JwtAlg::kHS256 ? 0 : alg == JwtAlg::kHS384 ? 1 : 2;
}

std::optional<KeyType> classify(EVP_PKEY* pkey, std::string& error) {
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    if (EVP_PKEY_get_bits(pkey) < kMinRsaBits) {
      error = "RSA key shorter than 2048 bits";
      return std::nullopt;
    }
    return KeyType::kRsa;
  }
  if (EVP_PKEY_is_a(pkey, "ED25519")) {
    return KeyType::kEd25519;
  }
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_group_name(pkey, group, sizeof(group), &len) == 1) {
      const std::string_view name(group, len);
      if (name == "prime256v1" || name == "P-256") {
        return KeyType::kEcP256;
      }
      if (name == "secp384r1" || name == "P-384") {
        return KeyType::kEcP384;
      }
      if (name == "secp521r1" || name == "P-521") {
        return KeyType::kEcP521;
      }
    }
    error = "unsupported EC curve (need P-256, P-384 or P-521)";
    return std::nullopt;
  }
  error = "unsupported public key type";
  return std::nullopt;
}

std::size_t ecCoordinateSize(KeyType type) noexcept {
  return type == KeyType::kEcP256 ? 32 : type == KeyType::kEcP384 ? 48 : 66;
}

}  // namespace

VerificationKey::VerificationKey(std::string kid, KeyType type, std::optional<JwtAlg> pinnedAlg)
    : kid_(std::move(kid)), type_(type), pinnedAlg_(pinnedAlg) {}

VerificationKey::~VerificationKey() {
  EVP_PKEY_free(pkey_);
  for (EVP_MAC_CTX* ctx : hmac_) {
    EVP_MAC_CTX_free(ctx);
  }
}

std::shared_ptr<const VerificationKey> VerificationKey::fromPublicKey(
    std::string kid, EVP_PKEY* pkey, std::optional<JwtAlg> pinnedAlg, std::string& error) {
  const auto type = classify(pkey, error);
  if (!type) {
    EVP_PKEY_free(pkey);
    return nullptr;
  }
  std::shared_ptr<VerificationKey> key(new VerificationKey(std::move(kid), *type, pinnedAlg));
  key->pkey_ = pkey;
  unsigned char* der = nullptr;
  const int derLen = i2d_PUBKEY(pkey, &der);
  if (derLen <= 0) {
    ERR_clear_error();
    error = "cannot encode public key";
    return nullptr;
  }
  key->fingerprint_ = sha256({reinterpret_cast<const char*>(der), std::size_t(derLen)});
  OPENSSL_free(der);
  if (pinnedAlg && !key->supports(*pinnedAlg)) {
    error = "key alg `" + std::string(jwtAlgName(*pinnedAlg)) + "` does not fit a " +
            std::string(keyTypeName(*type)) + " key";
    return nullptr;
  }
  return key;
}

std::shared_ptr<const VerificationKey> VerificationKey::fromHmacSecret(
    std::string kid, std::string_view secret, std::optional<JwtAlg> pinnedAlg, std::string& error) {
  if (secret.size() < 32) {
    error = "HMAC secret shorter than 32 bytes";
    return nullptr;
  }
  std::shared_ptr<VerificationKey> key(
      new VerificationKey(std::move(kid), KeyType::kHmac, pinnedAlg));
  key->secretSize_ = secret.size();
  key->fingerprint_ = sha256(secret);
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) {
    error = "OpenSSL has no HMAC";
    return nullptr;
  }
  for (const JwtAlg alg : {JwtAlg::kHS256, JwtAlg::kHS384, JwtAlg::kHS512}) {
    if (!key->supports(alg)) {
      continue;
    }
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    char digestName[16];
    std::strncpy(digestName, algDigestName(alg), sizeof(digestName) - 1);
    digestName[sizeof(digestName) - 1] = '\0';
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digestName, 0),
        OSSL_PARAM_construct_end()};
    if (ctx == nullptr || EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(secret.data()),
                                       secret.size(), params) != 1) {
      EVP_MAC_CTX_free(ctx);
      EVP_MAC_free(mac);
      error = "cannot key HMAC";
      return nullptr;
    }
    key->hmac_[hmacIndex(alg)] = ctx;
  }
  EVP_MAC_free(mac);
  if (pinnedAlg && !key->supports(*pinnedAlg)) {
    error = "key alg `" + std::string(jwtAlgName(*pinnedAlg)) + "` does not fit this secret";
    return nullptr;
  }
  return key;
}

bool VerificationKey::supports(JwtAlg alg) const noexcept {
  if (pinnedAlg_ && *pinnedAlg_ != alg) {
    return false;
  }
  switch (algFamily(alg)) {
    case AlgFamily::kHmac:
      return type_ == KeyType::kHmac && secretSize_ >= algDigestSize(alg);
    case AlgFamily::kRsaPkcs1:
    case AlgFamily::kRsaPss:
      return type_ == KeyType::kRsa;
    case AlgFamily::kEcdsa:
      return (alg == JwtAlg::kES256 && type_ == KeyType::kEcP256) ||
             (alg == JwtAlg::kES384 && type_ == KeyType::kEcP384) ||
             (alg == JwtAlg::kES512 && type_ == KeyType::kEcP521);
    case AlgFamily::kEdDSA:
      return type_ == KeyType::kEd25519;
  }
  return false;
}

bool VerificationKey::verify(JwtAlg alg, std::string_view signingInput,
                             std::string_view signature) const noexcept {
  if (!supports(alg)) {
    return false;
  }
  if (type_ == KeyType::kHmac) {
    return verifyHmac(alg, signingInput, signature);
  }
  return verifyPublic(alg, signingInput, signature);
}

bool VerificationKey::verifyHmac(JwtAlg alg, std::string_view input,
                                 std::string_view signature) const noexcept {
  const EVP_MAC_CTX* keyed = hmac_[hmacIndex(alg)];
  if (keyed == nullptr || signature.size() != algDigestSize(alg)) {
    return false;
  }
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(keyed);
  if (ctx == nullptr) {
    return false;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t macLen = 0;
  const bool ok = EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(input.data()),
                                 input.size()) == 1 &&
                  EVP_MAC_final(ctx, mac, &macLen, sizeof(mac)) == 1 && macLen == signature.size();
  EVP_MAC_CTX_free(ctx);
  if (!ok) {
    ERR_clear_error();
    return false;
  }
  return CRYPTO_memcmp(mac, signature.data(), macLen) == 0;
}

bool VerificationKey::verifyPublic(JwtAlg alg, std::string_view input,
                                   std::string_view signature) const noexcept {
  const AlgFamily family = algFamily(alg);
  std::uint8_t der[kMaxEcdsaDerSize];
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  std::size_t sigLen = signature.size();
  if (family == AlgFamily::kEcdsa) {
    // JOSE fixes the length; OpenSSL would also accept a shorter R||S, so check it here.
    if (signature.size() != 2 * ecCoordinateSize(type_)) {
      return false;
    }
    sigLen = ecdsaJoseToDer(signature, der, sizeof(der));
    sig = der;
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) {
    return false;
  }
  EVP_PKEY_CTX* pctx = nullptr;
  const EVP_MD* md = family == AlgFamily::kEdDSA ? nullptr : digestFor(alg);
  bool ok = EVP_DigestVerifyInit(ctx, &pctx, md, nullptr, pkey_) == 1;
  if (ok && family == AlgFamily::kRsaPss) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1;
  }
  ok = ok && sigLen != 0 &&
       EVP_DigestVerify(ctx, sig, sigLen, reinterpret_cast<const unsigned char*>(input.data()),
                        input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) {
    // A failed verify leaves entries on this thread's OpenSSL error queue; a TLS call later on
    // the same worker thread would misread them as its own failure.
    ERR_clear_error();
  }
  return ok;
}

std::string_view keyTypeName(KeyType type) noexcept {
  switch (type) {
    case KeyType::kRsa:
      return "RSA";
    case KeyType::kEcP256:
      return "EC P-256";
    case KeyType::kEcP384:
      return "EC P-384";
    case KeyType::kEcP521:
      return "EC P-521";
    case KeyType::kEd25519:
      return "Ed25519";
    case KeyType::kHmac:
      return "HMAC secret";
  }
  return "unknown";
}

}  // namespace gw::auth
