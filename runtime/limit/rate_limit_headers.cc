#include "runtime/limit/rate_limit_headers.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace gw::limit {
namespace {

bool moreRestrictive(const Decision& a, const Decision& b) noexcept {
  if (a.allowed != b.allowed) {
    return !a.allowed;
  }
  if (!a.allowed) {
    return a.retryAfterMs > b.retryAfterMs;
  }
  if (a.remaining != b.remaining) {
    return a.remaining < b.remaining;
  }
  return a.resetMs > b.resetMs;
}

}  // namespace

std::size_t mostRestrictive(std::span<const Decision> decisions) noexcept {
  std::size_t best = 0;
  for (std::size_t i = 1; i < decisions.size(); ++i) {
    if (moreRestrictive(decisions[i], decisions[best])) {
      best = i;
    }
  }
  return best;
}

template <class... Args>
void RateLimitHeaders::add(std::string_view name, const char* format, Args... args) noexcept {
  const std::size_t room = buf_.size() - used_;
  const int n = std::snprintf(buf_.data() + used_, room, format, args...);
  if (n < 0 || static_cast<std::size_t>(n) >= room || count_ == kMaxFields) {
    return;  // cannot happen with the bounded inputs; never emit a truncated value
  }
  fields_[count_++] = Field{name, static_cast<std::uint16_t>(used_), static_cast<std::uint16_t>(n)};
  used_ += static_cast<std::size_t>(n);
}

std::string_view RateLimitHeaders::find(std::string_view wanted) const noexcept {
  for (std::size_t i = 0; i < count_; ++i) {
    if (fields_[i].name == wanted) {
      return value(i);
    }
  }
  return {};
}

RateLimitHeaders RateLimitHeaders::build(std::span<const Decision> decisions) noexcept {
  RateLimitHeaders h;
  if (decisions.empty()) {
    return h;
  }
  h.chosen_ = mostRestrictive(decisions);
  const Decision& d = decisions[h.chosen_];
  h.denied_ = !d.allowed;
  const auto limit = static_cast<unsigned long long>(d.limit);
  const auto remaining = static_cast<unsigned long long>(d.remaining);
  const auto reset = static_cast<unsigned long long>(ceilSeconds(d.resetMs));
  h.add("X-RateLimit-Limit", "%llu", limit);
  h.add("X-RateLimit-Remaining", "%llu", remaining);
  h.add("X-RateLimit-Reset", "%llu", reset);
  h.add("RateLimit", "limit=%llu, remaining=%llu, reset=%llu", limit, remaining, reset);

  // RateLimit-Policy: the chosen limit first, then the others in input order.
  char policy[256];
  std::size_t len = 0;
  const std::size_t shown = std::min(decisions.size(), kMaxPolicies);
  for (std::size_t k = 0; k < shown; ++k) {
    const std::size_t i = k == 0 ? h.chosen_ : (k <= h.chosen_ ? k - 1 : k);
    const Decision& p = decisions[i];
    const int n = p.limit != p.policyQuota
                      ? std::snprintf(policy + len, sizeof(policy) - len, "%s%u;w=%u;burst=%u",
                                      k ? ", " : "", p.policyQuota, p.policyWindowSeconds, p.limit)
                      : std::snprintf(policy + len, sizeof(policy) - len, "%s%u;w=%u",
                                      k ? ", " : "", p.policyQuota, p.policyWindowSeconds);
    if (n < 0 || static_cast<std::size_t>(n) >= sizeof(policy) - len) {
      break;
    }
    len += static_cast<std::size_t>(n);
  }
  h.add("RateLimit-Policy", "%.*s", static_cast<int>(len), policy);

  if (h.denied_) {
    h.add("Retry-After", "%llu",
          static_cast<unsigned long long>(std::max<std::uint64_t>(ceilSeconds(d.retryAfterMs), 1)));
  }
  int warnPercent = -1;
  for (const Decision& x : decisions) {
    if (x.warn) {
      warnPercent = std::max<int>(warnPercent, x.usedPercent);
    }
  }
  if (warnPercent >= 0) {
    h.add("X-RateLimit-Warning", "%d%% of quota used", warnPercent);
  }
  return h;
}

}  // namespace gw::limit
