#include "runtime/limit/rate_limit_headers.h"

#include <algorithm>
#include <charconv>
#include <cstring>

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

/// The decimal digits of a number, formatted once.
class Digits {
 public:
  explicit Digits(std::uint64_t v) noexcept
      : len_(static_cast<std::size_t>(std::to_chars(buf_, buf_ + sizeof(buf_), v).ptr - buf_)) {}
  std::string_view view() const noexcept { return {buf_, len_}; }

 private:
  char buf_[20];  // UINT64_MAX has 20 digits
  std::size_t len_;
};

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

// The fields are formatted with to_chars rather than snprintf: this runs for every request of
// a limited route, and snprintf's format interpretation was ~1% of a proxied request's CPU.
bool RateLimitHeaders::put(std::string_view text) noexcept {
  if (text.size() > buf_.size() - used_) {
    used_ = buf_.size();
    return false;
  }
  std::memcpy(buf_.data() + used_, text.data(), text.size());
  used_ += text.size();
  return true;
}

bool RateLimitHeaders::put(std::uint64_t number) noexcept {
  auto [end, ec] = std::to_chars(buf_.data() + used_, buf_.data() + buf_.size(), number);
  if (ec != std::errc()) {
    used_ = buf_.size();
    return false;
  }
  used_ = static_cast<std::size_t>(end - buf_.data());
  return true;
}

void RateLimitHeaders::finish(std::string_view name, bool ok) noexcept {
  if (!ok || count_ == kMaxFields || used_ == buf_.size()) {
    used_ = valueStart_;  // never emit a truncated value
    return;
  }
  fields_[count_++] = Field{name.data(), static_cast<std::uint16_t>(name.size()),
                            static_cast<std::uint16_t>(valueStart_),
                            static_cast<std::uint16_t>(used_ - valueStart_)};
  valueStart_ = used_;
}

std::string_view RateLimitHeaders::find(std::string_view wanted) const noexcept {
  for (std::size_t i = 0; i < count_; ++i) {
    if (name(i) == wanted) {
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
  // Each number is formatted once and its digits copied where it appears again (the limit
  // shows up three times, remaining and reset twice): this runs on every limited request.
  const Digits limit(d.limit);
  const Digits remaining(d.remaining);
  const Digits reset(ceilSeconds(d.resetMs));
  h.finish("X-RateLimit-Limit", h.put(limit.view()));
  h.finish("X-RateLimit-Remaining", h.put(remaining.view()));
  h.finish("X-RateLimit-Reset", h.put(reset.view()));
  h.finish("RateLimit", h.put("limit=") && h.put(limit.view()) && h.put(", remaining=") &&
                            h.put(remaining.view()) && h.put(", reset=") && h.put(reset.view()));

  // RateLimit-Policy: the chosen limit first, then the others in input order.
  bool ok = true;
  const std::size_t shown = std::min(decisions.size(), kMaxPolicies);
  for (std::size_t k = 0; k < shown && ok; ++k) {
    const std::size_t i = k == 0 ? h.chosen_ : (k <= h.chosen_ ? k - 1 : k);
    const Decision& p = decisions[i];
    ok = (k == 0 || h.put(", ")) && h.put(p.policyQuota) && h.put(";w=") &&
         h.put(p.policyWindowSeconds);
    if (ok && p.limit != p.policyQuota) {
      ok = h.put(";burst=") && (i == h.chosen_ ? h.put(limit.view()) : h.put(p.limit));
    }
  }
  h.finish("RateLimit-Policy", ok);

  if (h.denied_) {
    h.finish("Retry-After", h.put(std::max<std::uint64_t>(ceilSeconds(d.retryAfterMs), 1)));
  }
  int warnPercent = -1;
  for (const Decision& x : decisions) {
    if (x.warn) {
      warnPercent = std::max<int>(warnPercent, x.usedPercent);
    }
  }
  if (warnPercent >= 0) {
    h.finish("X-RateLimit-Warning", h.put(static_cast<std::uint64_t>(warnPercent)) &&
                                        h.put("% of quota used"));
  }
  return h;
}

}  // namespace gw::limit
