#include "runtime/server/transport.h"

#include <openssl/err.h>
#include <openssl/x509.h>

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
