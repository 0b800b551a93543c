#include "runtime/limit/local_limiter.h"

#include "runtime/limit/decision_builder.h"
#include "runtime/limit/key_digest.h"

namespace gw::limit {

LocalLimiter::LocalLimiter(const LimitSpec& spec, std::uint32_t stripes)
    : params_(CounterParams::from(spec)),
      identity_(spec.identity()),
      table_(params_, &counterIdle, spec.maxKeys, stripes) {}

Decision LocalLimiter::decide(std::string_view key, std::int64_t nowNs,
                              std::uint8_t warnPercent) noexcept {
  KeyDigestBuffer buf;
  key = boundedKey(key, kMaxKeyBytes, buf);
  const std::uint64_t hash = KeyTable::hashKey(key);
  const RawDecision raw = table_.update(
      key, hash, nowNs, [&](CounterState& s) { return decideCounter(params_, s, nowNs); });
  return makeDecision(params_, raw, warnPercent, DecisionSource::local);
}

}  // namespace gw::limit
