#include "runtime/limit/sliding_window.h"

namespace gw::limit {
namespace {

using Wide = __int128;

// Rolls the state forward to the window that contains nowNs.
void roll(const CounterParams& p, CounterState& s, std::int64_t idx) noexcept {
  if (s.t == idx) {
    return;
  }
  s.prev = (s.t + 1 == idx) ? s.curr : 0;
  s.curr = 0;
  s.t = idx;
}

// Smallest x >= 0 such that prev * (W - (elapsed + x)) <= budget * W (prev > 0).
std::int64_t waitForPrev(std::int64_t w, std::int64_t elapsed, std::uint32_t prev,
                         Wide budget) noexcept {
  // prev * (W - e) <= budget * W  <=>  e >= W - budget * W / prev
  const Wide need = static_cast<Wide>(w) - (budget * w) / prev;
  const Wide x = need - elapsed;
  return x > 0 ? static_cast<std::int64_t>(x) : 0;
}

}  // namespace

RawDecision slidingWindowDecide(const CounterParams& p, CounterState& s,
                                std::int64_t nowNs) noexcept {
  const std::int64_t w = p.periodNs;
  const std::int64_t idx = nowNs / w;
  roll(p, s, idx);
  const std::int64_t elapsed = nowNs - idx * w;
  const Wide limitW = static_cast<Wide>(p.count) * w;
  // estimate * W, with this request included
  const Wide estW = static_cast<Wide>(s.prev) * (w - elapsed) + (static_cast<Wide>(s.curr) + 1) * w;
  RawDecision d;
  if (estW <= limitW) {
    s.curr += 1;
    d.allowed = true;
    d.remaining = static_cast<std::uint32_t>((limitW - estW) / w);
    d.resetNs = 2 * w - elapsed;
    return d;
  }
  d.allowed = false;
  d.remaining = 0;
  d.resetNs = s.curr > 0 ? 2 * w - elapsed : w - elapsed;
  if (s.curr < p.count && s.prev > 0) {
    // Admitted later in this window, once enough of the previous window has slid out.
    d.retryAfterNs = waitForPrev(w, elapsed, s.prev, static_cast<Wide>(p.count - s.curr - 1));
  } else {
    // Only the next window helps: there the current count becomes the weighted one.
    d.retryAfterNs = (w - elapsed) + waitForPrev(w, 0, s.curr, static_cast<Wide>(p.count - 1));
  }
  return d;
}

bool slidingWindowIdle(const CounterParams& p, const CounterState& s,
                       std::int64_t nowNs) noexcept {
  return nowNs / p.periodNs >= s.t + 2 || (s.prev == 0 && s.curr == 0);
}

}  // namespace gw::limit
