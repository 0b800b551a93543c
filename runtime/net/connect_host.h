#pragma once
// Connecting a TCP client socket to `host:port`, the one way gw's clients do it: the upstream
// pool, active health checks and the JWKS/introspection fetcher.
//
// - A numeric address (IPv4 or IPv6) connects at once, without a resolver round trip.
// - A name is resolved on Asio's resolver thread (never blocking a worker), then every address
//   is tried in the resolver's order, as curl and browsers do: `localhost` may give ::1 first
//   and a server listening on 127.0.0.1 only must still be reached. asio::async_connect closes
//   and reopens the socket between attempts.
// - Deadlines stay with the caller: its timer cancels `resolver` and closes `socket`, which
//   completes the pending step with an error; `abandoned()` is asked before each further
//   address, so a fired deadline (or a stop) does not start the next attempt.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace gw::net {

/// Which step failed, if any (callers map it to their own error kinds and metric labels).
enum class ConnectStep : uint8_t { kConnected, kResolveFailed, kConnectFailed };

struct ConnectOutcome {
  ConnectStep step = ConnectStep::kConnectFailed;
  boost::system::error_code error;  ///< of the failed step; empty when connected
  bool connected() const { return step == ConnectStep::kConnected; }
};

/// Connects `socket` to `host:port` as described above. `abandoned` is a callable returning
/// true once the caller gave up (deadline fired, component stopping). Never throws.
template <class Socket, class Resolver, class Abandoned>
boost::asio::awaitable<ConnectOutcome> connectHost(Socket& socket, Resolver& resolver,
                                                   std::string_view host, uint16_t port,
                                                   Abandoned abandoned) {
  namespace asio = boost::asio;
  using tcp = asio::ip::tcp;
  constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
  // Named locals throughout: GCC 12 mishandles non-trivial temporaries inside co_await.
  const std::string name(host);
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(name, ec);
  if (!ec) {
    const tcp::endpoint endpoint(address, port);
    auto [cec] = co_await socket.async_connect(endpoint, kNoThrow);
    co_return ConnectOutcome{cec ? ConnectStep::kConnectFailed : ConnectStep::kConnected, cec};
  }
  const std::string service = std::to_string(port);
  auto [rec, results] = co_await resolver.async_resolve(name, service, kNoThrow);
  if (rec || results.empty()) {
    co_return ConnectOutcome{ConnectStep::kResolveFailed,
                             rec ? rec : asio::error::make_error_code(asio::error::host_not_found)};
  }
  auto tryNext = [&abandoned](const boost::system::error_code&, const tcp::endpoint&) {
    return !abandoned();
  };
  auto [cec, endpoint] = co_await asio::async_connect(socket, results, tryNext, kNoThrow);
  (void)endpoint;
  co_return ConnectOutcome{cec ? ConnectStep::kConnectFailed : ConnectStep::kConnected, cec};
}

}  // namespace gw::net
