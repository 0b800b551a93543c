#include "runtime/limit/token_bucket.h"

#include <algorithm>

namespace gw::limit {

RawDecision tokenBucketDecide(const CounterParams& p, CounterState& s,
                              std::int64_t nowNs) noexcept {
  RawDecision d;
  const std::int64_t tat = std::max(s.t, nowNs);
  const std::int64_t newTat = tat + p.intervalNs;
  const std::int64_t debt = newTat - nowNs;  // time the bucket needs to be full again
  if (debt > p.tauNs) {
    d.allowed = false;
    d.remaining = 0;
    d.resetNs = tat - nowNs;
    d.retryAfterNs = debt - p.tauNs;
    return d;
  }
  s.t = newTat;
  d.allowed = true;
  d.remaining = static_cast<std::uint32_t>((p.tauNs - debt) / p.intervalNs);
  d.resetNs = debt;
  return d;
}

bool tokenBucketIdle(const CounterParams& p, const CounterState& s, std::int64_t nowNs) noexcept {
  return s.t <= nowNs;
}

}  // namespace gw::limit
