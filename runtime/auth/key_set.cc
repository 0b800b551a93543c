#include "runtime/auth/key_set.h"

namespace gw::auth {

KeySet::KeySet(std::vector<std::shared_ptr<const VerificationKey>> keys) : keys_(std::move(keys)) {}

KeySelection KeySet::select(std::optional<std::string_view> kid, JwtAlg alg) const noexcept {
  if (kid) {
    bool kidKnown = false;
    for (const auto& key : keys_) {
      if (key->kid() != *kid) {
        continue;
      }
      kidKnown = true;
      if (key->supports(alg)) {
        return {key.get(), AuthError::kOk};
      }
    }
    return {nullptr, kidKnown ? AuthError::kAlgNotAllowed : AuthError::kUnknownKid};
  }
  const VerificationKey* only = nullptr;
  for (const auto& key : keys_) {
    if (!key->supports(alg)) {
      continue;
    }
    if (only != nullptr) {
      return {nullptr, AuthError::kNoMatchingKey};
    }
    only = key.get();
  }
  return {only, only != nullptr ? AuthError::kOk : AuthError::kNoMatchingKey};
}

bool KeySet::containsKid(std::string_view kid) const noexcept {
  for (const auto& key : keys_) {
    if (key->kid() == kid) {
      return true;
    }
  }
  return false;
}

bool KeySet::containsKey(std::string_view kid, const Sha256Digest& fingerprint) const noexcept {
  for (const auto& key : keys_) {
    if (key->kid() == kid && key->fingerprint() == fingerprint) {
      return true;
    }
  }
  return false;
}

KeySetHolder::KeySetHolder(std::shared_ptr<const KeySet> initial)
    : current_(initial ? std::move(initial)
                       : std::make_shared<const KeySet>(
                             std::vector<std::shared_ptr<const VerificationKey>>{})) {}

std::vector<std::string> KeySetHolder::replace(std::shared_ptr<const KeySet> next) {
  if (!next) {
    next = std::make_shared<const KeySet>(std::vector<std::shared_ptr<const VerificationKey>>{});
  }
  const std::shared_ptr<const KeySet> previous = current_.exchange(next);
  std::vector<std::string> removed;
  for (const auto& key : previous->keys()) {
    if (!next->containsKey(key->kid(), key->fingerprint())) {
      removed.push_back(key->kid());
    }
  }
  return removed;
}

}  // namespace gw::auth
