#pragma once

#include <atomic>
#include <thread>

namespace gw::limit {

/// A test-and-test-and-set spin lock for critical sections of a few dozen nanoseconds; yields
/// after a short spin so a preempted holder on an oversubscribed machine does not burn a core.
/// Satisfies Lockable (usable with std::lock_guard).
class SpinLock {
 public:
  void lock() noexcept {
    for (;;) {
      if (!locked_.exchange(true, std::memory_order_acquire)) {
        return;
      }
      int spins = 0;
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins < 64) {
#if defined(__x86_64__) || defined(__i386__)
          __builtin_ia32_pause();
#endif
        } else {
          std::this_thread::yield();
        }
      }
    }
  }
  bool try_lock() noexcept { return !locked_.exchange(true, std::memory_order_acquire); }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

}  // namespace gw::limit
