#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

namespace gw::authnet {

/// Counters of one JwksFetcher (see jwks_stats.def). Written on the control loop, readable from
/// any thread (relaxed atomics).
struct JwksStats {
#define GW_JWKS_STAT(member, metric, help) std::atomic<std::uint64_t> member{0};
#include "runtime/authnet/jwks_stats.def"
#undef GW_JWKS_STAT

  /// Calls fn(metric_name, help, value) for every counter, in declaration order.
  template <class Fn>
  void forEach(Fn&& fn) const {
#define GW_JWKS_STAT(member, metric, help) \
  fn(std::string_view(metric), std::string_view(help), member.load(std::memory_order_relaxed));
#include "runtime/authnet/jwks_stats.def"
#undef GW_JWKS_STAT
  }
};

/// Counters of one Introspector (see introspection_stats.def). Written from any worker,
/// readable from any thread (relaxed atomics).
struct IntrospectionStats {
#define GW_INTROSPECTION_STAT(member, metric, help) std::atomic<std::uint64_t> member{0};
#include "runtime/authnet/introspection_stats.def"
#undef GW_INTROSPECTION_STAT

  template <class Fn>
  void forEach(Fn&& fn) const {
#define GW_INTROSPECTION_STAT(member, metric, help) \
  fn(std::string_view(metric), std::string_view(help), member.load(std::memory_order_relaxed));
#include "runtime/authnet/introspection_stats.def"
#undef GW_INTROSPECTION_STAT
  }
};

/// Increments a counter (relaxed: counters order nothing).
inline void bump(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1) noexcept {
  counter.fetch_add(by, std::memory_order_relaxed);
}

inline std::uint64_t read(const std::atomic<std::uint64_t>& counter) noexcept {
  return counter.load(std::memory_order_relaxed);
}

}  // namespace gw::authnet
