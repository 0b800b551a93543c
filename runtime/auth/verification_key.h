#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/auth/jwt_alg.h"
#include "runtime/auth/sha256.h"

typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_mac_ctx_st EVP_MAC_CTX;

namespace gw::auth {

/// What a key is; decides which algorithms it can ever verify.
enum class KeyType : std::uint8_t { kRsa, kEcP256, kEcP384, kEcP521, kEd25519, kHmac };

/// RFC 7518 section 3.3: RSA keys below 2048 bits are refused at load time.
inline constexpr int kMinRsaBits = 2048;

/// One verification key with its OpenSSL state prepared at load time (an EVP_PKEY for public
/// keys; a keyed EVP_MAC_CTX template per usable HMAC digest for secrets), so verification does
/// no key parsing or key scheduling per request. Immutable after construction and safe to use
/// from any number of threads; shared as std::shared_ptr<const VerificationKey>.
class VerificationKey {
 public:
  /// Takes ownership of `pkey` (an RSA >= 2048 bits, EC P-256/384/521 or Ed25519 public key).
  /// `pinnedAlg` is the JWK `alg` member, if any: then only that algorithm is accepted.
  /// Returns nullptr and sets `error` for any other key type.
  static std::shared_ptr<const VerificationKey> fromPublicKey(std::string kid, EVP_PKEY* pkey,
                                                              std::optional<JwtAlg> pinnedAlg,
                                                              std::string& error);

  /// An HMAC secret (JWK `oct` or a configured `hmac_secret`). HSxxx is usable only when the
  /// secret is at least as long as the digest (RFC 7518 section 3.2). nullptr + `error` if the
  /// secret is shorter than 32 bytes.
  static std::shared_ptr<const VerificationKey> fromHmacSecret(std::string kid,
                                                               std::string_view secret,
                                                               std::optional<JwtAlg> pinnedAlg,
                                                               std::string& error);

  ~VerificationKey();
  VerificationKey(const VerificationKey&) = delete;
  VerificationKey& operator=(const VerificationKey&) = delete;

  /// The JWK `kid` (may be empty).
  const std::string& kid() const noexcept { return kid_; }
  KeyType type() const noexcept { return type_; }
  /// SHA-256 of the key material (DER SubjectPublicKeyInfo, or the secret): tells a rotation
  /// that re-uses a kid for a different key apart from a re-fetch of the same key.
  const Sha256Digest& fingerprint() const noexcept { return fingerprint_; }

  /// True if this key may verify `alg`: family and curve match the key type, the JWK `alg`
  /// (if pinned) equals it, and an HMAC secret is long enough. An HMAC algorithm is never
  /// supported by a public key, which is the algorithm-confusion defence.
  bool supports(JwtAlg alg) const noexcept;

  /// Verifies `signature` over `signingInput` (the ASCII "header.payload"). For ES* the
  /// signature is JOSE R || S. Returns false on any mismatch, including !supports(alg).
  bool verify(JwtAlg alg, std::string_view signingInput, std::string_view signature) const noexcept;

 private:
  VerificationKey(std::string kid, KeyType type, std::optional<JwtAlg> pinnedAlg);
  bool verifyHmac(JwtAlg alg, std::string_view input, std::string_view signature) const noexcept;
  bool verifyPublic(JwtAlg alg, std::string_view input, std::string_view signature) const noexcept;

  std::string kid_;
  KeyType type_;
  std::optional<JwtAlg> pinnedAlg_;
  Sha256Digest fingerprint_{};
  EVP_PKEY* pkey_ = nullptr;
  std::size_t secretSize_ = 0;
  std::array<EVP_MAC_CTX*, 3> hmac_{};  // keyed templates for HS256/384/512, duplicated per use
};

/// Human-readable name of a key type ("EC P-256"), for load errors.
std::string_view keyTypeName(KeyType type) noexcept;

}  // namespace gw::auth
