#include "runtime/auth/jwt_authenticator.h"

#include "runtime/auth/bearer.h"

namespace gw::auth {

JwtAuthenticator::JwtAuthenticator(std::shared_ptr<const JwtVerifier> verifier,
                                   std::shared_ptr<VerdictCache> cache, Clock clock)
    : verifier_(std::move(verifier)), cache_(std::move(cache)), clock_(std::move(clock)) {}

JwtVerdict JwtAuthenticator::authenticate(std::string_view token) const {
  if (token.empty()) {
    return JwtVerdict{AuthError::kMissingCredential, nullptr, {}};
  }
  // Refuse oversized tokens before hashing them: the size check is O(1), the hash is not.
  if (token.size() > verifier_->config().limits.maxTokenBytes) {
    return JwtVerdict{AuthError::kOversized, nullptr, {}};
  }
  const UnixSeconds now = clock_();
  if (!cache_) {
    return isB64Token(token) ? verifier_->verify(token, now)
                             : JwtVerdict{AuthError::kInvalidRequest, nullptr, {}};
  }
  // The b64token check scans every byte (~500 per RS256 token, the most per-request work after
  // the hash) and is only needed on a miss. Why a hit may skip it: the cache is keyed by the
  // SHA-256 of the token's exact bytes, and the only writes below happen after the check
  // passed, so every key in the cache is the digest of a token with valid syntax. A hit is
  // therefore those very bytes (a different token with the same digest would be a SHA-256
  // collision), already checked. A token that fails the check is never stored, so it misses
  // on every request and is rejected here each time.
  const Sha256Digest digest = sha256(token);
  if (auto hit = cache_->lookup(digest, now)) {
    return JwtVerdict{hit->error, std::move(hit->identity), {}};
  }
  if (!isB64Token(token)) {
    return JwtVerdict{AuthError::kInvalidRequest, nullptr, {}};
  }
  JwtVerdict verdict = verifier_->verify(token, now);
  if (verdict.error == AuthError::kOk) {
    cache_->storeSuccess(digest, verdict.identity, verdict.kid, now);
  } else {
    cache_->storeFailure(digest, verdict.error, verdict.kid, now);
  }
  return verdict;
}

std::vector<std::string> JwtAuthenticator::rotateKeys(std::shared_ptr<const KeySet> next) {
  std::vector<std::string> removed = verifier_->keys().replace(std::move(next));
  if (cache_) {
    cache_->invalidateKids(removed);
  }
  return removed;
}

}  // namespace gw::auth
