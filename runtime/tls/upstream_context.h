#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/tls/tls_config.h"

namespace gw::tls {

/// TLS client context for connections to one upstream: TLS 1.2+, the CA file as the only trust
/// anchor, ALPN offering `http/1.1`, optional client certificate. Immutable after create();
/// shared by all worker threads.
class UpstreamTlsContext {
 public:
  static TlsResult<UpstreamTlsContext> create(const UpstreamTlsConfig& config);

  /// The context to construct upstream `ssl::stream`s with.
  boost::asio::ssl::context& context() const { return *context_; }

  /// Prepares a new connection's SSL before the handshake: sets SNI (unless `host` is an IP
  /// literal) and, when verifying, the name or IP the certificate must match. `host` is the
  /// upstream host; the configured server_name overrides it. Returns an error message or empty.
  std::string prepare(SSL* ssl, std::string_view host) const;

  bool verifies() const { return verify_; }

 private:
  UpstreamTlsContext() = default;

  std::unique_ptr<boost::asio::ssl::context> context_;
  std::string server_name_;
  bool verify_ = true;
};

}  // namespace gw::tls
