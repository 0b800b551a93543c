#pragma once
// Process-wide pipeline counters (relaxed atomics; any thread).
#include <atomic>
#include <cstdint>
#include <string>

namespace gw::gateway {

struct GatewayStats {
#define GW_GATEWAY_STAT(member, name, doc) std::atomic<uint64_t> member{0};
#include "runtime/gateway/gateway_stats.def"

  void bump(std::atomic<uint64_t>& c) { c.fetch_add(1, std::memory_order_relaxed); }
  /// {"requests_total": N, ...}
  std::string toJson() const {
    std::string out = "{";
#define GW_GATEWAY_STAT(member, name, doc)                                          \
  out += (out.size() > 1 ? ",\"" : "\"") + std::string(name) + "\":" +              \
         std::to_string(member.load(std::memory_order_relaxed));
#include "runtime/gateway/gateway_stats.def"
    return out + "}";
  }
};

}  // namespace gw::gateway
