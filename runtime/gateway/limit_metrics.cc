#include "runtime/gateway/limit_metrics.h"

#include <fmt/format.h>

#include <atomic>
#include <iterator>

namespace gw::gateway {

namespace {

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

uint64_t load(const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); }

void outcomes(const Generation& g, std::string& out) {
  header(out, "gw_limit_decisions_total", "counter",
         "rate-limit decisions by limit, store and result (fallback_*: on_store_error decided)");
  for (const LimitRuntime& l : g.limits) {
    const limit::LimitStats& s = l.local->stats();
    const char* store = l.spec.store == limit::StoreKind::redis ? "redis" : "local";
    const std::pair<const char*, uint64_t> rows[] = {
        {"allowed", load(s.allowed)},
        {"limited", load(s.limited)},
        {"fallback_allowed", load(s.fallbackAllowed)},
        {"fallback_denied", load(s.fallbackDenied)}};
    for (const auto& [result, value] : rows) {
      fmt::format_to(std::back_inserter(out),
                     "gw_limit_decisions_total{{limit=\"{}\",store=\"{}\",result=\"{}\"}} {}\n",
                     l.spec.name, store, result, value);
    }
  }
  header(out, "gw_limit_warned_total", "counter", "admitted requests past the warn threshold");
  for (const LimitRuntime& l : g.limits) {
    fmt::format_to(std::back_inserter(out), "gw_limit_warned_total{{limit=\"{}\"}} {}\n",
                   l.spec.name, load(l.local->stats().warned));
  }
}

void state(const Generation& g, std::string& out) {
  header(out, "gw_limit_quota", "gauge", "requests a key may make per window (or bucket size)");
  for (const LimitRuntime& l : g.limits) {
    fmt::format_to(std::back_inserter(out), "gw_limit_quota{{limit=\"{}\"}} {}\n", l.spec.name,
                   l.spec.quota());
  }
  header(out, "gw_limit_keys", "gauge", "keys tracked by the local store of a limit");
  for (const LimitRuntime& l : g.limits) {
    if (l.spec.store != limit::StoreKind::local) continue;
    fmt::format_to(std::back_inserter(out), "gw_limit_keys{{limit=\"{}\"}} {}\n", l.spec.name,
                   l.local->table().size());
  }
  header(out, "gw_limit_evictions_total", "counter", "keys evicted from a limit's local store");
  for (const LimitRuntime& l : g.limits) {
    if (l.spec.store != limit::StoreKind::local) continue;
    fmt::format_to(std::back_inserter(out), "gw_limit_evictions_total{{limit=\"{}\"}} {}\n",
                   l.spec.name, l.local->table().evictions());
  }
}

void redis(const Generation& g, std::string& out) {
  if (g.redis.stats == nullptr) return;
  const limit::RedisStats& rs = *g.redis.stats;
  rs.forEach([&](std::string_view name, std::string_view help, uint64_t value) {
    header(out, name, "counter", help);
    fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
  });
  header(out, "gw_limit_redis_connections_up", "gauge", "worker connections to redis that are up");
  fmt::format_to(std::back_inserter(out), "gw_limit_redis_connections_up {}\n",
                 rs.connectionsUp.load(std::memory_order_relaxed));
  header(out, "gw_limit_redis_available", "gauge",
         "1 while every worker that uses redis reaches it, 0 while on_store_error decides");
  fmt::format_to(std::back_inserter(out), "gw_limit_redis_available {}\n",
                 rs.unavailableClients.load(std::memory_order_relaxed) == 0 ? 1 : 0);
}

}  // namespace

void appendLimitMetrics(const Generation& g, std::string& out) {
  if (g.limits.empty()) return;
  outcomes(g, out);
  state(g, out);
  redis(g, out);
}

}  // namespace gw::gateway
