#include "runtime/balance/least_request.h"

namespace gw::balance {

Pick LeastRequest::pickFiltered(const ServerSet& set, const TriedSet* exclude) {
  if (sampler_.size() != set.size()) {
    sampler_.rebuild(set);
  }
  auto allowed = [exclude](std::uint32_t s) { return exclude == nullptr || !exclude->contains(s); };
  const auto first = sampler_.sample(rng_, set, allowed);
  if (!first) {
    return Pick::none();
  }
  const auto second =
      sampler_.sample(rng_, set, [&](std::uint32_t s) { return s != *first && allowed(s); });
  if (!second) {
    return Pick{PickStatus::kOk, *first};
  }
  // Compare active/weight without division: a_active * b_weight vs b_active * a_weight.
  const ServerSlot& a = set[*first];
  const ServerSlot& b = set[*second];
  const std::uint64_t load_a = static_cast<std::uint64_t>(a.active_requests) * b.weight;
  const std::uint64_t load_b = static_cast<std::uint64_t>(b.active_requests) * a.weight;
  return Pick{PickStatus::kOk, load_b < load_a ? *second : *first};
}

Pick LeastRequest::pick(const ServerSet& set) { return pickFiltered(set, nullptr); }

Pick LeastRequest::pickExcluding(const ServerSet& set, const TriedSet& tried) {
  return pickUntriedFirst(tried, [&](const TriedSet* exclude) { return pickFiltered(set, exclude); });
}

}  // namespace gw::balance
