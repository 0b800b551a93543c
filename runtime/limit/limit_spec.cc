#include "runtime/limit/limit_spec.h"

#include <fmt/format.h>

namespace gw::limit {

std::uint32_t LimitSpec::quota() const noexcept {
  if (algorithm == Algorithm::tokenBucket && burst != 0) {
    return burst;
  }
  return rate.count;
}

std::string LimitSpec::identity() const {
  return fmt::format("{}|{}|{}/{}ns|b{}|k{}|{}", name,
                     algorithm == Algorithm::tokenBucket ? "token_bucket" : "sliding_window",
                     rate.count, rate.period.count(), quota(), maxKeys,
                     store == StoreKind::local ? "local" : "redis");
}

std::optional<std::string> LimitSpec::validate() const {
  if (name.empty()) {
    return "limit has no name";
  }
  if (rate.count == 0) {
    return fmt::format("limit `{}`: rate count must be at least 1", name);
  }
  if (rate.period < std::chrono::milliseconds(1)) {
    return fmt::format("limit `{}`: rate period must be at least 1ms", name);
  }
  if (rate.period > std::chrono::hours(24 * 366)) {
    return fmt::format("limit `{}`: rate period must be at most one year", name);
  }
  if (warnPercent > 100) {
    return fmt::format("limit `{}`: warn must be between 1% and 100%", name);
  }
  if (store == StoreKind::local && maxKeys == 0) {
    return fmt::format("limit `{}`: max keys must be at least 1", name);
  }
  return std::nullopt;
}

Rate perPeriod(std::uint32_t count, std::chrono::nanoseconds period) noexcept {
  return Rate{count, period};
}

}  // namespace gw::limit
