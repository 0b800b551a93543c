#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace gw::limit {

/// The counting algorithm of a limit (see docs/rate-limiting.md).
enum class Algorithm : std::uint8_t {
  tokenBucket,    ///< GCRA formulation of a token bucket: `rate` refill, `burst` capacity.
  slidingWindow,  ///< sliding-window counter: `rate.count` per `rate.period`, weighted previous window.
};

/// Where a limit's counters live.
enum class StoreKind : std::uint8_t { local, redis };

/// What a limit decides while its store cannot answer (Redis down, timeout, script error).
enum class OnStoreError : std::uint8_t { allow, deny };

/// `count` requests per `period` (DSL literals `100/s`, `10000/h`, `5/10s`).
struct Rate {
  std::uint32_t count = 0;
  std::chrono::nanoseconds period{0};
};

/// The parameters of one declared limit. Immutable once part of a published policy; a plain
/// value, freely copied and shared between threads.
struct LimitSpec {
  std::string name;
  Algorithm algorithm = Algorithm::tokenBucket;
  Rate rate;
  /// Token bucket capacity; 0 means `rate.count`. Ignored by the sliding window.
  std::uint32_t burst = 0;
  /// Percent of the quota from which responses carry the warning header; 0 disables it.
  std::uint8_t warnPercent = 0;
  StoreKind store = StoreKind::local;
  OnStoreError onStoreError = OnStoreError::allow;
  /// Local store only: keys tracked at most (idle keys are evicted first, then the oldest).
  std::uint32_t maxKeys = 100000;

  /// The quota a client sees: the bucket capacity, or the window's count.
  [[nodiscard]] std::uint32_t quota() const noexcept;

  /// The string that decides counter carry-over on reload: name plus every parameter that
  /// changes what a counter means (algorithm, rate, burst, max keys, store). `warn` and
  /// `on_store_error` are excluded: changing them keeps the counters.
  [[nodiscard]] std::string identity() const;

  /// A lowercase message naming the first invalid parameter, or nullopt. Configuration time only.
  [[nodiscard]] std::optional<std::string> validate() const;
};

/// Returns `count` per `period` as a Rate; convenience for tests and the policy loader.
[[nodiscard]] Rate perPeriod(std::uint32_t count, std::chrono::nanoseconds period) noexcept;

}  // namespace gw::limit
