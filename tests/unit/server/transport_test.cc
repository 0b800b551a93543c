#include "runtime/server/transport.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <string>

#include "tests/unit/tls/tls_fixture.h"

namespace gw::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using tls::testing::TlsTest;

/// Two connected Transports over loopback: `server` accepted, `client` connected.
struct Pair {
  asio::io_context ioc;
  Transport server{ioc.get_executor()};
  Transport client{ioc.get_executor()};

  Pair() {
    tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client.socket().connect(acceptor.local_endpoint());
    acceptor.accept(server.socket());
  }
};

std::shared_ptr<const tls::ServerTlsContext> serverContext(tls::ClientCertMode mode) {
  tls::ServerTlsConfig c;
  c.certificates.push_back({TlsTest::path("server-a.crt"), TlsTest::path("server-a.key")});
  c.client_ca_file = TlsTest::path("ca.crt");
  c.client_cert = mode;
  auto r = tls::ServerTlsContext::create(c);
  EXPECT_TRUE(r.ok()) << r.error;
  return r.value;
}

std::shared_ptr<const tls::UpstreamTlsContext> clientContext(const std::string& ca,
                                                             const std::string& cert) {
  tls::UpstreamTlsConfig c;
  c.ca_file = TlsTest::path(ca);
  if (!cert.empty()) {
    c.client_certificate = {TlsTest::path(cert + ".crt"), TlsTest::path(cert + ".key")};
  }
  auto r = tls::UpstreamTlsContext::create(c);
  EXPECT_TRUE(r.ok()) << r.error;
  return r.value;
}

/// Runs both handshakes, then sends `message` client -> server and echoes it back.
struct Exchange {
  boost::system::error_code serverEc, clientEc;
  std::string received, echoed;
};

Exchange handshakeAndEcho(Pair& p, std::shared_ptr<const tls::ServerTlsContext> server,
                          std::shared_ptr<const tls::UpstreamTlsContext> client,
                          const std::string& host, const std::string& message) {
  Exchange out;
  asio::co_spawn(
      p.ioc,
      [&]() -> asio::awaitable<void> {
        if (server) {
          out.serverEc = co_await p.server.acceptTls(server);
          if (out.serverEc) co_return;
        }
        char buf[256];
        auto [ec, n] = co_await p.server.readSome(asio::buffer(buf));
        out.received.assign(buf, n);
        co_await p.server.write(asio::buffer(out.received));
      },
      asio::detached);
  asio::co_spawn(
      p.ioc,
      [&]() -> asio::awaitable<void> {
        if (client) {
          out.clientEc = co_await p.client.connectTls(client, host);
          if (out.clientEc) {
            p.client.socket().close();
            co_return;
          }
        }
        co_await p.client.write(asio::buffer(message));
        char buf[256];
        auto [ec, n] = co_await p.client.readSome(asio::buffer(buf));
        out.echoed.assign(buf, n);
      },
      asio::detached);
  p.ioc.run();
  return out;
}

class TransportTest : public TlsTest {};

TEST_F(TransportTest, PlainTcpReadsAndWritesTheSocketDirectly) {
  Pair p;
  Exchange x = handshakeAndEcho(p, nullptr, nullptr, "", "hello");
  EXPECT_EQ(x.received, "hello");
  EXPECT_EQ(x.echoed, "hello");
  EXPECT_FALSE(p.server.secure());
  EXPECT_EQ(p.server.protocolVersion(), "");
  EXPECT_FALSE(p.server.peer().present);
}

TEST_F(TransportTest, TlsBothWaysWithClientCertificateIdentity) {
  Pair p;
  Exchange x = handshakeAndEcho(p, serverContext(tls::ClientCertMode::kRequired),
                                clientContext("ca.crt", "client"), "a.example.test", "ping");
  ASSERT_FALSE(x.serverEc) << x.serverEc.message();
  ASSERT_FALSE(x.clientEc) << x.clientEc.message();
  EXPECT_EQ(x.received, "ping");
  EXPECT_EQ(x.echoed, "ping");
  EXPECT_TRUE(p.server.secure() && p.client.secure());
  EXPECT_EQ(p.server.protocolVersion(), "TLSv1.3");
  EXPECT_EQ(p.server.alpn(), "http/1.1");
  EXPECT_EQ(p.client.alpn(), "http/1.1");
  const tls::PeerIdentity& peer = p.server.peer();
  EXPECT_TRUE(peer.present);
  EXPECT_TRUE(peer.verified);
  EXPECT_EQ(peer.common_name, "client-1");
  EXPECT_EQ(peer.sha256_fingerprint.size(), 64u);
}

TEST_F(TransportTest, OptionalModeWithoutCertificateHasNoIdentity) {
  Pair p;
  Exchange x = handshakeAndEcho(p, serverContext(tls::ClientCertMode::kOptional),
                                clientContext("ca.crt", ""), "a.example.test", "x");
  ASSERT_FALSE(x.serverEc) << x.serverEc.message();
  EXPECT_EQ(x.echoed, "x");
  EXPECT_FALSE(p.server.peer().present);
  EXPECT_FALSE(p.server.peer().verified);
}

TEST_F(TransportTest, ClientRejectsAServerNameTheCertificateDoesNotCover) {
  Pair p;
  Exchange x = handshakeAndEcho(p, serverContext(tls::ClientCertMode::kNone),
                                clientContext("ca.crt", ""), "wrong.example.test", "x");
  EXPECT_TRUE(x.clientEc);
  EXPECT_NE(p.client.handshakeFailure(x.clientEc), "");
  EXPECT_EQ(x.received, "");
}

TEST_F(TransportTest, ServerReportsWhyAClientCertificateFailed) {
  Pair p;
  Exchange x = handshakeAndEcho(p, serverContext(tls::ClientCertMode::kRequired),
                                clientContext("ca.crt", "expired-client"), "a.example.test", "x");
  ASSERT_TRUE(x.serverEc);
  EXPECT_EQ(p.server.handshakeFailure(x.serverEc), "certificate has expired");
}

}  // namespace
}  // namespace gw::server
