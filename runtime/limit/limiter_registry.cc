#include "runtime/limit/limiter_registry.h"

namespace gw::limit {

std::shared_ptr<LocalLimiter> LimiterRegistry::acquire(const LimitSpec& spec) {
  std::string id = spec.identity();
  std::lock_guard<std::mutex> guard(mutex_);
  pruneLocked();
  auto it = limiters_.find(id);
  if (it != limiters_.end()) {
    if (auto live = it->second.lock()) {
      return live;
    }
  }
  auto limiter = std::make_shared<LocalLimiter>(spec);
  limiters_[std::move(id)] = limiter;
  return limiter;
}

std::size_t LimiterRegistry::size() {
  std::lock_guard<std::mutex> guard(mutex_);
  pruneLocked();
  return limiters_.size();
}

void LimiterRegistry::pruneLocked() {
  for (auto it = limiters_.begin(); it != limiters_.end();) {
    if (it->second.expired()) {
      it = limiters_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace gw::limit
