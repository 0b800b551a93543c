#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <memory>

#include "runtime/server/decision.h"
#include "runtime/server/request_context.h"

namespace gw::server {

/// The policy hook: the one virtual call per request. The session calls `decide` after the
/// head was parsed, validated and its path normalized; a rejected request never gets here.
/// One Handler per worker thread (see HandlerFactory), so implementations need no locks;
/// shared read-only state (a compiled policy) is fine.
class Handler {
 public:
  virtual ~Handler() = default;

  /// Fills `out` (already cleared; reused across requests so its strings keep capacity) with
  /// "respond locally" or "forward". May suspend (rate limiter, auth lookups). Must not throw.
  virtual boost::asio::awaitable<void> decide(RequestContext& req, Decision& out) = 0;
};

/// Builds the Handler of worker `workerIndex`; called once per worker at start-up.
using HandlerFactory = std::function<std::unique_ptr<Handler>(std::size_t workerIndex)>;

}  // namespace gw::server
