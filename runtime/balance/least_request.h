#pragma once

#include <cstdint>

#include "runtime/balance/fast_rng.h"
#include "runtime/balance/server_set.h"
#include "runtime/balance/weighted_sampler.h"

namespace gw::balance {

/// Least request by the power of two choices: draw two distinct eligible servers, each with
/// probability proportional to its weight, and take the one with fewer in-flight requests per
/// unit of weight (active_requests / weight; ties keep the first draw). Weighted draws mean an
/// idle upstream is shared exactly by weight, and a loaded one drifts toward the servers with
/// the least load per unit of capacity, without the herding of a global "least" scan.
///
/// In-flight counts come from the caller (ServerSlot::active_requests). A per-thread instance
/// reading that thread's own counts balances each worker's share; reading process-wide counts
/// (relaxed atomics the caller copies) balances globally. Thread-safety: none; one per thread.
class LeastRequest {
 public:
  explicit LeastRequest(std::uint64_t seed = 1) : rng_(seed) {}

  /// Re-reads weights (allocates). pick() also rebuilds by itself when the size changes.
  void rebuild(const ServerSet& set) { sampler_.rebuild(set); }

  Pick pick(const ServerSet& set);
  /// Prefers servers not in `tried`; kOnlyTried when only tried ones remain eligible.
  Pick pickExcluding(const ServerSet& set, const TriedSet& tried);

 private:
  Pick pickFiltered(const ServerSet& set, const TriedSet* exclude);

  FastRng rng_;
  WeightedSampler sampler_;
};

}  // namespace gw::balance
