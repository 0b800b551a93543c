#pragma once

#include <cstdint>
#include <vector>

#include "runtime/balance/server_set.h"

namespace gw::balance {

/// Smooth weighted round robin, nginx's algorithm (ngx_http_upstream_get_peer): on each pick
/// every eligible server's current weight grows by its weight, the largest wins and pays back
/// the total. Over any window of sum(weights) picks each server is chosen exactly weight times,
/// and picks of a heavy server are spread out rather than bunched ({5,1,1} gives a a b a c a a).
///
/// Thread-safety: none; make one instance per worker thread (no lock on the request path). Each
/// instance is exact over its own picks, so the sum over threads is exact too; the seed
/// staggers where each instance starts in the cycle so workers do not all hit server 0 together.
class SmoothWeightedRoundRobin {
 public:
  explicit SmoothWeightedRoundRobin(std::uint64_t seed = 0) : seed_(seed) {}

  /// Picks an eligible server. Reads weights and availability from `set` on every call, so
  /// weight changes take effect at once; a change of size resets the cycle.
  Pick pick(const ServerSet& set);

  /// Like pick() but prefers servers not in `tried` (retry on another server). Falls back to a
  /// tried one with PickStatus::kOnlyTried when every eligible server was already tried.
  Pick pickExcluding(const ServerSet& set, const TriedSet& tried);

 private:
  Pick pickFiltered(const ServerSet& set, const TriedSet* exclude);
  void resize(const ServerSet& set);

  std::uint64_t seed_;
  std::vector<std::int64_t> current_;
};

}  // namespace gw::balance
