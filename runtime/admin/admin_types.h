#pragma once
// What the gateway supplies to the admin endpoints: plain data and callbacks, so this library
// depends on neither the compiler nor the gateway.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gw::admin {

/// One row of GET /routes (the compiled route table), filled by the gateway.
struct RouteEntry {
  std::string name;
  std::vector<std::string> methods;  ///< empty: any method
  std::string host;                  ///< empty: any host
  std::string path;                  ///< the path pattern as written
  std::vector<std::string> upstreams;
  std::vector<std::string> authenticate;  ///< auth providers, in order
  std::vector<std::string> limits;
  bool authorize = false;  ///< has authorization rules
};

/// The outcome of one reload attempt, as remembered by the gateway.
struct ReloadReport {
  bool ok = false;
  std::chrono::system_clock::time_point at{};
  std::string trigger;                   ///< "SIGHUP", "POST /reload", "file change", ...
  std::vector<std::string> diagnostics;  ///< rendered diagnostics; empty on success
};

/// One upstream server's state in GET /status.
struct ServerState {
  std::string upstream;
  std::string server;   ///< "host:port"
  bool healthy = true;  ///< receives traffic (passes health checks, not ejected)
  std::string breaker;  ///< "closed", "open", "half_open"; "" when the upstream has no breaker
  std::uint32_t inflight = 0;  ///< requests in flight to it now
};

/// GET /status.
struct PolicyStatus {
  std::string version;     ///< the served policy's version (generation or declared version)
  std::string sourceHash;  ///< hash of the policy sources
  std::string backend;     ///< "jit", "interpreter" or "aot"
  std::chrono::system_clock::time_point loadedAt{};
  std::size_t routes = 0;
  std::vector<std::string> sources;       ///< the policy files
  std::optional<ReloadReport> lastReload;  ///< none before the first reload
  std::vector<ServerState> servers;        ///< every upstream server, in policy order
};

/// What a reload produced: success, or the diagnostics that kept the old policy in place.
struct ReloadOutcome {
  bool ok = false;
  std::vector<std::string> diagnostics;
};

/// Hands a reload's outcome back to the waiting POST /reload. Copyable; call it once, from any
/// thread (later calls are ignored). If never called the request answers 504 at the timeout.
class ReloadCompletion {
 public:
  struct State;
  explicit ReloadCompletion(std::shared_ptr<State> state) : state_(std::move(state)) {}
  void operator()(ReloadOutcome outcome) const;

 private:
  std::shared_ptr<State> state_;
};

/// The gateway's hooks. Each may be empty (the endpoint then answers 503). `routes` and
/// `status` are called on the admin thread and must be thread-safe against the gateway;
/// `reload` must not block: start the reload and call the completion when it ends.
struct AdminCallbacks {
  std::function<std::vector<RouteEntry>()> routes;
  std::function<PolicyStatus()> status;
  std::function<void(ReloadCompletion)> reload;
};

}  // namespace gw::admin
