#include "runtime/limit/counter_params.h"

#include <algorithm>

namespace gw::limit {

CounterParams CounterParams::from(const LimitSpec& spec) noexcept {
  CounterParams p;
  p.algorithm = spec.algorithm;
  p.count = std::max<std::uint32_t>(spec.rate.count, 1);
  p.quota = std::max<std::uint32_t>(spec.quota(), 1);
  p.periodNs = std::max<std::int64_t>(spec.rate.period.count(), 1);
  // Integer nanoseconds per token: the rounding error is below 1ns per token.
  p.intervalNs = std::max<std::int64_t>(p.periodNs / p.count, 1);
  p.tauNs = p.intervalNs * static_cast<std::int64_t>(p.quota);
  const std::int64_t secs = (p.periodNs + 999'999'999) / 1'000'000'000;
  p.policyWindowSeconds = static_cast<std::uint32_t>(std::max<std::int64_t>(secs, 1));
  return p;
}

}  // namespace gw::limit
