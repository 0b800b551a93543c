#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace gw::auth {

/// JWS signature algorithms the gateway verifies (RFC 7518 section 3, RFC 8037 section 3.1).
/// `none` is deliberately absent: it can never be represented, let alone allowed.
enum class JwtAlg : std::uint8_t {
  kHS256,
  kHS384,
  kHS512,
  kRS256,
  kRS384,
  kRS512,
  kPS256,
  kPS384,
  kPS512,
  kES256,
  kES384,
  kES512,
  kEdDSA,
};

/// Algorithm families; a key of one family never verifies a token of another.
enum class AlgFamily : std::uint8_t { kHmac, kRsaPkcs1, kRsaPss, kEcdsa, kEdDSA };

inline constexpr std::size_t kJwtAlgCount = 13;

/// Parses an `alg` header value. Exact, case-sensitive match as RFC 7515 requires: "none" in
/// any casing, "hs256" or anything unknown yields std::nullopt.
std::optional<JwtAlg> parseJwtAlg(std::string_view name) noexcept;

/// The registered name ("RS256").
std::string_view jwtAlgName(JwtAlg alg) noexcept;

AlgFamily algFamily(JwtAlg alg) noexcept;

/// OpenSSL digest name ("SHA256"); nullptr for EdDSA, which hashes internally.
const char* algDigestName(JwtAlg alg) noexcept;

/// Digest output size in bytes (HMAC minimum key size, PSS salt size); 0 for EdDSA.
std::size_t algDigestSize(JwtAlg alg) noexcept;

}  // namespace gw::auth
