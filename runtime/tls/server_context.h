#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/tls/tls_config.h"

namespace gw::tls {

/// The TLS contexts of one listener: one SSL_CTX per certificate, all with the same protocol,
/// cipher, ALPN (`http/1.1`) and client-certificate settings. Streams are created with
/// context() (the first certificate); the SNI callback switches a handshake to the context
/// whose certificate names the requested host.
///
/// Immutable after create(); shared by every worker thread (OpenSSL contexts are thread-safe
/// for creating connections). A connection must hold the shared_ptr until its handshake is
/// done, because the SNI callback points back at this object; holding it for the connection's
/// life is simplest and is what makes reloads safe.
class ServerTlsContext {
 public:
  /// Loads certificates and keys and builds the contexts (off the request path).
  static TlsResult<ServerTlsContext> create(const ServerTlsConfig& config);

  ~ServerTlsContext();
  ServerTlsContext(const ServerTlsContext&) = delete;
  ServerTlsContext& operator=(const ServerTlsContext&) = delete;

  /// The context to construct `ssl::stream`s with (the default certificate's).
  boost::asio::ssl::context& context() const { return *contexts_.front(); }

  /// Index of the certificate serving `host` (exact SAN, then wildcard), or 0 (the default).
  std::size_t certificateFor(std::string_view host) const;
  /// Host names (lowercase; wildcards as "*.example.com") certificate i answers for.
  const std::vector<std::string>& namesOf(std::size_t i) const { return names_[i]; }
  std::size_t certificateCount() const { return contexts_.size(); }
  ClientCertMode clientCertMode() const { return client_cert_; }
  /// The listener's `handshake_timeout`; 0: the server's default.
  std::chrono::milliseconds handshakeTimeout() const { return handshake_timeout_; }

 private:
  ServerTlsContext() = default;
  static int onServerName(SSL* ssl, int* alert, void* arg);

  std::vector<std::unique_ptr<boost::asio::ssl::context>> contexts_;
  std::vector<std::vector<std::string>> names_;
  std::unordered_map<std::string, std::size_t> exact_;
  std::unordered_map<std::string, std::size_t> wildcard_;  // key: the part after "*."
  ClientCertMode client_cert_ = ClientCertMode::kNone;
  std::chrono::milliseconds handshake_timeout_{0};
};

}  // namespace gw::tls
