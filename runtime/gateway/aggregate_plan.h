#pragma once
// The prepared form of a route's `aggregate` parts (docs/aggregate.md): which upstream each
// part goes to and its metric series, resolved once per policy generation so a request never
// looks anything up by name. Immutable once the generation is published.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/stats/registry.h"

namespace gw::gateway {

/// How one sub-request ended (the `result` label and the access log's `parts[].result`).
enum class PartResult : uint8_t {
  kOk,             ///< 2xx with a JSON body (or an empty one: null)
  kStatus,         ///< the upstream answered with a status other than 2xx
  kInvalidJson,    ///< 2xx whose body is not one JSON document
  kTooLarge,       ///< the body exceeded the 1 MiB bound
  kTimeout,        ///< connect or response timeout, or the route's deadline
  kConnectFailed,  ///< no connection (refused, unreachable, TLS handshake)
  kFailed,         ///< broken after connecting (reset, malformed response)
  kUnavailable,    ///< no server to try (all unhealthy, breakers open)
  kBadPath,        ///< a value inserted in the path was empty or a dot segment
  kCancelled,      ///< stopped because another part had already failed
  kCount
};

/// "ok", "status", "invalid_json", ...
std::string_view partResultName(PartResult r);

/// One part of one route.
struct AggregatePartRuntime {
  uint32_t upstream = 0;  ///< index into Generation::upstreams
  std::array<stats::Counter, static_cast<size_t>(PartResult::kCount)> results;
  stats::Histogram duration;
};

/// Registers (or finds) the series of `part` of `route`. Control thread.
void registerPartSeries(stats::Registry& registry, std::string_view route, std::string_view part,
                        AggregatePartRuntime& out);

}  // namespace gw::gateway
