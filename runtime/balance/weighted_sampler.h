#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/balance/fast_rng.h"
#include "runtime/balance/server_set.h"

namespace gw::balance {

/// Samples a server with probability proportional to its weight among the eligible servers
/// that pass a filter. Prefix sums over the configured weights give O(log n) draws; a draw that
/// lands on an ineligible server is retried a few times (rejection keeps the distribution exact
/// over the eligible ones) before an O(n) exact scan, so a mostly healthy upstream stays fast.
/// Built once per weight change; not thread-safe (owned by one balancer instance).
class WeightedSampler {
 public:
  /// Re-reads weights. Allocates; call off the request path when weights or membership change.
  void rebuild(const ServerSet& set) {
    prefix_.resize(set.size());
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < set.size(); ++i) {
      sum += set[i].weight;
      prefix_[i] = sum;
    }
  }

  std::size_t size() const { return prefix_.size(); }

  /// Draws an eligible server accepted by `accept(index)`, or nullopt when there is none.
  template <typename Accept>
  std::optional<std::uint32_t> sample(FastRng& rng, const ServerSet& set, Accept&& accept) const {
    const std::uint64_t total = prefix_.empty() ? 0 : prefix_.back();
    if (total == 0) {
      return std::nullopt;
    }
    constexpr int kRejectionTries = 4;
    for (int attempt = 0; attempt < kRejectionTries; ++attempt) {
      const std::uint64_t r = rng.below(total);
      const auto it = std::upper_bound(prefix_.begin(), prefix_.end(), r);
      const auto i = static_cast<std::uint32_t>(it - prefix_.begin());
      if (set.eligible(i) && accept(i)) {
        return i;
      }
    }
    std::uint64_t eligible_total = 0;
    for (std::uint32_t i = 0; i < set.size(); ++i) {
      if (set.eligible(i) && accept(i)) {
        eligible_total += set[i].weight;
      }
    }
    if (eligible_total == 0) {
      return std::nullopt;
    }
    std::uint64_t r = rng.below(eligible_total);
    for (std::uint32_t i = 0; i < set.size(); ++i) {
      if (!set.eligible(i) || !accept(i)) {
        continue;
      }
      if (r < set[i].weight) {
        return i;
      }
      r -= set[i].weight;
    }
    return std::nullopt;  // unreachable: r < eligible_total
  }

 private:
  std::vector<std::uint64_t> prefix_;
};

}  // namespace gw::balance
