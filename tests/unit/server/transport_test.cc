#include "runtime/server/transport.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <array>
#include <chrono>
#include <string>
#include <thread>

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

TEST_F(TransportTest, WriteNowSendsAPlainWriteWithoutSuspending) {
  Pair p;
  std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n";
  std::array<asio::const_buffer, 2> bufs{asio::buffer(head), asio::buffer("body", 4)};
  boost::system::error_code ec;
  std::size_t n = p.server.writeNow(bufs, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(n, head.size() + 4);  // no io_context turn was needed
  std::string got(n, '\0');
  asio::read(p.client.socket(), asio::buffer(got));
  EXPECT_EQ(got, head + "body");
}

TEST_F(TransportTest, WriteRestFinishesWhatAFullSocketBufferLeft) {
  Pair p;
  // More than the socket buffers hold (the peer reads nothing until the loop runs); default
  // buffer sizes, as tiny ones make loopback TCP crawl on delayed ACKs.
  std::string a(4 << 20, 'a'), b(4 << 20, 'b');
  for (std::size_t i = 0; i < a.size(); i += 997) a[i] = static_cast<char>('0' + i % 10);
  std::array<asio::const_buffer, 2> bufs{asio::buffer(a), asio::buffer(b)};
  boost::system::error_code ec;
  std::size_t now = p.server.writeNow(bufs, ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_LT(now, a.size() + b.size());  // the socket took only a part
  std::size_t rest = 0;
  std::string got;
  asio::co_spawn(
      p.ioc,
      [&]() -> asio::awaitable<void> {
        auto [wec, wn] = co_await p.server.writeRest(bufs, now);
        EXPECT_FALSE(wec) << wec.message();
        rest = wn;
      },
      asio::detached);
  asio::co_spawn(
      p.ioc,
      [&]() -> asio::awaitable<void> {
        char buf[65536];
        while (got.size() < a.size() + b.size()) {
          auto [rec, n] = co_await p.client.readSome(asio::buffer(buf));
          if (rec) break;
          got.append(buf, n);
        }
      },
      asio::detached);
  p.ioc.run();
  EXPECT_EQ(now + rest, a.size() + b.size());
  EXPECT_TRUE(got == a + b);
}

TEST_F(TransportTest, WriteNowReportsAClosedPeerAsAnError) {
  Pair p;
  p.client.socket().set_option(asio::socket_base::linger(true, 0));  // close sends RST
  p.client.socket().close();
  boost::system::error_code ec;
  std::size_t n = 0;
  // The first write may still be accepted before the RST is seen; a later one fails.
  for (int i = 0; i < 100 && !ec; ++i) {
    n = p.server.writeNow(std::array<asio::const_buffer, 1>{asio::buffer("x", 1)}, ec);
    if (!ec) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(ec == asio::error::broken_pipe || ec == asio::error::connection_reset)
      << ec.message();
  EXPECT_EQ(n, 0u);
}

TEST_F(TransportTest, WriteNowLeavesTlsToTheAsyncWrite) {
  Pair p;
  Exchange x = handshakeAndEcho(p, serverContext(tls::ClientCertMode::kNone),
                                clientContext("ca.crt", ""), "a.example.test", "x");
  ASSERT_FALSE(x.serverEc) << x.serverEc.message();
  boost::system::error_code ec;
  EXPECT_EQ(p.server.writeNow(std::array<asio::const_buffer, 1>{asio::buffer("plain", 5)}, ec),
            0u);  // a plaintext byte on a TLS connection would corrupt the record stream
  EXPECT_FALSE(ec);
}

}  // namespace
}  // namespace gw::server
