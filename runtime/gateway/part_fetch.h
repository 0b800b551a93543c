#pragma once
// One sub-request of an `aggregate` route (docs/aggregate.md): a GET written on a connection of
// the worker's part pool (keep-alive reuse, TLS to upstreams, connect timeout), its response
// read whole up to a size bound. Which server to use, retries and the breaker verdict are the
// caller's (GatewayHandler); this is only the exchange. Single-threaded: the worker's loop.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/server/handler.h"
#include "runtime/server/upstream_pool.h"
#include "runtime/server/watchdog.h"

namespace gw::gateway {

/// In: where and what to send, and the bounds. Out: how the exchange ended. Owned by the
/// caller for the duration of fetchPart().
struct PartExchange {
  std::string host;
  std::uint16_t port = 0;
  std::shared_ptr<const tls::UpstreamTlsContext> tls;
  std::string head;  ///< the serialized request head (a GET: no body)
  server::Millis connectTimeout{3000};
  server::Millis idleTimeout{0};  ///< the upstream's idle_timeout for the pooled connection
  std::chrono::steady_clock::time_point deadline;  ///< the whole exchange ends by then
  std::size_t maxBody = 1024 * 1024;
  bool cancelled = false;  ///< set by the caller (fail fast): the exchange stops, no verdict

  server::Completion::Upstream outcome = server::Completion::Upstream::kNone;
  int status = 0;
  bool tooLarge = false;  ///< the body exceeded maxBody (outcome kResponse, body empty)
  std::string body;
  std::string detail;  ///< why it failed, for the log
};

/// Performs `ex` on `pool`, bounded by `watchdog` (whose run() loop the caller keeps going).
/// A pooled connection the upstream closed meanwhile is replaced by a fresh one once. Never
/// throws for network or protocol errors.
boost::asio::awaitable<void> fetchPart(server::UpstreamPool& pool, server::Watchdog& watchdog,
                                       PartExchange& ex);

}  // namespace gw::gateway
