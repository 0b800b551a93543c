#pragma once
// Hot reload: compiles the policy on its own thread and publishes the new generation only when
// everything succeeded (compile, refusal check, keys, limits). Requests are coalesced: many
// triggers while a compile runs cause one more compile. Thread-safe: trigger() and status()
// from any thread (signal handler loop, inotify, admin endpoint).
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/gateway/gateway_stats.h"
#include "runtime/gateway/generation.h"
#include "runtime/gateway/policy_store.h"

namespace gw::gateway {

struct ReloadStatus {
  uint64_t completed = 0;   ///< ticket of the last finished reload
  bool ok = true;           ///< the last reload succeeded
  std::string error;        ///< its diagnostics when it failed
  uint64_t generation = 0;  ///< id of the generation serving now
  std::string backend;
  std::vector<std::string> sourceFiles;
};

class Reloader {
 public:
  /// `onPublished` runs on the reload thread after each successful swap (health checks, watch
  /// list refresh). Everything referenced must outlive the reloader.
  Reloader(std::string path, std::string backend, PolicyStore& store, SharedState& shared,
           GatewayStats& stats, std::function<void(const Generation&)> onPublished);
  ~Reloader();

  /// Loads and publishes the first generation synchronously (start-up). False + message.
  bool initial(std::string* error);
  /// Asks for a reload; returns the ticket to wait for with status().completed >= ticket.
  uint64_t trigger(const std::string& why);
  ReloadStatus status();

 private:
  void run();
  bool reloadOnce(std::string* error);

  std::string path_, backend_, baseDir_;
  PolicyStore& store_;
  SharedState& shared_;
  GatewayStats& stats_;
  std::function<void(const Generation&)> onPublished_;
  std::mutex mutex_;
  std::condition_variable wake_;
  uint64_t requested_ = 0;
  uint64_t nextId_ = 1;
  ReloadStatus status_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace gw::gateway
