#include "runtime/limit/decision_builder.h"

#include <algorithm>

#include "runtime/limit/sliding_window.h"
#include "runtime/limit/token_bucket.h"

namespace gw::limit {
namespace {

std::uint64_t nsToMsCeil(std::int64_t ns) noexcept {
  return ns <= 0 ? 0 : static_cast<std::uint64_t>((ns + 999'999) / 1'000'000);
}

void fillPolicy(const CounterParams& p, Decision& d) noexcept {
  d.limit = p.quota;
  d.policyQuota = p.count;
  d.policyWindowSeconds = p.policyWindowSeconds;
}

}  // namespace

RawDecision decideCounter(const CounterParams& p, CounterState& s, std::int64_t nowNs) noexcept {
  return p.algorithm == Algorithm::tokenBucket ? tokenBucketDecide(p, s, nowNs)
                                               : slidingWindowDecide(p, s, nowNs);
}

bool counterIdle(const CounterParams& p, const CounterState& s, std::int64_t nowNs) noexcept {
  return p.algorithm == Algorithm::tokenBucket ? tokenBucketIdle(p, s, nowNs)
                                               : slidingWindowIdle(p, s, nowNs);
}

Decision makeDecision(const CounterParams& p, const RawDecision& raw, std::uint8_t warnPercent,
                      DecisionSource source) noexcept {
  Decision d;
  fillPolicy(p, d);
  d.allowed = raw.allowed;
  d.source = source;
  d.remaining = raw.remaining > p.quota ? p.quota : raw.remaining;
  d.resetMs = nsToMsCeil(raw.resetNs);
  d.retryAfterMs = raw.allowed ? 0 : std::max<std::uint64_t>(nsToMsCeil(raw.retryAfterNs), 1);
  const std::uint64_t used = p.quota - d.remaining;
  d.usedPercent = raw.allowed ? static_cast<std::uint8_t>(used * 100 / p.quota) : 100;
  d.warn = warnPercent != 0 && d.usedPercent >= warnPercent;
  return d;
}

Decision fallbackDecision(const CounterParams& p, OnStoreError onError) noexcept {
  Decision d;
  fillPolicy(p, d);
  d.source = DecisionSource::fallback;
  if (onError == OnStoreError::allow) {
    d.allowed = true;
    d.remaining = p.quota;
    return d;
  }
  d.allowed = false;
  d.remaining = 0;
  d.usedPercent = 100;
  d.resetMs = 1000;
  d.retryAfterMs = 1000;
  return d;
}

}  // namespace gw::limit
