#pragma once
// The per-route series a request touches, registered once per policy load and indexed by route
// index, so the request path does one vector index and a few slot bumps.
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "runtime/stats/registry.h"

namespace gw::stats {

/// Handles of one route's series (gw_requests_total, gw_request_duration_seconds,
/// gw_request_bytes_total, gw_response_bytes_total). Plain values; copy freely.
struct RouteSeries {
  CodeCounter requests;
  Histogram duration;
  Counter bytesIn;
  Counter bytesOut;
};

/// Registers (or finds: a reload keeps totals of routes that keep their name) the series of
/// every route, in route-index order. Control thread; takes the registry mutex per series.
std::vector<RouteSeries> registerRoutes(Registry& registry, std::span<const std::string> names);
std::vector<RouteSeries> registerRoutes(Registry& registry, std::span<const std::string_view> names);

/// Records one finished request on the calling worker's shard. Hot path: no lock, no allocation.
inline void recordRequest(Shard& shard, const RouteSeries& route, int status,
                          std::chrono::nanoseconds latency, std::uint64_t bytesIn,
                          std::uint64_t bytesOut) noexcept {
  shard.inc(route.requests, status);
  shard.observe(route.duration, latency);
  if (bytesIn != 0) {
    shard.inc(route.bytesIn, bytesIn);
  }
  if (bytesOut != 0) {
    shard.inc(route.bytesOut, bytesOut);
  }
}

}  // namespace gw::stats
