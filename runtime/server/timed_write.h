#pragma once
// The slow half of a write that did not wait: Transport::writeNow() sends what the socket takes
// at once (no suspension, so no deadline); when it leaves bytes behind, the rest goes out
// through writeRest() under the session's watchdog. Every writer (client responses, local
// answers, upstream requests) finishes a partial write the same way.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <cstddef>
#include <span>

#include "runtime/server/server_options.h"
#include "runtime/server/transport.h"
#include "runtime/server/watchdog.h"

namespace gw::server {

/// Writes `buffers` without their first `skip` bytes (what writeNow() already sent) within
/// `timeout`; on an error, `watchdog.fired()` tells a timeout from a failure.
inline boost::asio::awaitable<boost::system::error_code> finishWrite(
    Transport& transport, Watchdog& watchdog, Millis timeout,
    std::span<const boost::asio::const_buffer> buffers, std::size_t skip) {
  watchdog.arm(timeout);
  auto [ec, written] = co_await transport.writeRest(buffers, skip);
  watchdog.disarm();
  (void)written;
  co_return ec;
}

}  // namespace gw::server
