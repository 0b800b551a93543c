#include "runtime/balance/weighted_random.h"

namespace gw::balance {

Pick WeightedRandom::pickFiltered(const ServerSet& set, const TriedSet* exclude) {
  if (sampler_.size() != set.size()) {
    sampler_.rebuild(set);
  }
  const auto i = sampler_.sample(
      rng_, set, [exclude](std::uint32_t s) { return exclude == nullptr || !exclude->contains(s); });
  return i ? Pick{PickStatus::kOk, *i} : Pick::none();
}

Pick WeightedRandom::pick(const ServerSet& set) { return pickFiltered(set, nullptr); }

Pick WeightedRandom::pickExcluding(const ServerSet& set, const TriedSet& tried) {
  return pickUntriedFirst(tried, [&](const TriedSet* exclude) { return pickFiltered(set, exclude); });
}

}  // namespace gw::balance
