#include "runtime/server/transport.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace gw::server {

namespace asio = boost::asio;
namespace ssl = asio::ssl;

Transport::~Transport() = default;

asio::awaitable<boost::system::error_code> Transport::acceptTls(
    std::shared_ptr<const tls::ServerTlsContext> context) {
  serverContext_ = std::move(context);
  tls_ = std::make_unique<TlsStream>(socket_, serverContext_->context());
  auto [ec] = co_await tls_->async_handshake(ssl::stream_base::server,
                                             asio::as_tuple(asio::use_awaitable));
  if (!ec) {
    SSL* ssl = tls_->native_handle();
    peer_ = tls::peerIdentity(ssl);
    // The handshake fails on a certificate that does not verify, so a present certificate is
    // a verified one; checked again rather than assumed.
    peer_.verified = peer_.present && SSL_get_verify_result(ssl) == X509_V_OK;
  }
  co_return ec;
}

asio::awaitable<boost::system::error_code> Transport::connectTls(
    std::shared_ptr<const tls::UpstreamTlsContext> context, std::string_view host) {
  upstreamContext_ = std::move(context);
  tls_ = std::make_unique<TlsStream>(socket_, upstreamContext_->context());
  if (!upstreamContext_->prepare(tls_->native_handle(), host).empty()) {
    co_return asio::error::invalid_argument;
  }
  auto [ec] = co_await tls_->async_handshake(ssl::stream_base::client,
                                             asio::as_tuple(asio::use_awaitable));
  co_return ec;
}

std::size_t Transport::readNow(const asio::mutable_buffer& buffer,
                               boost::system::error_code& ec) {
  ec.clear();
  ssize_t n = ::recv(socket_.native_handle(), buffer.data(), buffer.size(), MSG_DONTWAIT);
  if (n > 0) {
    return static_cast<std::size_t>(n);
  }
  if (n == 0) {
    ec = asio::error::eof;
  } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    ec = boost::system::error_code(errno, asio::error::get_system_category());
  }
  return 0;
}

std::size_t Transport::writeNow(std::span<const asio::const_buffer> buffers,
                                boost::system::error_code& ec) {
  ec.clear();
  if (tls_) {
    return 0;
  }
  // The hot paths gather at most a head and a body; a longer sequence sends its first part
  // now and the rest through writeRest().
  constexpr std::size_t kMaxIov = 16;
  iovec iov[kMaxIov];
  std::size_t count = std::min(buffers.size(), kMaxIov);
  for (std::size_t i = 0; i < count; ++i) {
    iov[i].iov_base = const_cast<void*>(buffers[i].data());
    iov[i].iov_len = buffers[i].size();
  }
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = count;
  while (true) {
    // MSG_NOSIGNAL as Asio sends: a closed peer is an EPIPE error, not a SIGPIPE.
    ssize_t n = ::sendmsg(socket_.native_handle(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) {
      return static_cast<std::size_t>(n);
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      ec.assign(errno, asio::error::get_system_category());
    }
    return 0;
  }
}

asio::awaitable<Transport::Result> Transport::writeRest(
    std::span<const asio::const_buffer> buffers, std::size_t skip) {
  std::vector<asio::const_buffer> rest;  // the slow path (a full socket buffer): may allocate
  rest.reserve(buffers.size());
  for (const asio::const_buffer& b : buffers) {
    if (skip >= b.size()) {
      skip -= b.size();
      continue;
    }
    rest.push_back(b + skip);
    skip = 0;
  }
  auto [ec, n] = co_await write(rest);
  co_return Result{ec, n};
}

asio::awaitable<boost::system::error_code> Transport::shutdownSend() {
  boost::system::error_code ec;
  if (tls_) {
    auto [sec] = co_await tls_->async_shutdown(asio::as_tuple(asio::use_awaitable));
    co_return sec;
  }
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  co_return ec;
}

std::string_view Transport::protocolVersion() const {
  return tls_ ? SSL_get_version(tls_->native_handle()) : std::string_view();
}

std::string_view Transport::alpn() const {
  if (!tls_) {
    return {};
  }
  const unsigned char* data = nullptr;
  unsigned int len = 0;
  SSL_get0_alpn_selected(tls_->native_handle(), &data, &len);
  return {reinterpret_cast<const char*>(data), len};
}

std::string Transport::handshakeFailure(const boost::system::error_code& ec) const {
  if (tls_ && SSL_get_verify_result(tls_->native_handle()) != X509_V_OK) {
    return tls::verifyResultText(tls_->native_handle());
  }
  return ec.message();
}

}  // namespace gw::server
