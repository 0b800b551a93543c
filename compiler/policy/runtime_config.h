#pragma once
// RuntimeConfig: everything the `gw` runtime needs from a policy that the executable part of a
// CompiledPolicy does not carry: listeners, upstream servers and their resilience settings, auth
// provider settings, limit parameters, and the route constructs the runtime must refuse when it
// does not implement them. Plain data built once from the checked AST; serializable to JSON so a
// .gwo can carry it. Immutable once part of a published policy; safe to share between threads.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/source/source_manager.h"

namespace gw::policy {

/// `tls { ... }` of a listener or an upstream. `present` is false when there is no block.
struct TlsSettings {
  bool present = false;
  std::vector<std::string> certs, keys;  // paired in order (several = SNI)
  std::string clientCa, clientAuth, ca, sni;
  int64_t handshakeTimeoutUs = 0;  // listener: `handshake_timeout`; 0: the server default (10 s)
};

/// `listen ADDR [tls {...}]`. host "0.0.0.0" when only a port was written.
struct ListenConfig {
  std::string host = "0.0.0.0";
  uint16_t port = 0;
  TlsSettings tls;
  std::string location;  // "file:line:col" for messages
};

/// The `gateway { ... }` block (defaults when the policy has none).
struct GatewayConfig {
  std::vector<ListenConfig> listens;
  std::string adminHost;  // empty: no admin listener
  uint16_t adminPort = 0;
  std::string redis;                       // redis URL, empty when none
  std::vector<std::string> stripHeaders;   // globs ("X-Internal-*")
  std::vector<std::string> trustedProxies; // CIDR or IP texts
  std::string accessLog;                   // path, "-" for stdout, empty: off
  uint32_t threads = 0;                    // 0: one per core
  std::vector<std::string> limits;         // gateway-level limits, applied before matching
};

struct ServerConfig {
  std::string host;
  uint16_t port = 0;
  uint32_t weight = 1;
  bool backup = false;
};

struct HealthSettings {
  bool enabled = false;
  std::string method = "get";
  std::string path;
  int64_t everyUs = 5'000'000, timeoutUs = 1'000'000;
  uint32_t healthy = 2, unhealthy = 3;
};

struct BreakerSettings {
  bool enabled = false;
  uint32_t failures = 5;
  int64_t openUs = 30'000'000;
  uint32_t closeAfter = 3;
  uint32_t probes = 1;
};

struct RetrySettings {
  bool enabled = false;
  uint32_t attempts = 0;         // retries after the first attempt
  std::vector<std::string> on;   // "502", "503", "504", "connect_error", "timeout", "reset"
  int64_t backoffMinUs = 25'000, backoffMaxUs = 1'000'000;
  bool jitter = false;
  double budgetPercent = 0;      // 0: the default budget
  uint64_t bufferBytes = 64 * 1024;  // `buffer`: bodies up to this size are kept for a replay
  std::string location;
};

struct UpstreamConfig {
  std::string name;
  std::vector<ServerConfig> servers;
  std::string balance = "round_robin";  // round_robin | least_request | random | consistent_hash
  HealthSettings health;
  BreakerSettings breaker;
  int64_t timeoutUs = 0, connectTimeoutUs = 0, idleTimeoutUs = 0;  // 0: defaults
  RetrySettings retry;
  TlsSettings tls;
  std::string location;
};

/// Where a secret or key set comes from. kind: "inline" | "file" | "url" | "env"; empty: none.
struct SourceRef {
  std::string kind;
  std::string value;
  bool present() const { return !kind.empty(); }
};

struct AuthConfig {
  std::string name;
  std::string kind;  // jwt | api_key | introspect | mtls
  std::string issuer;
  std::vector<std::string> audiences;
  SourceRef jwks;
  int64_t refreshUs = 0;
  SourceRef publicKey;
  std::vector<std::string> algorithms;
  SourceRef hmacSecret;
  int64_t leewayUs = 0, cacheUs = 0;
  std::string header, query, endpoint, clientId, rolesClaim;
  SourceRef keys, clientSecret;
  std::string location;
};

struct LimitConfig {
  std::string name;
  std::string kind;  // token_bucket | sliding_window
  int64_t count = 0, periodUs = 0, burst = 0;
  std::string store = "local";  // local | redis
  double warnPercent = 0;
  std::string onStoreError = "allow";
};

/// `compress [br, gzip, deflate] [min S]` of a route's response block.
struct CompressConfig {
  std::vector<std::string> encodings;  // "br" | "gzip" | "deflate", in preference order
  int64_t minBytes = 1024;             // `min`; 1 KiB when not written
};

/// One edit of `body json { ... }`. op: "rename" | "remove" | "set"; `to` for rename only.
struct JsonOpConfig {
  std::string op;
  std::string from, to;
  std::string location;
};

/// Per route: the body transforms, the retry override and where some constructs were written.
struct RouteConfig {
  std::string name;
  std::string aggregate;  // location of `aggregate`, empty when absent
  std::string bodyJson;   // location of the first `body json`
  std::string compress;   // location of the first `compress`, empty when the route has none
  CompressConfig compression;                      // the first `compress` (when `compress` set)
  std::vector<JsonOpConfig> requestJson, responseJson;  // every `body json` edit, in order
  std::vector<std::string> retryMethods;  // `retry_methods`: non-idempotent methods to retry
};

struct RuntimeConfig {
  GatewayConfig gateway;
  std::vector<UpstreamConfig> upstreams;
  std::vector<AuthConfig> auths;
  std::vector<LimitConfig> limits;
  std::vector<RouteConfig> routes;
  std::vector<std::string> sourceFiles;  // every file the policy was read from (reload watches)

  const UpstreamConfig* upstream(const std::string& name) const;
  const AuthConfig* auth(const std::string& name) const;
  const LimitConfig* limit(const std::string& name) const;
};

/// Builds the runtime configuration of a checked program. Pure; not thread-safe per program.
RuntimeConfig buildRuntimeConfig(const ast::Program& program, const SourceManager& sources);

/// JSON round trip (for the .gwo metadata and `gw` status output). fromJson returns false and
/// `error` on malformed input.
std::string runtimeConfigToJson(const RuntimeConfig& config);
bool runtimeConfigFromJson(const std::string& text, RuntimeConfig& out, std::string* error);

}  // namespace gw::policy
