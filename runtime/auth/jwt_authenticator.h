#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/auth/clock.h"
#include "runtime/auth/jwt_verifier.h"
#include "runtime/auth/verdict_cache.h"

namespace gw::auth {

/// A JWT provider as the server uses it: verifier + verdict cache + clock. A cache hit costs one
/// SHA-256 of the token and a shard lookup; a miss runs the full JwtVerifier. Thread-safe.
class JwtAuthenticator {
 public:
  /// `cache` may be null (no `cache` setting). `clock` defaults to the system clock.
  JwtAuthenticator(std::shared_ptr<const JwtVerifier> verifier, std::shared_ptr<VerdictCache> cache,
                   Clock clock = systemNow);

  /// Verifies `token` (the bearer credential, without "Bearer ", as locateBearerToken finds
  /// it: its characters need not be checked yet). An empty token is kMissingCredential; one
  /// that is not a b64token is kInvalidRequest, checked on a cache miss only (see the .cc).
  /// kUnknownKid tells the caller to schedule a throttled JWKS re-fetch.
  JwtVerdict authenticate(std::string_view token) const;

  /// Publishes a new key set (after a JWKS fetch) and drops cached verdicts of keys that are
  /// gone or changed. Returns those kids.
  std::vector<std::string> rotateKeys(std::shared_ptr<const KeySet> next);

  const JwtVerifier& verifier() const noexcept { return *verifier_; }
  VerdictCache* cache() const noexcept { return cache_.get(); }

 private:
  std::shared_ptr<const JwtVerifier> verifier_;
  std::shared_ptr<VerdictCache> cache_;
  Clock clock_;
};

}  // namespace gw::auth
