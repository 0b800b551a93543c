#include "runtime/gateway/auth_shared.h"


namespace gw::gateway {

namespace {

template <class Map>
void pruneExpired(Map& map) {
  for (auto it = map.begin(); it != map.end();) {
    it = it->second.expired() ? map.erase(it) : std::next(it);
  }
}

}  // namespace

JwksBinding::~JwksBinding() {
  if (fetcher) fetcher->stop();
}

std::shared_ptr<JwksBinding> AuthShared::jwks(const std::string& key, const JwksFactory& make,
                                              std::string* error) {
  std::lock_guard<std::mutex> lock(mutex_);
  pruneExpired(jwks_);
  auto it = jwks_.find(key);
  if (it != jwks_.end()) {
    if (auto live = it->second.lock()) return live;
  }
  if (!loop_) loop_ = std::make_shared<authnet::ControlLoop>();
  std::shared_ptr<JwksBinding> made = make(loop_, error);
  if (made) jwks_[key] = made;
  return made;
}

std::shared_ptr<authnet::Introspector> AuthShared::introspector(const std::string& key,
                                                                const IntrospectorFactory& make,
                                                                std::string* error) {
  std::lock_guard<std::mutex> lock(mutex_);
  pruneExpired(introspectors_);
  auto it = introspectors_.find(key);
  if (it != introspectors_.end()) {
    if (auto live = it->second.lock()) return live;
  }
  std::shared_ptr<authnet::Introspector> made = make(error);
  if (made) introspectors_[key] = made;
  return made;
}

}  // namespace gw::gateway
