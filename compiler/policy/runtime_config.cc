#include "compiler/policy/runtime_config.h"

#include <nlohmann/json.hpp>

namespace gw::policy {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TlsSettings, present, certs, keys, clientCa,
                                                clientAuth, ca, sni, handshakeTimeoutUs)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ListenConfig, host, port, tls, location)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(GatewayConfig, listens, adminHost, adminPort,
                                                redis, stripHeaders, trustedProxies, accessLog,
                                                threads, limits)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ServerConfig, host, port, weight, backup)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(HealthSettings, enabled, method, path, everyUs,
                                                timeoutUs, healthy, unhealthy)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(BreakerSettings, enabled, failures, openUs,
                                                closeAfter, probes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RetrySettings, enabled, attempts, on,
                                                backoffMinUs, backoffMaxUs, jitter, budgetPercent,
                                                bufferBytes, location)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(UpstreamConfig, name, servers, balance, health,
                                                breaker, timeoutUs, connectTimeoutUs,
                                                idleTimeoutUs, retry, tls, location)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SourceRef, kind, value)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AuthConfig, name, kind, issuer, audiences, jwks,
                                                refreshUs, publicKey, algorithms, hmacSecret,
                                                leewayUs, cacheUs, header, query, endpoint,
                                                clientId, rolesClaim, keys, clientSecret,
                                                location)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LimitConfig, name, kind, count, periodUs, burst,
                                                store, warnPercent, onStoreError)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CompressConfig, encodings, minBytes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(JsonOpConfig, op, from, to, location)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RouteConfig, name, aggregate, bodyJson, compress,
                                                compression, requestJson, responseJson,
                                                retryMethods)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RuntimeConfig, gateway, upstreams, auths, limits,
                                                routes, sourceFiles)

namespace {

template <class T>
const T* findByName(const std::vector<T>& items, const std::string& name) {
  for (const T& it : items) {
    if (it.name == name) {
      return &it;
    }
  }
  return nullptr;
}

class ConfigBuilder {
 public:
  explicit ConfigBuilder(const SourceManager& sources) : sources_(sources) {}

  std::string where(const Span& s) const {
    if (!s.valid() || s.file >= sources_.size()) {
      return "<policy>";
    }
    return sources_.file(s.file).path + ":" + std::to_string(s.line) + ":" +
           std::to_string(s.col);
  }

  /// An address literal: `1.2.3.4:80` (Address), "[::1]:80" / "host:80" (String) or 8080 (Int).
  static void address(const ast::Lit& lit, std::string& host, uint16_t& port) {
    if (lit.kind == ast::LitKind::Address) {
      host = lit.str;
      port = static_cast<uint16_t>(lit.port);
    } else if (lit.kind == ast::LitKind::Int) {
      host = "0.0.0.0";
      port = static_cast<uint16_t>(lit.i);
    } else {
      std::string s = lit.str;
      size_t colon = s.rfind(':');
      if (colon == std::string::npos) {
        host = s;
        return;
      }
      host = s.substr(0, colon);
      if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
      }
      port = static_cast<uint16_t>(std::atoi(s.c_str() + colon + 1));
    }
  }

  static void strings(const ast::Expr* e, std::vector<std::string>& out) {
    if (e == nullptr) {
      return;
    }
    if (e->kind == ast::ExprKind::List) {
      for (const auto& it : e->items) {
        strings(it.get(), out);
      }
    } else if (e->kind == ast::ExprKind::Path) {
      out.push_back(e->dottedPath());
    } else if (e->kind == ast::ExprKind::Literal) {
      out.push_back(e->lit.kind == ast::LitKind::String ? e->lit.str : e->lit.raw);
    }
  }

  static TlsSettings tls(const std::optional<ast::TlsConfig>& t) {
    TlsSettings s;
    if (!t) {
      return s;
    }
    s.present = true;
    for (const ast::Lit& l : t->certs) s.certs.push_back(l.str);
    for (const ast::Lit& l : t->keys) s.keys.push_back(l.str);
    if (t->clientCa) s.clientCa = t->clientCa->str;
    if (t->clientAuth) s.clientAuth = t->clientAuth->text;
    if (t->ca) s.ca = t->ca->str;
    if (t->sni) s.sni = t->sni->str;
    if (t->handshakeTimeout) s.handshakeTimeoutUs = t->handshakeTimeout->i;
    return s;
  }

  static SourceRef source(const std::optional<ast::Source>& src) {
    SourceRef r;
    if (!src) {
      return r;
    }
    using K = ast::Source::Kind;
    r.kind = src->kind == K::File ? "file" : src->kind == K::Url ? "url"
             : src->kind == K::Env ? "env" : "inline";
    r.value = src->value.str;
    return r;
  }

  void gateway(const ast::Gateway& g, GatewayConfig& out) const {
    for (const ast::Listen& l : g.listens) {
      ListenConfig lc;
      address(l.address, lc.host, lc.port);
      lc.tls = tls(l.tls);
      lc.location = where(l.span);
      out.listens.push_back(std::move(lc));
    }
    if (g.admin) address(*g.admin, out.adminHost, out.adminPort);
    if (g.redis) out.redis = g.redis->str;
    strings(g.stripHeaders.get(), out.stripHeaders);
    strings(g.trustedProxies.get(), out.trustedProxies);
    if (g.accessLog) out.accessLog = g.accessLog->str;
    if (g.threads) out.threads = static_cast<uint32_t>(g.threads->i);
    for (const ast::Ident& l : g.limits) out.limits.push_back(l.text);
  }

  UpstreamConfig upstream(const ast::Upstream& u) const {
    UpstreamConfig c;
    c.name = u.name.text;
    c.location = where(u.span);
    for (const ast::Server& s : u.servers) {
      ServerConfig sc;
      address(s.address, sc.host, sc.port);
      if (s.weight) sc.weight = static_cast<uint32_t>(s.weight->i);
      sc.backup = s.backup;
      c.servers.push_back(std::move(sc));
    }
    if (u.balance) c.balance = u.balance->algorithm.text;
    if (u.health) {
      c.health.enabled = true;
      c.health.method = u.health->method.text;
      c.health.path = u.health->path.str;
      if (u.health->every) c.health.everyUs = u.health->every->i;
      if (u.health->timeout) c.health.timeoutUs = u.health->timeout->i;
      if (u.health->healthy) c.health.healthy = static_cast<uint32_t>(u.health->healthy->i);
      if (u.health->unhealthy) c.health.unhealthy = static_cast<uint32_t>(u.health->unhealthy->i);
    }
    if (u.breaker) {
      c.breaker.enabled = true;
      if (u.breaker->failures) c.breaker.failures = static_cast<uint32_t>(u.breaker->failures->i);
      if (u.breaker->open) c.breaker.openUs = u.breaker->open->i;
      if (u.breaker->closeAfter) {
        c.breaker.closeAfter = static_cast<uint32_t>(u.breaker->closeAfter->i);
      }
      if (u.breaker->probes) c.breaker.probes = static_cast<uint32_t>(u.breaker->probes->i);
    }
    if (u.timeout) c.timeoutUs = u.timeout->i;
    if (u.connectTimeout) c.connectTimeoutUs = u.connectTimeout->i;
    if (u.idleTimeout) c.idleTimeoutUs = u.idleTimeout->i;
    if (u.retry) {
      c.retry.enabled = true;
      c.retry.attempts = static_cast<uint32_t>(u.retry->attempts.i);
      strings(u.retry->on.get(), c.retry.on);
      if (u.retry->backoffMin) c.retry.backoffMinUs = u.retry->backoffMin->i;
      if (u.retry->backoffMax) c.retry.backoffMaxUs = u.retry->backoffMax->i;
      c.retry.jitter = u.retry->jitter;
      if (u.retry->budget) c.retry.budgetPercent = u.retry->budget->f;
      if (u.retry->buffer) c.retry.bufferBytes = static_cast<uint64_t>(u.retry->buffer->i);
      c.retry.location = where(u.retry->span);
    }
    c.tls = tls(u.tls);
    return c;
  }

  AuthConfig auth(const ast::Auth& a) const {
    AuthConfig c;
    c.name = a.name.text;
    c.kind = a.kind.text;
    c.location = where(a.span);
    if (a.issuer) c.issuer = a.issuer->str;
    strings(a.audience.get(), c.audiences);
    c.jwks = source(a.jwks);
    if (a.refresh) c.refreshUs = a.refresh->i;
    c.publicKey = source(a.publicKey);
    strings(a.algorithms.get(), c.algorithms);
    c.hmacSecret = source(a.hmacSecret);
    if (a.leeway) c.leewayUs = a.leeway->i;
    if (a.cache) c.cacheUs = a.cache->i;
    if (a.header) c.header = a.header->str;
    if (a.query) c.query = a.query->str;
    if (a.endpoint) c.endpoint = a.endpoint->str;
    if (a.clientId) c.clientId = a.clientId->str;
    if (a.rolesClaim) c.rolesClaim = a.rolesClaim->str;
    c.keys = source(a.keys);
    c.clientSecret = source(a.clientSecret);
    return c;
  }

  static LimitConfig limit(const ast::Limit& l) {
    LimitConfig c;
    c.name = l.name.text;
    c.kind = l.kind.text;
    if (l.rate) {
      c.count = l.rate->i;
      c.periodUs = l.rate->period;
    }
    if (l.burst) c.burst = l.burst->i;
    if (l.store) c.store = l.store->text;
    if (l.warn) c.warnPercent = l.warn->f;
    if (l.onStoreError) c.onStoreError = l.onStoreError->text;
    return c;
  }

  RouteConfig route(const ast::Route& r) const {
    RouteConfig c;
    c.name = r.name.text;
    if (r.hasAggregate) c.aggregate = where(r.aggregateSpan.valid() ? r.aggregateSpan : r.span);
    strings(r.retryMethods.get(), c.retryMethods);
    for (const auto* list : {&r.request, &r.response}) {
      for (const ast::Transform& t : *list) {
        if (t.kind == ast::Transform::Kind::BodyJson) {
          if (c.bodyJson.empty()) c.bodyJson = where(t.span);
          jsonOps(t, list == &r.request ? c.requestJson : c.responseJson);
        }
        if (t.kind == ast::Transform::Kind::Compress && c.compress.empty()) {
          c.compress = where(t.span);
          strings(t.encodings.get(), c.compression.encodings);
          if (t.minSize) c.compression.minBytes = t.minSize->i;
        }
      }
    }
    return c;
  }

  void jsonOps(const ast::Transform& t, std::vector<JsonOpConfig>& out) const {
    for (const ast::JsonOp& op : t.jsonOps) {
      JsonOpConfig j;
      j.op = op.kind == ast::JsonOp::Kind::Rename   ? "rename"
             : op.kind == ast::JsonOp::Kind::Remove ? "remove"
                                                    : "set";
      j.from = op.from.str;
      if (op.to) j.to = op.to->str;
      j.location = where(op.span);
      out.push_back(std::move(j));
    }
  }

 private:
  const SourceManager& sources_;
};

}  // namespace

const UpstreamConfig* RuntimeConfig::upstream(const std::string& name) const {
  return findByName(upstreams, name);
}
const AuthConfig* RuntimeConfig::auth(const std::string& name) const {
  return findByName(auths, name);
}
const LimitConfig* RuntimeConfig::limit(const std::string& name) const {
  return findByName(limits, name);
}

RuntimeConfig buildRuntimeConfig(const ast::Program& program, const SourceManager& sources) {
  ConfigBuilder b(sources);
  RuntimeConfig rc;
  for (const ast::File& f : program.files) {
    for (const ast::Gateway& g : f.gateways) b.gateway(g, rc.gateway);
    for (const ast::Upstream& u : f.upstreams) rc.upstreams.push_back(b.upstream(u));
    for (const ast::Auth& a : f.auths) rc.auths.push_back(b.auth(a));
    for (const ast::Limit& l : f.limits) rc.limits.push_back(ConfigBuilder::limit(l));
    for (const ast::Route& r : f.routes) rc.routes.push_back(b.route(r));
  }
  for (size_t i = 0; i < sources.size(); ++i) {
    rc.sourceFiles.push_back(sources.file(static_cast<uint32_t>(i)).path);
  }
  return rc;
}

std::string runtimeConfigToJson(const RuntimeConfig& config) {
  return nlohmann::json(config).dump();
}

bool runtimeConfigFromJson(const std::string& text, RuntimeConfig& out, std::string* error) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    if (error != nullptr) *error = "runtime config is not a JSON object";
    return false;
  }
  try {
    out = j.get<RuntimeConfig>();
  } catch (const nlohmann::json::exception& e) {  // configuration time, never a request path
    if (error != nullptr) *error = std::string("runtime config: ") + e.what();
    return false;
  }
  return true;
}

}  // namespace gw::policy
