#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "runtime/limit/limit_spec.h"
#include "runtime/limit/local_limiter.h"

namespace gw::limit {

/// Hands local limiters to policy generations so counters survive a hot reload: a new
/// generation that declares a limit with the same LimitSpec::identity() (name and counting
/// parameters) adopts the old generation's LocalLimiter; a changed limit starts from zero.
/// The registry holds weak references: a limiter lives as long as some generation holds it,
/// and reload builds the new generation while the old one is still published, so the adoption
/// always finds it. Thread-safe (a mutex; called at configuration time, not per request).
class LimiterRegistry {
 public:
  /// Returns the live limiter with spec's identity, or a new one.
  [[nodiscard]] std::shared_ptr<LocalLimiter> acquire(const LimitSpec& spec);

  /// Live limiters (entries whose generations are gone are pruned).
  [[nodiscard]] std::size_t size();

 private:
  void pruneLocked();

  std::mutex mutex_;
  std::unordered_map<std::string, std::weak_ptr<LocalLimiter>> limiters_;
};

}  // namespace gw::limit
