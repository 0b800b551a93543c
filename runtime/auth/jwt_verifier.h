#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/auth/auth_error.h"
#include "runtime/auth/identity.h"
#include "runtime/auth/jws.h"
#include "runtime/auth/key_set.h"

namespace gw::auth {

/// One `auth <name> jwt { ... }` block, immutable once built.
struct JwtVerifierConfig {
  std::string provider;                     ///< the auth block's name, copied into Identity
  std::vector<JwtAlg> algorithms;           ///< allowed `alg` values; empty allows nothing
  std::vector<std::string> issuers;         ///< accepted `iss`; empty: `iss` is not checked
  std::vector<std::string> audiences;       ///< one must appear in `aud`; empty: not checked
  std::int64_t leewaySeconds = 0;           ///< clock skew tolerated on exp, nbf and iat
  bool requireExp = true;                   ///< a token without `exp` is rejected
  std::string rolesClaim = "roles";         ///< dotted path of the roles claim
  std::vector<std::string> understoodCrit;  ///< `crit` names the caller processes; others fail
  JwtLimits limits;
};

/// The result of verifying one token: an identity, or the reason there is none.
struct JwtVerdict {
  AuthError error = AuthError::kOk;
  std::shared_ptr<const Identity> identity;  ///< set iff error == kOk
  std::string kid;                           ///< kid of the verifying key (cache invalidation)
};

/// Verifies JWTs (RFC 7519) signed with JWS compact serialization against a provider's keys.
/// The algorithm comes from the configuration and the key, never from the token alone: the
/// header `alg` must be allowed AND supported by the selected key. Immutable apart from the
/// KeySetHolder, which rotates atomically; verify() is thread-safe and takes `now` so tests and
/// callers control time.
class JwtVerifier {
 public:
  JwtVerifier(JwtVerifierConfig config, std::shared_ptr<KeySetHolder> keys);

  /// Order: size limits, base64url/JSON of the header, `alg` allowed, `crit` understood, key
  /// selection by kid, signature, then payload JSON and claims (exp, nbf, iat, iss, aud).
  JwtVerdict verify(std::string_view token, UnixSeconds now) const;

  const JwtVerifierConfig& config() const noexcept { return config_; }
  KeySetHolder& keys() const noexcept { return *keys_; }

 private:
  AuthError checkHeader(const ParsedJws& jws) const;
  AuthError checkClaims(const nlohmann::json& claims, UnixSeconds now, UnixSeconds& expiry) const;

  JwtVerifierConfig config_;
  std::shared_ptr<KeySetHolder> keys_;
  std::uint32_t allowedMask_ = 0;
};

}  // namespace gw::auth
