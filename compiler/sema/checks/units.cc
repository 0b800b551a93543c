// E0207: numeric settings are in range (durations > 0, burst >= 1, percents in (0, 100],
// weights 1..1000, retry attempts 0..10, ports 1..65535, retry `buffer` 1b..16mib, a listener's
// `handshake_timeout` 100ms..60s, ...).
#include <optional>
#include <string>

#include "compiler/sema/check_context.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

constexpr int64_t kMaxRetryBuffer = 16 * 1024 * 1024;      // bytes
constexpr int64_t kMinHandshakeUs = 100'000;               // 100 ms
constexpr int64_t kMaxHandshakeUs = 60'000'000;            // 60 s

class Ranges {
 public:
  explicit Ranges(CheckContext& ctx) : ctx_(ctx) {}

  void positive(const std::optional<Lit>& l, const char* setting) {
    if (l && l->span.valid() && l->i <= 0) {
      ctx_.report(DiagCode::OutOfRange, l->span,
                  std::string("`") + setting + "` must be greater than zero")
          .help = "give a positive duration, e.g. `" + std::string(setting) + " 30s`";
    }
  }
  void atLeastOne(const std::optional<Lit>& l, const char* setting) {
    if (l && l->span.valid() && l->i < 1) {
      ctx_.report(DiagCode::OutOfRange, l->span,
                  std::string("`") + setting + "` must be at least 1, found " + l->raw);
    }
  }
  void between(const Lit& l, const char* setting, int64_t lo, int64_t hi) {
    if (l.span.valid() && (l.i < lo || l.i > hi)) {
      ctx_.report(DiagCode::OutOfRange, l.span,
                  std::string("`") + setting + "` must be between " + std::to_string(lo) +
                      " and " + std::to_string(hi) + ", found " + l.raw);
    }
  }
  /// A size or duration within [lo, hi] (bytes or microseconds); the bounds are named as written
  /// in the language (`loText`, `hiText`) so the message reads like the fix.
  void within(const std::optional<Lit>& l, const char* setting, int64_t lo, int64_t hi,
              const char* loText, const char* hiText, const char* why) {
    if (l && l->span.valid() && (l->i < lo || l->i > hi)) {
      ctx_.report(DiagCode::OutOfRange, l->span,
                  std::string("`") + setting + "` must be between " + loText + " and " + hiText +
                      ", found " + l->raw)
          .help = why;
    }
  }
  void percent(const std::optional<Lit>& l, const char* setting) {
    if (l && l->span.valid() && (l->f <= 0 || l->f > 100)) {
      ctx_.report(DiagCode::OutOfRange, l->span,
                  std::string("`") + setting + "` must be a percentage above 0% and at most "
                  "100%, found " + l->raw);
    }
  }
  void port(const Lit& l, const char* setting) {
    if (!l.span.valid()) {
      return;
    }
    int64_t p = 1;
    if (l.kind == LitKind::Int) {
      p = l.i;
    } else if (l.kind == LitKind::Address) {
      // The decoder rejects ports above 65535 itself (E0002); port 0 is ours to report.
      std::string digits = l.raw.substr(l.raw.rfind(':') + 1);
      if (digits.size() > 5 || std::stol(digits) > 65535) {
        return;
      }
      p = l.port;
    }
    if (p < 1 || p > 65535) {
      ctx_.report(DiagCode::OutOfRange, l.span,
                  std::string("port of `") + setting + "` must be between 1 and 65535, found " +
                      std::to_string(p));
    }
  }
  void rate(const std::optional<Lit>& l) {
    if (!l || !l->span.valid()) {
      return;
    }
    if (l->i <= 0) {
      ctx_.report(DiagCode::OutOfRange, l->span, "`rate` must allow at least one request, found " +
                                                     l->raw)
          .help = "a limit of zero requests blocks the route; remove the route instead";
    } else if (l->period <= 0) {
      ctx_.report(DiagCode::OutOfRange, l->span,
                  "the period of `rate` must be greater than zero, found " + l->raw);
    }
  }

 private:
  CheckContext& ctx_;
};

void gateway(Ranges& r, const Gateway& g) {
  for (const Listen& l : g.listens) {
    r.port(l.address, "listen");
    if (l.tls) {
      r.within(l.tls->handshakeTimeout, "handshake_timeout", kMinHandshakeUs, kMaxHandshakeUs,
               "100ms", "60s",
               "shorter cuts off real clients on slow links; longer lets idle connections that "
               "never finish a handshake hold a slot");
    }
  }
  if (g.admin) r.port(*g.admin, "admin");
  if (g.threads) r.between(*g.threads, "threads", 1, 1024);
}

void upstream(Ranges& r, CheckContext& ctx, const Upstream& u) {
  for (const Server& s : u.servers) {
    r.port(s.address, "server");
    if (s.weight) r.between(*s.weight, "weight", 1, 1000);
  }
  if (u.health) {
    r.positive(u.health->every, "every");
    r.positive(u.health->timeout, "timeout");
    r.atLeastOne(u.health->healthy, "healthy");
    r.atLeastOne(u.health->unhealthy, "unhealthy");
  }
  if (u.breaker) {
    r.atLeastOne(u.breaker->failures, "failures");
    r.positive(u.breaker->open, "open");
    r.atLeastOne(u.breaker->closeAfter, "close_after");
    r.atLeastOne(u.breaker->probes, "probes");
  }
  r.positive(u.timeout, "timeout");
  r.positive(u.connectTimeout, "connect_timeout");
  r.positive(u.idleTimeout, "idle_timeout");
  if (u.retry) {
    r.between(u.retry->attempts, "retry", 0, 10);
    r.positive(u.retry->backoffMin, "backoff");
    r.positive(u.retry->backoffMax, "backoff");
    if (u.retry->backoffMin && u.retry->backoffMax &&
        u.retry->backoffMin->i > u.retry->backoffMax->i) {
      ctx.report(DiagCode::OutOfRange, u.retry->backoffMin->span,
                 "the backoff range is reversed: " + u.retry->backoffMin->raw + " is more than " +
                     u.retry->backoffMax->raw)
          .help = "write the shortest wait first: `backoff " + u.retry->backoffMax->raw + ".." +
                  u.retry->backoffMin->raw + "`";
    }
    r.percent(u.retry->budget, "budget");
    r.within(u.retry->buffer, "buffer", 1, kMaxRetryBuffer, "1b", "16mib",
             "each request in flight may hold this much memory for a replay; larger bodies "
             "stream and are not retried");
  }

}

}  // namespace

void checkUnits(CheckContext& ctx) {
  Ranges r(ctx);
  for (const File& f : ctx.program.files) {
    for (const Gateway& g : f.gateways) gateway(r, g);
    for (const Upstream& u : f.upstreams) upstream(r, ctx, u);
    for (const Auth& a : f.auths) {
      r.positive(a.refresh, "refresh");
      r.positive(a.leeway, "leeway");
      r.positive(a.cache, "cache");
    }
    for (const Limit& l : f.limits) {
      r.rate(l.rate);
      r.atLeastOne(l.burst, "burst");
      r.percent(l.warn, "warn");
    }
    for (const Route& rt : f.routes) {
      r.positive(rt.timeout, "timeout");
      if (rt.maxBody && rt.maxBody->i <= 0) {
        ctx.report(DiagCode::OutOfRange, rt.maxBody->span, "`max_body` must be greater than zero");
      }
    }
  }
}

}  // namespace gw::sema
