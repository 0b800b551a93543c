#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "runtime/server/decision.h"
#include "runtime/server/request_context.h"

namespace gw::server {

/// What became of one request, reported to Handler::onComplete once its response is done (or the
/// connection was lost): for access logs, breakers, passive health and in-flight accounting.
struct Completion {
  /// How the upstream exchange ended (kNone: the request was answered locally).
  enum class Upstream : std::uint8_t { kNone, kResponse, kConnectFailed, kTimeout, kFailed };
  int status = 0;  ///< status sent to the client; 0 when none could be sent
  Upstream upstream = Upstream::kNone;
  int upstreamStatus = 0;  ///< the upstream's status when upstream == kResponse
  std::uint64_t bytesIn = 0;   ///< request body bytes read from the client (decoded if chunked)
  std::uint64_t bytesOut = 0;  ///< response body bytes written to the client (decoded if chunked)
  /// Set when a body transform could not apply and the body went out as the upstream sent it
  /// (a static string, e.g. "response body is not valid JSON"); the handler logs it.
  const char* transformSkipped = nullptr;
};

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

  /// decide() without a coroutine, tried first: true when `out` is decided; false, having left
  /// `out` as it came and counted nothing, when some step of this request may suspend: the
  /// session then awaits decide(). Why: an awaitable costs a frame allocation, a start and a
  /// resumption through Asio's awaitable thread, per request, even when nothing waits (the
  /// common policy: local limits, JWT). Must not throw.
  virtual bool decideNow(RequestContext& /*req*/, Decision& /*out*/) { return false; }

  /// Called once per decided request after its response was written or abandoned, on the same
  /// worker thread, with the Decision `decide` filled (its `handlerData` included). Must not throw.
  virtual void onComplete(const RequestContext& /*req*/, Decision& /*decision*/,
                          const Completion& /*done*/) {}

  /// Called once on the worker thread when the worker starts draining: close long-lived I/O the
  /// handler opened on the worker's io_context (store connections, their timers), or the loop
  /// never runs out of work and the worker never exits. Requests still in flight may follow.
  virtual void drain() {}
};

/// Builds the Handler of worker `workerIndex`; called once per worker at start-up.
using HandlerFactory = std::function<std::unique_ptr<Handler>(std::size_t workerIndex)>;

}  // namespace gw::server
