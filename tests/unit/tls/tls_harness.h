#pragma once

#include <boost/asio/ssl.hpp>
#include <string>
#include <vector>

#include "runtime/tls/peer_identity.h"
#include "runtime/tls/server_context.h"
#include "runtime/tls/upstream_context.h"

namespace gw::tls::testing {

/// How the test client connects.
struct ClientOptions {
  std::string sni;        ///< empty: send no SNI
  std::string ca_file;    ///< empty: do not verify the server
  int max_version = 0;    ///< e.g. TLS1_2_VERSION; 0 = library maximum
  std::string cert_file;  ///< client certificate (mTLS), optional
  std::string key_file;
  std::vector<std::string> alpn{"http/1.1"};
};

/// What both ends saw of one connection.
struct HandshakeOutcome {
  bool server_ok = false;
  std::string server_error;
  std::string server_verify_result;  ///< verifyResultText() on the server side
  bool client_ok = false;  ///< client handshake and one request/response round trip worked
  std::string client_error;
  PeerIdentity client_identity;  ///< as the server extracted it
  PeerIdentity server_identity;  ///< the certificate the client received
  std::string alpn;              ///< negotiated protocol, as the server saw it
  std::string version;           ///< "TLSv1.2" / "TLSv1.3"
};

/// One in-process connection: a blocking Asio TLS server on 127.0.0.1:0 using `server`, and a
/// client configured by `options` (or by `upstream` when given), exchanging "ping"/"pong".
HandshakeOutcome connectOnce(const ServerTlsContext& server, const ClientOptions& options,
                             const UpstreamTlsContext* upstream = nullptr,
                             const std::string& upstream_host = {});

}  // namespace gw::tls::testing
