#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

namespace gw::limit {

/// Counters of one Redis connection (one per io_context). Written on the io_context's thread,
/// readable from any thread (relaxed atomics).
struct RedisStats {
#define GW_REDIS_STAT(member, metric, help) std::atomic<std::uint64_t> member{0};
#include "runtime/limit/redis_stats.def"
#undef GW_REDIS_STAT
  /// Gauges: connections up right now, and clients currently unavailable (not counted above).
  std::atomic<std::int64_t> connectionsUp{0};
  std::atomic<std::int64_t> unavailableClients{0};

  /// Calls fn(metric_name, help, value) for every counter, in declaration order.
  template <class Fn>
  void forEach(Fn&& fn) const {
#define GW_REDIS_STAT(member, metric, help) \
  fn(std::string_view(metric), std::string_view(help), member.load(std::memory_order_relaxed));
#include "runtime/limit/redis_stats.def"
#undef GW_REDIS_STAT
  }
};

/// Increments a counter (relaxed: counters order nothing).
inline void bump(std::atomic<std::uint64_t>& counter) noexcept {
  counter.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace gw::limit
