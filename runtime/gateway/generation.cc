#include "runtime/gateway/generation.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "compiler/policy/request_builder.h"
#include "runtime/gateway/tls_setup.h"
#include "runtime/limit/redis_url.h"
#include "runtime/resilience/retry_policy.h"

namespace gw::gateway {

namespace {

bool readsClaims(const ir::Program& prog) {
  for (const ir::Function& f : prog.functions) {
    for (const ir::Node& n : f.nodes) {
      if (n.op == ir::Op::Call && std::strcmp(ir::intrinsicInfo(n.callee).name, "gw_claim_find") == 0) {
        return true;
      }
    }
  }
  return false;
}

bool readsIdentity(const ir::Program& prog, int32_t fn) {
  if (fn < 0 || static_cast<size_t>(fn) >= prog.functions.size()) return false;
  for (const ir::Node& n : prog.functions[static_cast<size_t>(fn)].nodes) {
    switch (n.op) {
      case ir::Op::LoadField:
        if (n.field == ir::FieldId::Authenticated || n.field == ir::FieldId::AuthSubject ||
            n.field == ir::FieldId::AuthProvider || n.field == ir::FieldId::AuthScopes ||
            n.field == ir::FieldId::AuthRoles) {
          return true;
        }
        break;
      case ir::Op::Call:
        if (std::strcmp(ir::intrinsicInfo(n.callee).name, "gw_claim_find") == 0) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

bool buildRedisStore(Generation& g, SharedState& shared, std::string* error) {
  bool used = false;
  for (const LimitRuntime& l : g.limits) used = used || l.spec.store == limit::StoreKind::redis;
  if (!used) return true;
  const std::string& url = g.config().gateway.redis;
  if (url.empty()) {
    *error = "`store redis` limits need a `redis` address in the gateway block";
    return false;
  }
  if (auto bad = limit::parseRedisUrl(url, g.redis.options)) {
    *error = "gateway: redis: " + *bad;
    return false;
  }
  g.redis.address = url;
  g.redis.stats = &shared.redis;
  return true;
}

bool buildLimits(Generation& g, SharedState& shared, std::string* error) {
  for (const policy::LimitConfig& c : g.config().limits) {
    LimitRuntime lr;
    lr.spec.name = c.name;
    lr.spec.algorithm = c.kind == "sliding_window" ? limit::Algorithm::slidingWindow
                                                   : limit::Algorithm::tokenBucket;
    lr.spec.rate = limit::perPeriod(static_cast<uint32_t>(c.count),
                                    std::chrono::microseconds(c.periodUs));
    lr.spec.burst = static_cast<uint32_t>(c.burst);
    lr.spec.warnPercent = static_cast<uint8_t>(c.warnPercent);
    lr.spec.store = c.store == "redis" ? limit::StoreKind::redis : limit::StoreKind::local;
    lr.spec.onStoreError =
        c.onStoreError == "deny" ? limit::OnStoreError::deny : limit::OnStoreError::allow;
    if (auto bad = lr.spec.validate()) {
      *error = "limit `" + c.name + "`: " + *bad;
      return false;
    }
    lr.local = shared.limiters.acquire(lr.spec);
    g.limits.push_back(std::move(lr));
  }
  return buildRedisStore(g, shared, error);
}

int32_t indexOf(const std::vector<LimitRuntime>& limits, const std::string& name) {
  for (size_t i = 0; i < limits.size(); ++i) {
    if (limits[i].spec.name == name) return static_cast<int32_t>(i);
  }
  return -1;
}

// The condition names sema accepted (`retry ... on [502, timeout]`) as RetryOn bits, once per
// generation instead of on every failed attempt.
uint32_t retryOnBits(const std::vector<std::string>& on) {
  if (on.empty()) return resilience::kRetryOnDefault;
  uint32_t bits = 0;
  for (const std::string& c : on) {
    if (c == "502") bits |= resilience::kRetryOn502;
    if (c == "503") bits |= resilience::kRetryOn503;
    if (c == "504") bits |= resilience::kRetryOn504;
    if (c == "connect_error") bits |= resilience::kRetryOnConnectFailure;
    if (c == "timeout") bits |= resilience::kRetryOnTimeout;
    if (c == "reset") bits |= resilience::kRetryOnReset;
  }
  return bits;
}

// The method names sema accepted (`retry_methods [POST, PATCH]`) as a gw_method mask.
uint32_t methodMask(const std::vector<std::string>& methods) {
  uint32_t mask = 0;
  for (const std::string& m : methods) mask |= 1u << policy::methodFromName(m);
  return mask;
}

bool buildUpstreams(Generation& g, SharedState& shared, std::string* error) {
  const policy::CompiledPolicy& p = g.policy();
  for (const policy::UpstreamConfig& c : g.config().upstreams) {
    UpstreamPlan plan;
    plan.config = &c;
    plan.runtime = shared.upstreams.acquire(c);
    plan.retryOn = retryOnBits(c.retry.on);
    for (const policy::UpstreamDecl& d : p.upstreams) {
      if (d.name == c.name) plan.hashKeyFn = d.hashKey;
    }
    for (uint32_t i = 0; i < c.servers.size(); ++i) {
      (c.servers[i].backup ? plan.backups : plan.primaries).push_back(i);
    }
    if (c.balance == "consistent_hash") {
      std::vector<std::string> names;
      for (uint32_t i : plan.primaries) {
        names.push_back(c.servers[i].host + ":" + std::to_string(c.servers[i].port));
      }
      std::vector<balance::MaglevTable::Member> members;
      for (size_t k = 0; k < names.size(); ++k) {
        members.push_back({names[k], c.servers[plan.primaries[k]].weight});
      }
      auto r = plan.maglev.build(members);
      if (!r.ok()) {
        *error = "upstream `" + c.name + "`: " + r.error;
        return false;
      }
    }
    g.upstreams.push_back(std::move(plan));
  }
  return true;
}

/// True when none of `limits` keeps its counters in Redis (a decision that never suspends).
bool allLocal(const Generation& g, const std::vector<AppliedLimit>& limits) {
  return std::none_of(limits.begin(), limits.end(), [&](const AppliedLimit& l) {
    return g.limits[l.limit].spec.store == limit::StoreKind::redis;
  });
}

bool buildRoutes(Generation& g, const AuthProviders& auth, std::string* error) {
  const policy::CompiledPolicy& p = g.policy();
  std::unordered_map<std::string, uint32_t> upstreamIndex;
  for (uint32_t i = 0; i < g.upstreams.size(); ++i) upstreamIndex[g.upstreams[i].config->name] = i;
  // By name, once: scanning every route's config for every route was quadratic at start-up
  // and on each reload (10^8 name compares at 10 000 routes).
  std::unordered_map<std::string_view, const policy::RouteConfig*> routeConfigs;
  for (const policy::RouteConfig& rc : g.config().routes) routeConfigs.emplace(rc.name, &rc);
  std::vector<std::string> policyHeaders;
  for (const policy::Route& r : p.routes()) {
    RouteRuntime rr;
    for (const std::string& name : r.authProviders) {
      const AuthProvider* prov = auth.find(name);
      if (prov == nullptr) {
        *error = "route `" + r.name + "`: unknown auth provider `" + name + "`";
        return false;
      }
      rr.auth.push_back(prov);
    }
    for (const policy::RouteLimit& l : r.limits) {
      int32_t idx = indexOf(g.limits, l.name);
      if (idx < 0) {
        *error = "route `" + r.name + "`: unknown limit `" + l.name + "`";
        return false;
      }
      rr.limits.push_back({static_cast<uint32_t>(idx), l.key, readsIdentity(p.ir(), l.key)});
    }
    for (const policy::ForwardTarget& t : r.targets) {
      auto it = upstreamIndex.find(t.upstream);
      if (it == upstreamIndex.end()) {
        *error = "route `" + r.name + "`: unknown upstream `" + t.upstream + "`";
        return false;
      }
      rr.targetUpstream.push_back(it->second);
    }
    for (const policy::AggregatePart& part : r.aggregate) {
      auto it = upstreamIndex.find(part.upstream);
      if (it == upstreamIndex.end()) {
        *error = "route `" + r.name + "`: aggregate part `" + part.field + "`: unknown upstream `" +
                 part.upstream + "`";
        return false;
      }
      rr.aggregate.emplace_back().upstream = it->second;
    }
    for (const policy::HeaderOp& op : r.requestHeaders) {
      if (!op.remove) policyHeaders.push_back(op.name);
    }
    if (auto it = routeConfigs.find(r.name); it != routeConfigs.end()) {
      if (!RouteTransforms::build(*it->second, rr.transforms, error)) return false;
      rr.retryMethodMask = methodMask(it->second->retryMethods);
    }
    g.routes.push_back(std::move(rr));
  }
  g.headerRules = HeaderRules(g.config().gateway.stripHeaders, std::move(policyHeaders));
  for (const std::string& name : g.config().gateway.limits) {
    int32_t idx = indexOf(g.limits, name);
    const policy::LimitDecl* decl = nullptr;
    for (const policy::LimitDecl& d : p.limits) {
      if (d.name == name) decl = &d;
    }
    if (idx < 0 || decl == nullptr) {
      *error = "gateway: unknown limit `" + name + "`";
      return false;
    }
    g.gatewayLimits.push_back({static_cast<uint32_t>(idx), decl->key, false});
  }
  g.gatewayLimitsLocal = allLocal(g, g.gatewayLimits);
  for (RouteRuntime& rr : g.routes) {
    bool introspects = std::any_of(rr.auth.begin(), rr.auth.end(),
                                   [](const AuthProvider* a) { return a->introspector != nullptr; });
    rr.decidesNow = allLocal(g, rr.limits) && !introspects && rr.aggregate.empty();
  }
  return true;
}

}  // namespace

bool Cidr::contains(const uint8_t* addr, uint32_t fam) const {
  if (fam != family) return false;
  int full = prefix / 8;
  if (std::memcmp(addr, bytes, static_cast<size_t>(full)) != 0) return false;
  int rest = prefix % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (addr[full] & mask) == (bytes[full] & mask);
}

bool parseCidr(const std::string& text, Cidr& out) {
  std::string addr = text;
  int prefix = -1;
  size_t slash = text.find('/');
  if (slash != std::string::npos) {
    addr = text.substr(0, slash);
    prefix = std::atoi(text.c_str() + slash + 1);
  }
  out = Cidr{};
  if (inet_pton(AF_INET, addr.c_str(), out.bytes) == 1) {
    out.family = 4;
    out.prefix = prefix < 0 ? 32 : std::min(prefix, 32);
    return true;
  }
  if (inet_pton(AF_INET6, addr.c_str(), out.bytes) == 1) {
    out.family = 6;
    out.prefix = prefix < 0 ? 128 : std::min(prefix, 128);
    return true;
  }
  return false;
}

std::shared_ptr<const Generation> Generation::build(
    std::shared_ptr<const policy::CompiledPolicy> policy, SharedState& shared,
    const std::string& baseDir, uint64_t id, std::string backend, std::string* error) {
  auto g = std::make_shared<Generation>();
  g->backend = std::move(backend);
  g->policy_ = std::move(policy);
  g->id_ = id;
  g->auth_ = AuthProviders::build(g->config(), baseDir, shared.auth, error);
  if (!g->auth_) return nullptr;
  if (!buildLimits(*g, shared, error) || !buildUpstreams(*g, shared, error) ||
      !buildRoutes(*g, *g->auth_, error)) {
    return nullptr;
  }
  g->tls = buildTlsContexts(g->config(), baseDir, &g->tlsFiles, error);
  if (!g->tls) return nullptr;
  for (UpstreamPlan& u : g->upstreams) u.tls = g->tls->upstream(u.config->name);
  for (const std::string& t : g->config().gateway.trustedProxies) {
    Cidr c;
    if (!parseCidr(t, c)) {
      *error = "gateway: trusted_proxies: `" + t + "` is not an address or network";
      return nullptr;
    }
    g->trustedProxies.push_back(c);
  }
  g->needsClaims = readsClaims(g->policy().ir());
  if (!shared.registry) {
    *error = "internal: no metrics registry";
    return nullptr;
  }
  g->series = registerGenerationSeries(*shared.registry, g->policy());
  for (size_t r = 0; r < g->routes.size(); ++r) {
    const policy::Route& route = g->policy().routes()[r];
    for (size_t i = 0; i < g->routes[r].aggregate.size(); ++i) {
      registerPartSeries(*shared.registry, route.name, route.aggregate[i].field,
                         g->routes[r].aggregate[i]);
    }
  }
  return g;
}

}  // namespace gw::gateway
