#include "runtime/gateway/gateway_metrics.h"

#include <string>

#include "compiler/policy/compiled_policy.h"
#include "runtime/auth/auth_error.h"
#include "runtime/gateway/limit_metrics.h"
#include "runtime/gateway/policy_store.h"

namespace gw::gateway {

namespace {

constexpr auth::AuthError kAuthErrors[] = {
#define GW_AUTH_ERROR(name, reason, rfc6750, status) auth::AuthError::name,
#include "runtime/auth/auth_errors.def"
#undef GW_AUTH_ERROR
};

std::vector<stats::Counter> authnSeries(stats::Registry& registry, std::string_view provider) {
  std::vector<stats::Counter> out(std::size(kAuthErrors));
  for (auth::AuthError e : kAuthErrors) {
    if (e == auth::AuthError::kOk) continue;  // not a failure: leave the sink handle
    out[static_cast<size_t>(e)] =
        registry.counter(stats::Metric::kAuthnFailuresTotal, {provider, auth::authErrorReason(e)});
  }
  return out;
}

UpstreamSeries upstreamSeries(stats::Registry& registry, std::string_view name) {
  using stats::Metric;
  UpstreamSeries s;
  s.requests = registry.counter(Metric::kUpstreamRequestsTotal, {name});
  s.connectFailures = registry.counter(Metric::kUpstreamConnectFailuresTotal, {name});
  s.timeouts = registry.counter(Metric::kUpstreamTimeoutsTotal, {name});
  s.failures = registry.counter(Metric::kUpstreamFailuresTotal, {name});
  s.unavailable = registry.counter(Metric::kUpstreamUnavailableTotal, {name});
  s.retries = registry.counter(Metric::kRetriesTotal, {name});
  return s;
}

// gw_health_checks_total: every result of every checked server, zeros included, so a rate over
// `resolve_failed` or `timeout` exists before the first such probe. The counts live in the
// checker, which a reload carries over with its upstream.
void appendHealthChecks(const Generation& g, stats::MetricWriter& w) {
  const stats::MetricSpec& spec =
      stats::kBuiltinSpecs[static_cast<size_t>(stats::Metric::kHealthChecksTotal)];
  w.family(spec.name, spec.help, spec.kind);
  for (const UpstreamPlan& u : g.upstreams) {
    const std::vector<resilience::TargetCheckStats> checks = u.runtime->healthCheckStats();
    auto& servers = u.runtime->servers();
    for (size_t i = 0; i < checks.size() && i < servers.size(); ++i) {
      const std::string addr = servers[i]->address();
      for (size_t r = 0; r < resilience::kProbeResultCount; ++r) {
        const char* result = resilience::probeResultName(static_cast<resilience::ProbeResult>(r));
        w.sample(spec.name, {{"upstream", u.config->name}, {"server", addr}, {"result", result}},
                 static_cast<int64_t>(checks[i].by_result[r]));
      }
    }
  }
}

}  // namespace

size_t GenerationSeries::providerIndex(const policy::CompiledPolicy& p, std::string_view name) {
  for (size_t i = 0; i < p.auths.size(); ++i) {
    if (p.auths[i].name == name) return i + 1;
  }
  return 0;
}

stats::Counter GenerationSeries::deniedBy(const policy::CompiledPolicy& p, uint32_t route,
                                          std::string_view plan, int32_t rule) const {
  const std::vector<policy::PolicyPlan>& plans = p.routes()[route].authz;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (plans[i].name != plan) continue;
    const std::vector<stats::Counter>& rules = denied[route][i];
    size_t at = static_cast<size_t>(rule + 1);
    return at < rules.size() ? rules[at] : stats::Counter{};
  }
  return {};
}

GenerationSeries registerGenerationSeries(stats::Registry& registry,
                                          const policy::CompiledPolicy& p) {
  using stats::Metric;
  GenerationSeries s;
  std::vector<std::string_view> names;
  for (const policy::Route& r : p.routes()) names.push_back(r.name);
  s.routes = stats::registerRoutes(registry, names);
  std::string_view none;
  s.unmatched = stats::registerRoutes(registry, std::span<const std::string_view>(&none, 1))[0];
  for (const policy::Route& r : p.routes()) {
    std::vector<std::vector<stats::Counter>> plans;
    for (const policy::PolicyPlan& plan : r.authz) {
      std::vector<stats::Counter> rules;
      rules.push_back(registry.counter(Metric::kAuthzDeniedTotal, {r.name, "default"}));
      for (const policy::RuleInfo& rule : plan.rules) {
        // An allow rule never denies: keep the sink so no empty series is registered for it.
        rules.push_back(rule.deny ? registry.counter(Metric::kAuthzDeniedTotal, {r.name, rule.text})
                                  : stats::Counter{});
      }
      plans.push_back(std::move(rules));
    }
    s.denied.push_back(std::move(plans));
  }
  s.authnFailures.push_back(authnSeries(registry, ""));
  s.authUnavailable.push_back(registry.counter(Metric::kAuthUnavailableTotal, {""}));
  for (const policy::AuthProvider& a : p.auths) {
    s.authnFailures.push_back(authnSeries(registry, a.name));
    s.authUnavailable.push_back(registry.counter(Metric::kAuthUnavailableTotal, {a.name}));
  }
  for (const policy::UpstreamConfig& u : p.runtime.upstreams) {
    s.upstreams.push_back(upstreamSeries(registry, u.name));
  }
  for (const policy::LimitConfig& l : p.runtime.limits) {
    s.rateLimited.push_back(registry.counter(Metric::kRateLimitedTotal, {l.name}));
  }
  s.noRoute = registry.counter(Metric::kNoRouteTotal);
  s.methodNotAllowed = registry.counter(Metric::kMethodNotAllowedTotal);
  return s;
}

stats::CollectorId addUpstreamStateCollector(stats::Registry& registry, const PolicyStore& store) {
  return registry.addCollector([&store](stats::MetricWriter& w) {
    std::shared_ptr<const Generation> g = store.current();
    if (!g) return;
    using stats::Metric;
    for (Metric m : {Metric::kUpstreamActiveConnections, Metric::kUpstreamHealthy,
                     Metric::kBreakerState}) {
      const stats::MetricSpec& spec = stats::kBuiltinSpecs[static_cast<size_t>(m)];
      w.family(spec.name, spec.help, spec.kind);
      for (const UpstreamPlan& u : g->upstreams) {
        auto& servers = u.runtime->servers();
        for (size_t i = 0; i < servers.size(); ++i) {
          const ServerRuntime& srv = *servers[i];
          const std::string addr = srv.address();
          int64_t v = 0;
          if (m == Metric::kUpstreamActiveConnections) {
            v = srv.inflight.load(std::memory_order_relaxed);
          } else if (m == Metric::kUpstreamHealthy) {
            v = u.runtime->health().available(i) ? 1 : 0;
          } else {
            v = srv.breaker ? static_cast<int64_t>(srv.breaker->state()) : 0;
          }
          w.sample(spec.name, {{"upstream", u.config->name}, {"server", addr}}, v);
        }
      }
    }
    appendHealthChecks(*g, w);
  });
}

stats::CollectorId addLimitCollector(stats::Registry& registry, const PolicyStore& store) {
  return registry.addCollector([&store](stats::MetricWriter& w) {
    std::shared_ptr<const Generation> g = store.current();
    if (g) appendLimitMetrics(*g, w.out());
  });
}

stats::CollectorId addAuthCollector(stats::Registry& registry, const PolicyStore& store) {
  return registry.addCollector([&store](stats::MetricWriter& w) {
    std::shared_ptr<const Generation> g = store.current();
    if (g) g->auth().appendMetrics(w.out());
  });
}

}  // namespace gw::gateway
