#pragma once
// The state the admin endpoints share with the gateway.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

#include "runtime/admin/admin_types.h"
#include "runtime/stats/registry.h"

namespace gw::admin {

/// Shared by every AdminHandler (via shared_ptr) and the gateway. Set the fields before the
/// admin server starts; afterwards only `draining` changes (any thread).
struct AdminContext {
  stats::Registry* registry = nullptr;  ///< not owned; GET /metrics renders it (503 if null)
  AdminCallbacks callbacks;
  std::chrono::milliseconds reloadTimeout{120000};  ///< POST /reload answers 504 after this
  std::atomic<bool> draining{false};                ///< GET /healthz answers 503 while set
};

/// The shared state behind a ReloadCompletion.
struct ReloadCompletion::State {
  std::mutex mutex;
  std::optional<ReloadOutcome> outcome;
};

}  // namespace gw::admin
