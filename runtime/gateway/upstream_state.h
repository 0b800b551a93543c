#pragma once
// Process-wide state of one upstream: its servers with their circuit breakers, the passive and
// active health tracker and in-flight counters. Shared by every worker and carried over a
// reload by upstream name when the servers and breaker settings are unchanged (so an open
// breaker stays open and an ejected server stays out across a reload).
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/policy/runtime_config.h"
#include "runtime/resilience/active_health_checker.h"
#include "runtime/resilience/circuit_breaker.h"
#include "runtime/resilience/health_tracker.h"
#include "runtime/resilience/retry_budget.h"

namespace gw::gateway {

/// One server of an upstream. Breaker may be null (no `breaker` setting).
struct ServerRuntime {
  std::string host;
  uint16_t port = 0;
  uint32_t weight = 1;
  bool backup = false;
  std::unique_ptr<resilience::CircuitBreaker> breaker;
  std::atomic<uint32_t> inflight{0};  ///< process-wide, for least_request

  /// "host:port" as the policy names the server, made once with the server (UpstreamRuntime):
  /// the `server` label of metrics and /status, and the access log's upstream address, which
  /// wants it on every request (building it per request cost ~150 instructions).
  std::string hostPort;

  const std::string& address() const { return hostPort; }
};

/// Thread-safe: immutable apart from atomics, the breakers and the tracker (all thread-safe).
class UpstreamRuntime {
 public:
  explicit UpstreamRuntime(const policy::UpstreamConfig& config);
  ~UpstreamRuntime();

  const std::string& name() const { return name_; }
  /// Servers in policy order (the index every balancer and tracker uses).
  std::vector<std::unique_ptr<ServerRuntime>>& servers() { return servers_; }
  resilience::HealthTracker& health() { return *health_; }
  resilience::RetryBudget& retryBudget() { return *budget_; }
  /// The carry-over key: servers, weights, breaker and health settings.
  const std::string& identity() const { return identity_; }
  /// Starts active health checks on `control` (once; no-op without a `health` setting). `tls` is
  /// the upstream's TLS context of the generation being published (null: plain HTTP); every
  /// later call hands the running checks the newer generation's context.
  void startHealthChecks(boost::asio::any_io_executor control,
                         std::shared_ptr<const tls::UpstreamTlsContext> tls);
  void stopHealthChecks();
  /// Per server (policy order) probe counts of the active checks; empty without `health`.
  /// Any thread (the admin listener's scrape).
  std::vector<resilience::TargetCheckStats> healthCheckStats() const;

  static std::string identityOf(const policy::UpstreamConfig& config);

 private:
  std::string name_;
  std::string identity_;
  policy::HealthSettings healthSettings_;
  std::vector<std::unique_ptr<ServerRuntime>> servers_;
  std::shared_ptr<resilience::HealthTracker> health_;  // outlives the checker's coroutines
  boost::asio::any_io_executor control_;
  std::unique_ptr<resilience::RetryBudget> budget_;
  mutable std::mutex checkerMutex_;  // checker_ is set on the control thread, read by scrapes
  std::shared_ptr<resilience::ActiveHealthChecker> checker_;
  std::once_flag started_;
};

/// Hands UpstreamRuntimes to policy generations (weak references, like LimiterRegistry): a new
/// generation adopts the live runtime with the same identity. Thread-safe (configuration time).
class UpstreamRegistry {
 public:
  std::shared_ptr<UpstreamRuntime> acquire(const policy::UpstreamConfig& config);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::weak_ptr<UpstreamRuntime>> live_;
};

}  // namespace gw::gateway
