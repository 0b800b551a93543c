#pragma once

#include <cstdint>

#include "runtime/balance/fast_rng.h"
#include "runtime/balance/server_set.h"
#include "runtime/balance/weighted_sampler.h"

namespace gw::balance {

/// Weighted random: each pick independently chooses an eligible server with probability
/// weight / (sum of eligible weights). Stateless apart from the RNG, so per-thread instances
/// honour weights in expectation with no coordination.
///
/// Thread-safety: none; one instance per worker thread, each with its own seed.
class WeightedRandom {
 public:
  explicit WeightedRandom(std::uint64_t seed = 1) : rng_(seed) {}

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
