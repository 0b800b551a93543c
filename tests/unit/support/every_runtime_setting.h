#pragma once
// One policy that sets every kind of runtime setting, shared by the tests of the settings'
// extraction from the AST (tests/unit/gateway/runtime_config_test.cc) and of their binary
// round trip through a .gwo (tests/unit/aot/gwo_loader_test.cc): a setting added to the
// language is added here once and both tests see it.
//
// Listeners (plain and TLS with a handshake timeout), admin, strip globs, proxies, threads,
// servers with weights and backups, health, breaker, retry with a budget (a double) and a
// replay buffer, an auth provider, a limit with a warning threshold (a double), body json edits
// in both directions and compression, a route's retry_methods.

namespace gw::testing {

inline constexpr const char* kEveryRuntimeSetting = R"(gateway {
  listen 127.0.0.1:8080
  listen 127.0.0.1:8443 tls { cert "c.pem" key "c.key" handshake_timeout 2500ms }
  admin 127.0.0.1:9901
  strip_headers ["X-Internal-*"]
  trusted_proxies [10.0.0.0/8]
  threads 3
  limit per_ip
}
upstream users {
  server 10.0.0.1:9001 weight 3
  server 10.0.0.2:9001 backup
  balance least_request
  health get "/healthz" every 5s timeout 1s healthy 2 unhealthy 4
  breaker failures 4 open 10s close_after 2
  timeout 5s
  retry 2 on [502, connect_error] backoff 10ms..200ms jitter budget 15% buffer 128kib
}
auth main jwt {
  issuer "https://issuer"
  audience ["a", "b"]
  public_key env "KEY_PATH"
  algorithms [RS256]
  cache 30s
}
limit per_ip token_bucket {
  key client.ip
  rate 10/s
  burst 20
  warn 80%
}
route r {
  match { path prefix "/" }
  authenticate main
  request { body json { remove "x"; rename "a.b" => "c" } }
  response { body json { set "y" = request.path } compress [gzip, br] min 2kb }
  retry_methods [POST, PATCH]
  forward users
}
)";

}  // namespace gw::testing
