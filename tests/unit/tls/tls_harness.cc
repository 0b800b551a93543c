#include "tests/unit/tls/tls_harness.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <future>

namespace gw::tls::testing {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

std::vector<unsigned char> alpnWire(const std::vector<std::string>& protocols) {
  std::vector<unsigned char> wire;
  for (const auto& p : protocols) {
    wire.push_back(static_cast<unsigned char>(p.size()));
    wire.insert(wire.end(), p.begin(), p.end());
  }
  return wire;
}

void configureClient(ssl::context& ctx, const ClientOptions& o) {
  SSL_CTX* native = ctx.native_handle();
  if (o.max_version != 0) {
    SSL_CTX_set_max_proto_version(native, o.max_version);
  }
  if (!o.ca_file.empty()) {
    SSL_CTX_load_verify_locations(native, o.ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(native, SSL_VERIFY_PEER, nullptr);
  }
  if (!o.cert_file.empty()) {
    SSL_CTX_use_certificate_chain_file(native, o.cert_file.c_str());
    SSL_CTX_use_PrivateKey_file(native, o.key_file.c_str(), SSL_FILETYPE_PEM);
  }
  if (!o.alpn.empty()) {
    const auto wire = alpnWire(o.alpn);
    SSL_CTX_set_alpn_protos(native, wire.data(), static_cast<unsigned>(wire.size()));
  }
}

}  // namespace

HandshakeOutcome connectOnce(const ServerTlsContext& server, const ClientOptions& options,
                             const UpstreamTlsContext* upstream, const std::string& upstream_host) {
  HandshakeOutcome out;
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const tcp::endpoint endpoint = acceptor.local_endpoint();

  auto server_side = std::async(std::launch::async, [&] {
    ssl::stream<tcp::socket> stream(io, server.context());
    error_code ec;
    acceptor.accept(stream.next_layer(), ec);
    if (!ec) {
      stream.handshake(ssl::stream_base::server, ec);
    }
    out.server_verify_result = verifyResultText(stream.native_handle());
    if (ec) {
      out.server_error = ec.message();
      return;
    }
    out.server_ok = true;
    SSL* ssl = stream.native_handle();
    out.client_identity = peerIdentity(ssl);
    const unsigned char* proto = nullptr;
    unsigned int len = 0;
    SSL_get0_alpn_selected(ssl, &proto, &len);
    out.alpn.assign(reinterpret_cast<const char*>(proto), len);
    out.version = SSL_get_version(ssl);
    char buf[5];
    asio::read(stream, asio::buffer(buf), ec);
    if (!ec) {
      asio::write(stream, asio::buffer("pong\n", 5), ec);
    }
    stream.shutdown(ec);
  });

  ssl::context own(ssl::context::tls_client);
  configureClient(own, options);
  ssl::stream<tcp::socket> client(io, upstream != nullptr ? upstream->context() : own);
  error_code ec;
  client.next_layer().connect(endpoint, ec);
  if (!ec && upstream != nullptr) {
    const std::string error = upstream->prepare(client.native_handle(), upstream_host);
    if (!error.empty()) {
      out.client_error = error;
    }
  } else if (!ec && !options.sni.empty()) {
    SSL_set_tlsext_host_name(client.native_handle(), options.sni.c_str());
  }
  if (!ec) {
    client.handshake(ssl::stream_base::client, ec);
  }
  if (!ec) {
    out.server_identity =
        identityFromCertificate(SSL_get0_peer_certificate(client.native_handle()));
    // TLS 1.3 clients finish before the server has judged their certificate: the verdict shows
    // up on the first read, so a round trip is part of "the client got through".
    asio::write(client, asio::buffer("ping\n", 5), ec);
  }
  char reply[5] = {};
  if (!ec) {
    asio::read(client, asio::buffer(reply), ec);
  }
  if (ec) {
    out.client_error = ec.message();
  } else {
    out.client_ok = std::string(reply, 5) == "pong\n";
  }
  error_code ignored;
  client.next_layer().close(ignored);
  server_side.get();
  return out;
}

}  // namespace gw::tls::testing
