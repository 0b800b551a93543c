#pragma once
// `gw run`: loads the policy, refuses unsupported constructs, starts the listeners (one Server
// per `listen`, each with its workers), the admin listener, signal handling (SIGTERM/SIGINT:
// graceful drain; SIGHUP: reload), the inotify watcher and the reload thread, then serves until
// told to stop.
#include <chrono>
#include <cstddef>
#include <string>

#include "runtime/gateway/gwc_child.h"

namespace gw::gateway {

struct RunOptions {
  std::string policyPath;
  size_t threads = 0;       ///< 0: the policy's `threads`, else one per core
  std::string listen;       ///< "ADDR:PORT": replaces the policy's listens (tests, peers.sh)
  std::string accessLog;    ///< "": the policy's; "off"; "-" (stdout); a path
  std::string backend = "jit";  ///< jit | interpreter
  std::string admin;        ///< "ADDR:PORT": replaces the policy's admin address
  GwcOptions gwc;           ///< the native compiler child (--gwc, --gwc-timeout)
};

/// Runs until SIGTERM/SIGINT; returns the process exit code (0 after a clean drain, 1 when
/// the policy is refused or a listener cannot bind).
int runGateway(const RunOptions& options);

}  // namespace gw::gateway
