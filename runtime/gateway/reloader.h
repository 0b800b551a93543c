#pragma once
// Hot reload: compiles the policy on its own thread and publishes the new generation only when
// everything succeeded (compile, refusal check, keys, limits). Requests are coalesced: many
// triggers while a compile runs cause one more compile. Each attempt is remembered (trigger,
// time, diagnostics) for GET /status and counted in gw_reload_total. Thread-safe: trigger() and
// status() from any thread (signal handler loop, inotify, admin endpoint).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/admin/admin_types.h"
#include "runtime/gateway/generation.h"
#include "runtime/gateway/policy_loader.h"
#include "runtime/gateway/policy_store.h"

namespace gw::gateway {

struct ReloadStatus {
  uint64_t completed = 0;   ///< ticket of the last finished reload
  uint64_t generation = 0;  ///< id of the generation serving now
  std::string backend;
  std::string sourceHash;  ///< SHA-256 (hex) of the served policy's sources or .gwo
  std::vector<std::string> sourceFiles;
  std::size_t routes = 0;
  std::chrono::system_clock::time_point loadedAt{};
  std::optional<admin::ReloadReport> lastReload;  ///< none before the first reload
};

/// Called once when the reload that covers a trigger finished: ok, or the diagnostics.
using ReloadDone = std::function<void(bool ok, const std::vector<std::string>& diagnostics)>;

class Reloader {
 public:
  /// `onPublished` runs on the reload thread after each successful swap (health checks, watch
  /// list refresh). `shared.registry` must be set before the first build (see initial()).
  /// Everything referenced must outlive the reloader. Destroying it stops a running gwc child.
  Reloader(std::string path, LoadOptions load, PolicyStore& store, SharedState& shared,
           std::function<void(const Generation&)> onPublished);
  ~Reloader();

  /// Loads and publishes the first generation synchronously (start-up). `beforeBuild` runs
  /// after the compile and before the generation is built (the app sizes its metrics registry
  /// from the policy there). False + message.
  bool initial(std::string* error,
               const std::function<void(const policy::CompiledPolicy&)>& beforeBuild = {});
  /// Asks for a reload; `done` (optional) is called on the reload thread when it finished.
  /// Returns the ticket covered by status().completed >= ticket.
  uint64_t trigger(const std::string& why, ReloadDone done = {});
  ReloadStatus status();

  /// Splits rendered compiler output into one entry per diagnostic (its headline); text
  /// without headlines gives one entry per non-empty line. Pure.
  static std::vector<std::string> splitDiagnostics(const std::string& text);

 private:
  void run();
  bool reloadOnce(std::string* error,
                  const std::function<void(const policy::CompiledPolicy&)>& beforeBuild = {});
  void countReload(bool ok);

  std::string path_, baseDir_;
  LoadOptions load_;
  std::atomic<bool> stopping_{false};  // read by a gwc child's supervision loop
  PolicyStore& store_;
  SharedState& shared_;
  std::function<void(const Generation&)> onPublished_;
  std::mutex mutex_;
  std::condition_variable wake_;
  uint64_t requested_ = 0;
  std::string why_;  // trigger of the latest request (coalesced ones share an attempt)
  std::vector<std::pair<uint64_t, ReloadDone>> waiting_;
  uint64_t nextId_ = 1;
  ReloadStatus status_;
  stats::Gauge policyInfo_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace gw::gateway
