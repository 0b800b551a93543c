#pragma once
// The published policy generation. Workers load it once per request (one atomic shared_ptr
// load); the reloader stores a new one after a successful compile. Thread-safe.
#include <atomic>
#include <memory>

#include "runtime/gateway/generation.h"

namespace gw::gateway {

class PolicyStore {
 public:
  std::shared_ptr<const Generation> current() const {
    return current_.load(std::memory_order_acquire);
  }
  void publish(std::shared_ptr<const Generation> next) {
    current_.store(std::move(next), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const Generation>> current_;
};

}  // namespace gw::gateway
