#include "runtime/balance/weighted_random.h"

namespace gw::balance {

Pick WeightedRandom::pick(const ServerSet& set) {
  if (sampler_.size() != set.size()) {
    sampler_.rebuild(set);
  }
  const auto i = sampler_.sample(rng_, set, [](std::uint32_t) { return true; });
  return i ? Pick{PickStatus::kOk, *i} : Pick::none();
}

Pick WeightedRandom::pickExcluding(const ServerSet& set, const TriedSet& tried) {
  if (sampler_.size() != set.size()) {
    sampler_.rebuild(set);
  }
  const auto i = sampler_.sample(rng_, set, [&](std::uint32_t s) { return !tried.contains(s); });
  if (i) {
    return Pick{PickStatus::kOk, *i};
  }
  Pick p = pick(set);
  if (p.found()) {
    p.status = PickStatus::kOnlyTried;
  }
  return p;
}

}  // namespace gw::balance
