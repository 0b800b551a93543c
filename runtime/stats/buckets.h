#pragma once
// The fixed dimensions a series expands into: latency buckets of a histogram and status-code
// buckets of a code counter. Fixed at compile time so the hot path indexes, never searches maps.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gw::stats {

/// Upper bounds of the latency buckets, in nanoseconds (log-spaced, 50 us .. 30 s). A value v
/// lands in the first bucket whose bound is >= v, or in +Inf.
inline constexpr std::array<std::uint64_t, 18> kLatencyBoundsNs = {
    50'000,      100'000,     250'000,       500'000,       1'000'000,     2'500'000,
    5'000'000,   10'000'000,  25'000'000,    50'000'000,    100'000'000,   250'000'000,
    500'000'000, 1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000, 30'000'000'000};

/// The same bounds as Prometheus `le` label values (seconds).
inline constexpr std::array<std::string_view, 18> kLatencyBoundLabels = {
    "5e-05", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025",
    "0.05",  "0.1",    "0.25",    "0.5",    "1",     "2.5",    "5",     "10",   "30"};

/// Buckets including +Inf.
inline constexpr std::size_t kLatencyBuckets = kLatencyBoundsNs.size() + 1;
/// Slots of one histogram series: the buckets (non-cumulative), then the sum in nanoseconds.
inline constexpr std::size_t kHistogramSlots = kLatencyBuckets + 1;
inline constexpr std::size_t kHistogramSumSlot = kLatencyBuckets;

/// Index of the bucket that counts `ns`. Pure; a short branch-light scan.
constexpr std::size_t latencyBucket(std::uint64_t ns) noexcept {
  std::size_t i = 0;
  for (std::uint64_t bound : kLatencyBoundsNs) {
    i += ns > bound ? 1 : 0;
  }
  return i;
}

/// Status codes that get their own `code` label value; any other status is counted in its class
/// ("2xx", ...), and anything outside 100..599 (0: no response sent) in "other".
inline constexpr std::array<std::string_view, 34> kCodeLabels = {
    "200", "201", "202", "204", "206", "301", "302", "304", "307", "308", "400", "401",
    "403", "404", "405", "408", "409", "413", "414", "415", "422", "429", "431", "500",
    "501", "502", "503", "504", "1xx", "2xx", "3xx", "4xx", "5xx", "other"};
inline constexpr std::size_t kCodeSlots = kCodeLabels.size();

namespace detail {
constexpr std::array<std::uint8_t, 600> makeCodeIndex() {
  std::array<std::uint8_t, 600> table{};
  for (std::size_t s = 0; s < table.size(); ++s) {
    table[s] = static_cast<std::uint8_t>(kCodeSlots - 1);  // other
    if (s >= 100) {
      table[s] = static_cast<std::uint8_t>(kCodeSlots - 7 + s / 100);  // "1xx" .. "5xx"
    }
  }
  for (std::size_t i = 0; i + 6 < kCodeSlots; ++i) {
    std::string_view l = kCodeLabels[i];
    std::size_t code = static_cast<std::size_t>((l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0'));
    table[code] = static_cast<std::uint8_t>(i);
  }
  return table;
}
inline constexpr std::array<std::uint8_t, 600> kCodeIndex = makeCodeIndex();
}  // namespace detail

/// Slot offset of `status` within a code counter series. Pure, O(1).
constexpr std::size_t codeBucket(int status) noexcept {
  return status >= 0 && status < 600 ? detail::kCodeIndex[static_cast<std::size_t>(status)]
                                     : kCodeSlots - 1;
}

}  // namespace gw::stats
