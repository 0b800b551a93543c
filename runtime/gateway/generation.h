#pragma once
// A policy generation: the immutable CompiledPolicy plus everything prepared for it before it
// is published — auth providers with their keys, limiters (adopted from the previous generation
// through the LimiterRegistry), upstream runtimes (adopted by identity through the
// UpstreamRegistry), header rules, trusted proxies and per-route lookup tables, so the request
// path never looks anything up by name. Immutable once built; shared by every worker; a request
// pins one for its whole life.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/policy/compiled_policy.h"
#include "runtime/balance/maglev.h"
#include "runtime/gateway/aggregate_plan.h"
#include "runtime/gateway/auth_providers.h"
#include "runtime/gateway/gateway_metrics.h"
#include "runtime/gateway/header_rules.h"
#include "runtime/gateway/route_transforms.h"
#include "runtime/gateway/upstream_state.h"
#include "runtime/limit/limit_spec.h"
#include "runtime/limit/limiter_registry.h"
#include "runtime/limit/local_limiter.h"
#include "runtime/limit/redis_client.h"
#include "runtime/limit/redis_stats.h"
#include "runtime/tls/tls_context_set.h"

namespace gw::gateway {

/// Registries that outlive generations (process-wide; thread-safe).
struct SharedState {
  limit::LimiterRegistry limiters;
  limit::RedisStats redis;  ///< every worker's Redis connection counts here
  UpstreamRegistry upstreams;
  AuthShared auth;  ///< live JWKS key sets and introspection caches, adopted across reloads
  /// Set before the first build (its shard count needs the policy's `threads` and listens);
  /// each generation registers its series here.
  std::unique_ptr<stats::Registry> registry;
};

struct LimitRuntime {
  limit::LimitSpec spec;
  /// The local store; for `store redis` limits it only carries the limit's LimitStats.
  std::shared_ptr<limit::LocalLimiter> local;
};

/// A limit as one route (or the gateway) applies it: which limiter, which key program.
struct AppliedLimit {
  uint32_t limit = 0;  // index into Generation::limits
  int32_t keyFn = -1;  // Str function computing the key
  bool needsIdentity = false;  // the key reads auth.*: decided after authentication
};

/// The shared store of `store redis` limits (the gateway's `redis` address).
struct RedisStoreConfig {
  std::string address;  ///< as written in the policy; empty when no limit uses Redis
  limit::RedisOptions options;
  limit::RedisStats* stats = nullptr;  ///< SharedState::redis
};

struct UpstreamPlan {
  const policy::UpstreamConfig* config = nullptr;
  std::shared_ptr<UpstreamRuntime> runtime;
  int32_t hashKeyFn = -1;  // consistent_hash(E)
  balance::MaglevTable maglev;  // built for consistent_hash upstreams
  std::vector<uint32_t> primaries, backups;  // server indices
  std::shared_ptr<const tls::UpstreamTlsContext> tls;  // null: plain TCP
  uint32_t retryOn = 0;  // the `retry ... on [...]` conditions as resilience::RetryOn bits
};

struct RouteRuntime {
  std::vector<const AuthProvider*> auth;
  std::vector<AppliedLimit> limits;
  std::vector<uint32_t> targetUpstream;  // per ForwardTarget, index into upstreams
  RouteTransforms transforms;            // `compress`, `body json`
  std::vector<AggregatePartRuntime> aggregate;  // per `aggregate` part (empty: a forward route)
  uint32_t retryMethodMask = 0;  // `retry_methods`: bit gw_method of each non-idempotent
                                 // method the route lets its upstream retry
  /// No step of the route can suspend (no `store redis` limit, no introspect provider, not an
  /// `aggregate`): GatewayHandler::decideNow() decides its requests without a coroutine.
  bool decidesNow = false;
};

/// A trusted proxy network (IPv4 or IPv6).
struct Cidr {
  uint32_t family = 4;
  uint8_t bytes[16] = {};
  int prefix = 0;
  bool contains(const uint8_t* addr, uint32_t family) const;
};

class Generation {
 public:
  /// Prepares `policy` for serving. nullptr + `error` when a key, a limit or an upstream cannot
  /// be set up. `baseDir` resolves relative key paths. Configuration time only.
  static std::shared_ptr<const Generation> build(std::shared_ptr<const policy::CompiledPolicy> policy,
                                                 SharedState& shared, const std::string& baseDir,
                                                 uint64_t id, std::string backend,
                                                 std::string* error);

  const policy::CompiledPolicy& policy() const { return *policy_; }
  const policy::RuntimeConfig& config() const { return policy_->runtime; }
  uint64_t id() const { return id_; }
  /// The auth providers of this generation (metrics; routes hold direct pointers).
  const AuthProviders& auth() const { return *auth_; }

  std::vector<LimitRuntime> limits;
  std::vector<AppliedLimit> gatewayLimits;
  bool gatewayLimitsLocal = true;  ///< no gateway limit uses `store redis` (decideNow() applies)
  RedisStoreConfig redis;
  std::vector<UpstreamPlan> upstreams;
  std::vector<RouteRuntime> routes;
  HeaderRules headerRules;
  std::vector<Cidr> trustedProxies;
  bool needsClaims = false;  ///< some program reads auth.claims: build a claims table per identity
  std::string backend;       ///< "jit", "aot" or "interpreter"
  /// Listener (listenerTlsName) and upstream TLS contexts; new handshakes use the current
  /// generation's, so certificates reload with the policy.
  std::shared_ptr<const tls::TlsContextSet> tls;
  std::vector<std::string> tlsFiles;  ///< certificate, key and CA files, watched for reloads
  GenerationSeries series;   ///< metric handles by route, upstream, limit (gateway_metrics.h)

 private:
  std::shared_ptr<const policy::CompiledPolicy> policy_;
  std::shared_ptr<const AuthProviders> auth_;
  uint64_t id_ = 0;
};

/// Parses "10.0.0.0/8", "10.0.0.1", "::1", "fd00::/8". False when it is none of these.
bool parseCidr(const std::string& text, Cidr& out);

}  // namespace gw::gateway
