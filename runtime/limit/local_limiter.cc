#include "runtime/limit/local_limiter.h"

#include <array>

#include "runtime/limit/decision_builder.h"

namespace gw::limit {
namespace {

std::uint64_t fnv1a(std::string_view s) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h = (h ^ c) * 0x100000001b3ULL;
  }
  return h;
}

// "#" + two independent 64-bit hashes in hex: a collision needs both to collide.
std::string_view digestKey(std::string_view key, std::array<char, 33>& buf) noexcept {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::uint64_t parts[2] = {KeyTable::hashKey(key), fnv1a(key)};
  buf[0] = '#';
  std::size_t pos = 1;
  for (std::uint64_t part : parts) {
    for (int shift = 60; shift >= 0; shift -= 4) {
      buf[pos++] = kHex[(part >> shift) & 0xf];
    }
  }
  return std::string_view(buf.data(), pos);
}

}  // namespace

LocalLimiter::LocalLimiter(const LimitSpec& spec, std::uint32_t stripes)
    : params_(CounterParams::from(spec)),
      identity_(spec.identity()),
      table_(params_, &counterIdle, spec.maxKeys, stripes) {}

Decision LocalLimiter::decide(std::string_view key, std::int64_t nowNs,
                              std::uint8_t warnPercent) noexcept {
  std::array<char, 33> buf;
  if (key.size() > kMaxKeyBytes) {
    key = digestKey(key, buf);
  }
  const std::uint64_t hash = KeyTable::hashKey(key);
  const RawDecision raw = table_.update(
      key, hash, nowNs, [&](CounterState& s) { return decideCounter(params_, s, nowNs); });
  return makeDecision(params_, raw, warnPercent, DecisionSource::local);
}

}  // namespace gw::limit
