#pragma once
// The field lists of policy::RuntimeConfig for the .gwo TABLES archive (binary_archive.h): what
// `gw` needs besides code (listeners, upstream servers and their resilience settings, provider
// settings, limit parameters, per-route body transforms). Binary instead of JSON so loading a
// large policy does not parse text (issue 3: a .gwo loads ≥ 10× faster than compiling).
// Adding a field to a struct of runtime_config.h means adding it here and bumping
// kGwoFormatVersion; the loader test round-trips a policy that sets every field.
#include "compiler/policy/runtime_config.h"

namespace gw::aot::tables_detail {

template <typename A> void fields(A& a, policy::TlsSettings& t) {
  a(t.present); a(t.certs); a(t.keys); a(t.clientCa); a(t.clientAuth); a(t.ca); a(t.sni);
  a(t.handshakeTimeoutUs);
}
template <typename A> void fields(A& a, policy::ListenConfig& l) { a(l.host); a(l.port); a(l.tls); a(l.location); }
template <typename A> void fields(A& a, policy::GatewayConfig& g) {
  a(g.listens); a(g.adminHost); a(g.adminPort); a(g.redis); a(g.stripHeaders); a(g.trustedProxies);
  a(g.accessLog); a(g.threads); a(g.limits);
}
template <typename A> void fields(A& a, policy::ServerConfig& s) { a(s.host); a(s.port); a(s.weight); a(s.backup); }
template <typename A> void fields(A& a, policy::HealthSettings& h) {
  a(h.enabled); a(h.method); a(h.path); a(h.everyUs); a(h.timeoutUs); a(h.healthy); a(h.unhealthy);
}
template <typename A> void fields(A& a, policy::BreakerSettings& b) {
  a(b.enabled); a(b.failures); a(b.openUs); a(b.closeAfter); a(b.probes);
}
template <typename A> void fields(A& a, policy::RetrySettings& r) {
  a(r.enabled); a(r.attempts); a(r.on); a(r.backoffMinUs); a(r.backoffMaxUs); a(r.jitter);
  a(r.budgetPercent); a(r.bufferBytes); a(r.location);
}
template <typename A> void fields(A& a, policy::UpstreamConfig& u) {
  a(u.name); a(u.servers); a(u.balance); a(u.health); a(u.breaker); a(u.timeoutUs);
  a(u.connectTimeoutUs); a(u.idleTimeoutUs); a(u.retry); a(u.tls); a(u.location);
}
template <typename A> void fields(A& a, policy::SourceRef& s) { a(s.kind); a(s.value); }
template <typename A> void fields(A& a, policy::AuthConfig& c) {
  a(c.name); a(c.kind); a(c.issuer); a(c.audiences); a(c.jwks); a(c.refreshUs); a(c.publicKey);
  a(c.algorithms); a(c.hmacSecret); a(c.leewayUs); a(c.cacheUs); a(c.header); a(c.query);
  a(c.endpoint); a(c.clientId); a(c.rolesClaim); a(c.keys); a(c.clientSecret); a(c.location);
}
template <typename A> void fields(A& a, policy::LimitConfig& l) {
  a(l.name); a(l.kind); a(l.count); a(l.periodUs); a(l.burst); a(l.store); a(l.warnPercent);
  a(l.onStoreError);
}
template <typename A> void fields(A& a, policy::CompressConfig& c) { a(c.encodings); a(c.minBytes); }
template <typename A> void fields(A& a, policy::JsonOpConfig& j) { a(j.op); a(j.from); a(j.to); a(j.location); }
template <typename A> void fields(A& a, policy::RouteConfig& r) {
  a(r.name); a(r.aggregate); a(r.bodyJson); a(r.compress); a(r.compression); a(r.requestJson);
  a(r.responseJson); a(r.retryMethods);
}
template <typename A> void fields(A& a, policy::RuntimeConfig& c) {
  a(c.gateway); a(c.upstreams); a(c.auths); a(c.limits); a(c.routes); a(c.sourceFiles);
}

}  // namespace gw::aot::tables_detail
