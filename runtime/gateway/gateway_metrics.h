#pragma once
// The gateway's metric series (runtime/stats/metrics.def), registered per policy generation
// before it is published, so the request path only indexes vectors by route, upstream and limit
// and bumps its worker's stats::Shard (no lock, no lookup by name). Re-registering a name on a
// reload returns the same series: totals of routes, upstreams and limits that keep their names
// carry over.
#include <cstdint>
#include <string_view>
#include <vector>

#include "runtime/stats/registry.h"
#include "runtime/stats/route_series.h"

namespace gw::policy {
class CompiledPolicy;
}

namespace gw::gateway {

class PolicyStore;

/// Counters of one upstream (label `upstream`).
struct UpstreamSeries {
  stats::Counter requests, connectFailures, timeouts, failures, unavailable, retries;
};

/// Every handle a request of one generation may touch. Immutable once the generation is
/// published; plain values, read by every worker.
struct GenerationSeries {
  std::vector<stats::RouteSeries> routes;  ///< by route index
  stats::RouteSeries unmatched;            ///< route="": 404, 405, gateway-level 429
  /// gw_authz_denied_total by route, then plan, then rule index + 1 (0: the default deny).
  std::vector<std::vector<std::vector<stats::Counter>>> denied;
  /// gw_authn_failures_total by provider index + 1 (0: none identified), then AuthError.
  std::vector<std::vector<stats::Counter>> authnFailures;
  /// gw_auth_unavailable_total by provider index + 1 (0: none identified).
  std::vector<stats::Counter> authUnavailable;
  std::vector<UpstreamSeries> upstreams;   ///< by Generation::upstreams index
  std::vector<stats::Counter> rateLimited;  ///< by Generation::limits index
  stats::Counter noRoute, methodNotAllowed;

  /// The route's series, or `unmatched` for route < 0.
  const stats::RouteSeries& route(int32_t route) const {
    return route >= 0 ? routes[static_cast<size_t>(route)] : unmatched;
  }
  /// Index into authnFailures/authUnavailable of the provider named `name` (0 if unknown).
  static size_t providerIndex(const policy::CompiledPolicy& p, std::string_view name);
  /// The denial counter of `route` for the rule an AuthzResult names (plan by name).
  stats::Counter deniedBy(const policy::CompiledPolicy& p, uint32_t route, std::string_view plan,
                          int32_t rule) const;
};

/// Registers (or finds) the series of every route, upstream, limit, auth provider and rule of
/// `p` (upstreams and limits in p.runtime order, which is the Generation's). Control thread.
GenerationSeries registerGenerationSeries(stats::Registry& registry,
                                          const policy::CompiledPolicy& p);

/// Adds the collector of per-server state read at scrape time from the generation serving
/// then: gw_upstream_active_connections (requests in flight, each on its own connection),
/// gw_upstream_healthy and gw_breaker_state. `store` must outlive the collector.
stats::CollectorId addUpstreamStateCollector(stats::Registry& registry, const PolicyStore& store);

/// Adds the collector of the rate limits' own families (appendLimitMetrics: decisions by store
/// and result, quotas, keys, the Redis store) of the generation serving then.
stats::CollectorId addLimitCollector(stats::Registry& registry, const PolicyStore& store);

/// Adds the collector of the auth providers' own counters (JWKS fetchers, introspection caches;
/// AuthProviders::appendMetrics) of the generation serving then. `store` must outlive it.
stats::CollectorId addAuthCollector(stats::Registry& registry, const PolicyStore& store);

}  // namespace gw::gateway
