#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/auth/auth_error.h"
#include "runtime/auth/verification_key.h"

namespace gw::auth {

/// The outcome of choosing a key for a token: a key, or why there is none.
struct KeySelection {
  const VerificationKey* key = nullptr;  ///< owned by the KeySet; valid while it is held
  AuthError error = AuthError::kOk;      ///< kUnknownKid, kNoMatchingKey or kAlgNotAllowed
};

/// An immutable set of verification keys (one JWKS document, PEM keys and HMAC secrets).
/// Built off the request path, then shared read-only by all threads.
class KeySet {
 public:
  explicit KeySet(std::vector<std::shared_ptr<const VerificationKey>> keys);

  /// Chooses the key for a token with header `alg` and optional `kid`:
  /// - with a kid: the key with that kid that supports `alg`; kUnknownKid if no key has the
  ///   kid (the caller may re-fetch the JWKS, throttled); kAlgNotAllowed if keys with the kid
  ///   exist but none supports `alg` (e.g. HS256 against an RSA key);
  /// - without a kid: the only key supporting `alg`; kNoMatchingKey if there is none or more
  ///   than one (guessing among several keys would multiply the verification cost).
  KeySelection select(std::optional<std::string_view> kid, JwtAlg alg) const noexcept;

  const std::vector<std::shared_ptr<const VerificationKey>>& keys() const noexcept { return keys_; }
  bool containsKid(std::string_view kid) const noexcept;
  /// True if a key with this kid and exactly this key material is in the set.
  bool containsKey(std::string_view kid, const Sha256Digest& fingerprint) const noexcept;

 private:
  std::vector<std::shared_ptr<const VerificationKey>> keys_;
};

/// Holds the current KeySet of one provider and swaps it atomically on rotation. Readers get a
/// shared_ptr snapshot that stays valid for the whole verification even if a rotation happens
/// meanwhile. Thread-safe: any thread may call current() and replace().
class KeySetHolder {
 public:
  explicit KeySetHolder(std::shared_ptr<const KeySet> initial);

  /// The KeySet in force now (never null).
  std::shared_ptr<const KeySet> current() const noexcept { return current_.load(); }

  /// Publishes `next` and returns the kids whose key was removed or replaced by different key
  /// material, so the caller can invalidate cached verdicts that such a key verified.
  std::vector<std::string> replace(std::shared_ptr<const KeySet> next);

 private:
  std::atomic<std::shared_ptr<const KeySet>> current_;
};

}  // namespace gw::auth
