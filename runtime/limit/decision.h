#pragma once

#include <cstdint>

namespace gw::limit {

/// Who produced a decision.
enum class DecisionSource : std::uint8_t {
  local,     ///< the in-process store
  redis,     ///< the shared Redis store
  fallback,  ///< the store could not answer; `on_store_error` decided
};

/// The outcome of one limit for one request. A small value type, copied freely.
struct Decision {
  bool allowed = true;
  /// True when this request took the usage to or past the limit's `warn` percent.
  bool warn = false;
  DecisionSource source = DecisionSource::local;
  /// Share of the quota in use after this request, 0..100.
  std::uint8_t usedPercent = 0;
  /// X-RateLimit-Limit: the quota (bucket capacity or window count).
  std::uint32_t limit = 0;
  /// X-RateLimit-Remaining: requests still admitted right now.
  std::uint32_t remaining = 0;
  /// Milliseconds until the full quota is available again (X-RateLimit-Reset, rounded up).
  std::uint64_t resetMs = 0;
  /// Milliseconds until a retry can be admitted; 0 when allowed (Retry-After, rounded up).
  std::uint64_t retryAfterMs = 0;
  /// RateLimit-Policy: `policyQuota;w=policyWindowSeconds`.
  std::uint32_t policyQuota = 0;
  std::uint32_t policyWindowSeconds = 0;
};

/// Seconds rounded up, the unit of every rate-limit header.
[[nodiscard]] constexpr std::uint64_t ceilSeconds(std::uint64_t ms) noexcept {
  return (ms + 999) / 1000;
}

}  // namespace gw::limit
