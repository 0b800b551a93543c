#include "runtime/balance/round_robin.h"

namespace gw::balance {

void SmoothWeightedRoundRobin::resize(const ServerSet& set) {
  current_.assign(set.size(), 0);
  // Stagger this instance's position in the cycle: advance it by seed mod total weight picks.
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < set.size(); ++i) {
    total += set[i].weight;
  }
  if (total == 0) {
    return;
  }
  const std::uint64_t skip = seed_ % total;
  for (std::uint64_t i = 0; i < skip; ++i) {
    pickFiltered(set, nullptr);
  }
}

Pick SmoothWeightedRoundRobin::pickFiltered(const ServerSet& set, const TriedSet* exclude) {
  std::int64_t total = 0;
  std::int64_t best_weight = 0;
  std::uint32_t best = 0;
  bool found = false;
  for (std::uint32_t i = 0; i < set.size(); ++i) {
    if (!set.eligible(i) || (exclude != nullptr && exclude->contains(i))) {
      continue;
    }
    const auto weight = static_cast<std::int64_t>(set[i].weight);
    current_[i] += weight;
    total += weight;
    if (!found || current_[i] > best_weight) {
      best = i;
      best_weight = current_[i];
      found = true;
    }
  }
  if (!found) {
    return Pick::none();
  }
  current_[best] -= total;
  return Pick{PickStatus::kOk, best};
}

Pick SmoothWeightedRoundRobin::pick(const ServerSet& set) {
  if (current_.size() != set.size()) {
    resize(set);
  }
  return pickFiltered(set, nullptr);
}

Pick SmoothWeightedRoundRobin::pickExcluding(const ServerSet& set, const TriedSet& tried) {
  if (current_.size() != set.size()) {
    resize(set);
  }
  return pickUntriedFirst(tried, [&](const TriedSet* exclude) { return pickFiltered(set, exclude); });
}

}  // namespace gw::balance
