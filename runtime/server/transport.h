#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <tuple>

#include "runtime/net/ready_io.h"
#include "runtime/tls/peer_identity.h"
#include "runtime/tls/server_context.h"
#include "runtime/tls/upstream_context.h"

namespace gw::server {

/// One byte stream of the serving core: a TCP socket, optionally wrapped in TLS. Used for the
/// client side (server handshake, mTLS identity) and the upstream side (client handshake with
/// SNI and verification). The read/write helpers branch once on "TLS or not" and return the
/// very same awaitable type either way, so the plaintext path costs what a bare socket costs:
/// no virtual call, no allocation, no extra coroutine frame. The TLS stream is allocated only
/// for TLS connections. Not movable (the TLS stream refers to the socket). Single-threaded.
class Transport {
 public:
  using Result = std::tuple<boost::system::error_code, std::size_t>;

  explicit Transport(boost::asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}
  explicit Transport(const boost::asio::any_io_executor& ex) : socket_(ex) {}
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  /// The TCP socket underneath (for connect, options, cancel, close). Cancelling it cancels a
  /// pending TLS operation too, which is how the Watchdog bounds handshakes.
  boost::asio::ip::tcp::socket& socket() { return socket_; }
  bool secure() const { return tls_ != nullptr; }

  /// Server side: TLS handshake with `context` (kept alive for the connection's life, its SNI
  /// callback points back at it). On success peer() holds the client certificate's identity.
  boost::asio::awaitable<boost::system::error_code> acceptTls(
      std::shared_ptr<const tls::ServerTlsContext> context);
  /// Client side: TLS handshake to an upstream; `host` is the server's host (SNI and the name
  /// verified unless the context configures another). `context` is kept for the connection.
  boost::asio::awaitable<boost::system::error_code> connectTls(
      std::shared_ptr<const tls::UpstreamTlsContext> context, std::string_view host);

  /// Reads what is available (at least one byte), like `async_read_some`. With
  /// kDrainedWhenShort, a plaintext read that returns less than the buffer holds lets the next
  /// read wait for epoll instead of first trying a recv() that would return EAGAIN, at the price
  /// of not seeing a FIN that came with these bytes before the next edge
  /// (runtime/net/ready_io.h): for a server's request reads, where that is harmless. With
  /// kDrainedPerInq on a socket with net::enableInq(), exact: for upstream reads.
  boost::asio::awaitable<Result> readSome(
      const boost::asio::mutable_buffer& buffer,
      net::ShortRead rule = net::ShortRead::kMayHaveMore) {
    auto token = boost::asio::as_tuple(boost::asio::use_awaitable);
    if (tls_) {
      return tls_->async_read_some(buffer, token);
    }
    if (rule == net::ShortRead::kMayHaveMore) {
      return socket_.async_read_some(buffer, token);
    }
    return net::asyncReadSome(socket_, reactor(), buffer, rule, token);
  }

  /// Reads what the TCP socket holds right now, without waiting: one non-blocking recv() (on
  /// the TCP socket even for TLS: for discarding input only). "Would block" is 0 bytes with
  /// `ec` clear; EOF is asio::error::eof. Sees a FIN that a kDrainedWhenShort read left unseen.
  std::size_t readNow(const boost::asio::mutable_buffer& buffer, boost::system::error_code& ec);

  /// Writes everything, like `asio::async_write`.
  template <typename ConstBuffers>
  boost::asio::awaitable<Result> write(const ConstBuffers& buffers) {
    auto token = boost::asio::as_tuple(boost::asio::use_awaitable);
    if (tls_) {
      return boost::asio::async_write(*tls_, buffers, token);
    }
    return boost::asio::async_write(socket_, buffers, token);
  }

  /// Writes what the socket takes right now, without waiting: one non-blocking sendmsg on a
  /// plaintext connection; a TLS connection writes nothing here (its records go through
  /// write()). Returns the bytes written; "would block" is not an error (0 bytes, `ec` clear).
  /// Why: a write that completes at once through write() still suspends the coroutine, posts
  /// its completion to the scheduler and resumes on the next loop turn; the socket buffer
  /// almost always takes a whole head and small body, so the common write costs the sendmsg
  /// alone. Finish a partial write with writeRest().
  std::size_t writeNow(std::span<const boost::asio::const_buffer> buffers,
                       boost::system::error_code& ec);
  /// write() of what writeNow() left: `buffers` without their first `skip` bytes. The result
  /// counts only the bytes written here.
  boost::asio::awaitable<Result> writeRest(std::span<const boost::asio::const_buffer> buffers,
                                           std::size_t skip);

  /// Ends the connection's sending side: TLS close_notify (then waits for the peer's, or its
  /// close; bound it with a Watchdog) or a TCP half-close.
  boost::asio::awaitable<boost::system::error_code> shutdownSend();

  /// The reactor serving the socket (looked up on the first use, then kept), for runtime/net's
  /// own reactor operations (net::PeerWatch).
  boost::asio::detail::reactor& reactor() {
    if (reactor_ == nullptr) {
      reactor_ = &net::reactorOf(socket_);
    }
    return *reactor_;
  }

  /// The client certificate of a server-side TLS connection (present=false otherwise).
  const tls::PeerIdentity& peer() const { return peer_; }
  /// Negotiated protocol ("TLSv1.3"), or empty for plain TCP.
  std::string_view protocolVersion() const;
  /// Negotiated ALPN protocol ("http/1.1"), or empty.
  std::string_view alpn() const;
  /// Why the last handshake failed, for the log: the certificate verification error when there
  /// was one ("certificate has expired"), else the TLS error text.
  std::string handshakeFailure(const boost::system::error_code& ec) const;

 private:
  using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>;

  boost::asio::ip::tcp::socket socket_;
  boost::asio::detail::reactor* reactor_ = nullptr;
  std::unique_ptr<TlsStream> tls_;
  std::shared_ptr<const tls::ServerTlsContext> serverContext_;
  std::shared_ptr<const tls::UpstreamTlsContext> upstreamContext_;
  tls::PeerIdentity peer_;
};

}  // namespace gw::server
