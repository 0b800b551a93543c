#include "runtime/gateway/admin_views.h"

#include "runtime/resilience/circuit_breaker.h"

namespace gw::gateway {

namespace {

// Bit i of a route's method mask is gw_method i (gw/abi.h).
constexpr const char* kMethodNames[] = {"GET",   "HEAD",    "POST",    "PUT",  "DELETE",
                                        "PATCH", "OPTIONS", "CONNECT", "TRACE"};

std::string pathPattern(const ir::RouteInfo& ri) {
  std::string out;
  for (const ir::PathSegment& s : ri.segments) {
    out += '/';
    out += s.param ? "{" + s.text + "}" : s.text;
  }
  if (out.empty()) out = "/";
  if (ri.pathKind == ir::PathKind::Prefix && out.back() != '/') out += "/*";
  if (ri.pathKind == ir::PathKind::Prefix && out == "/") out = "/*";
  return out;
}

std::string hostPattern(const ir::RouteInfo& ri) {
  std::string out;
  for (const ir::HostPattern& h : ri.hosts) {
    if (!out.empty()) out += ',';
    out += h.kind == ir::HostKind::Wildcard ? "*" + h.text : h.text;
  }
  return out;
}

}  // namespace

std::vector<admin::RouteEntry> routeTable(const Generation& g) {
  const policy::CompiledPolicy& p = g.policy();
  const std::vector<ir::RouteInfo>& info = p.ir().routes;
  std::vector<admin::RouteEntry> out;
  for (size_t i = 0; i < p.routes().size(); ++i) {
    const policy::Route& r = p.routes()[i];
    admin::RouteEntry e;
    e.name = r.name;
    if (i < info.size() && info[i].name == r.name) {
      for (uint32_t m = 0; m < std::size(kMethodNames); ++m) {
        if ((info[i].methodMask & (1u << m)) != 0) e.methods.push_back(kMethodNames[m]);
      }
      e.host = hostPattern(info[i]);
      e.path = pathPattern(info[i]);
    }
    for (const policy::ForwardTarget& t : r.targets) e.upstreams.push_back(t.upstream);
    e.authenticate = r.authProviders;
    for (const policy::RouteLimit& l : r.limits) e.limits.push_back(l.name);
    e.authorize = r.hasAuthorize;
    out.push_back(std::move(e));
  }
  return out;
}

admin::PolicyStatus policyStatus(const ReloadStatus& reload, const Generation& g) {
  admin::PolicyStatus s;
  s.version = std::to_string(reload.generation);
  s.sourceHash = reload.sourceHash;
  s.backend = reload.backend;
  s.loadedAt = reload.loadedAt;
  s.routes = reload.routes;
  s.sources = reload.sourceFiles;
  s.lastReload = reload.lastReload;
  for (const UpstreamPlan& u : g.upstreams) {
    auto& servers = u.runtime->servers();
    for (size_t i = 0; i < servers.size(); ++i) {
      const ServerRuntime& srv = *servers[i];
      admin::ServerState st;
      st.upstream = u.config->name;
      st.server = srv.address();
      st.healthy = u.runtime->health().available(i);
      if (srv.breaker) st.breaker = resilience::breakerStateName(srv.breaker->state());
      st.inflight = srv.inflight.load(std::memory_order_relaxed);
      s.servers.push_back(std::move(st));
    }
  }
  return s;
}

}  // namespace gw::gateway
