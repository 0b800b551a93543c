#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <future>

#include "runtime/tls/tls_context_set.h"
#include "tests/unit/tls/tls_fixture.h"
#include "tests/unit/tls/tls_harness.h"

namespace gw::tls::testing {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using boost::system::error_code;

class UpstreamTls : public TlsTest {
 protected:
  std::shared_ptr<ServerTlsContext> server() {
    ServerTlsConfig c;
    c.certificates.push_back({path("server-a.crt"), path("server-a.key")});
    c.certificates.push_back({path("server-b.crt"), path("server-b.key")});
    auto r = ServerTlsContext::create(c);
    EXPECT_TRUE(r.ok()) << r.error;
    return r.value;
  }
  std::shared_ptr<UpstreamTlsContext> upstream(const std::string& ca, std::string sni = {},
                                               bool verify = true) {
    UpstreamTlsConfig c;
    c.ca_file = ca.empty() ? std::string() : path(ca);
    c.server_name = std::move(sni);
    c.verify = verify;
    auto r = UpstreamTlsContext::create(c);
    EXPECT_TRUE(r.ok()) << r.error;
    return r.value;
  }
};

TEST_F(UpstreamTls, VerifiesChainAndHostAndSendsSni) {
  auto s = server();
  auto up = upstream("ca.crt");
  auto out = connectOnce(*s, {}, up.get(), "b.example.test");
  EXPECT_TRUE(out.client_ok) << out.client_error;
  EXPECT_EQ(out.server_identity.common_name, "b.example.test");  // SNI picked certificate B
  EXPECT_EQ(out.alpn, "http/1.1");
  // Wildcard SAN of certificate A.
  out = connectOnce(*s, {}, up.get(), "api.apps.example.test");
  EXPECT_TRUE(out.client_ok) << out.client_error;
  // An IP upstream: no SNI, so the default certificate (A), which has no IP SAN.
  out = connectOnce(*s, {}, up.get(), "127.0.0.1");
  EXPECT_FALSE(out.client_ok);
}

TEST_F(UpstreamTls, ServerNameOverrideAndIpSan) {
  auto s = server();
  auto out = connectOnce(*s, {}, upstream("ca.crt", "b.example.test").get(), "127.0.0.1");
  EXPECT_TRUE(out.client_ok) << out.client_error;
}

TEST_F(UpstreamTls, RejectsWrongHostAndUntrustedCa) {
  auto s = server();
  // SNI for an unknown name gets the default certificate, whose names do not match.
  auto out = connectOnce(*s, {}, upstream("ca.crt").get(), "wrong.example.test");
  EXPECT_FALSE(out.client_ok);
  out = connectOnce(*s, {}, upstream("other-ca.crt").get(), "a.example.test");
  EXPECT_FALSE(out.client_ok);
  // No ca: the system trust store, which does not know the test CA.
  out = connectOnce(*s, {}, upstream("").get(), "a.example.test");
  EXPECT_FALSE(out.client_ok);
  // verify=false is explicit opt-out (labs): anything goes.
  out = connectOnce(*s, {}, upstream("", {}, false).get(), "wrong.example.test");
  EXPECT_TRUE(out.client_ok) << out.client_error;
}

TEST_F(UpstreamTls, ConfigErrors) {
  UpstreamTlsConfig c;
  auto system = UpstreamTlsContext::create(c);  // verify without ca: the system trust store
  EXPECT_TRUE(system.ok()) << system.error;
  c.ca_file = path("nope.crt");
  EXPECT_FALSE(UpstreamTlsContext::create(c).ok());
}

using Reload = TlsTest;

TEST_F(Reload, SwapKeepsLiveConnectionsOnTheirContext) {
  // What a policy generation does: build a new set, publish it only when it built.
  std::shared_ptr<const TlsContextSet> current;
  TlsSetConfig v1;
  v1.listeners["public"].certificates.push_back({path("server-a.crt"), path("server-a.key")});
  auto first = TlsContextSet::build(v1);
  ASSERT_TRUE(first.ok()) << first.error;
  current = first.value;

  // A live connection made with generation 1; it holds its context's shared_ptr.
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  std::shared_ptr<const ServerTlsContext> held = current->listener("public");
  auto server_side = std::async(std::launch::async, [&, held] {
    ssl::stream<tcp::socket> stream(io, held->context());
    error_code ec;
    acceptor.accept(stream.next_layer(), ec);
    stream.handshake(ssl::stream_base::server, ec);
    char c = 0;
    int echoed = 0;
    while (!ec && asio::read(stream, asio::buffer(&c, 1), ec) == 1) {
      asio::write(stream, asio::buffer(&c, 1), ec);
      ++echoed;
    }
    return echoed;
  });
  held.reset();
  ssl::context client_ctx(ssl::context::tls_client);
  ssl::stream<tcp::socket> client(io, client_ctx);
  error_code ec;
  client.next_layer().connect(acceptor.local_endpoint(), ec);
  client.handshake(ssl::stream_base::client, ec);
  ASSERT_FALSE(ec) << ec.message();
  char c = 'x';
  asio::write(client, asio::buffer("1", 1), ec);
  asio::read(client, asio::buffer(&c, 1), ec);
  EXPECT_EQ(c, '1');

  // Reload with the other certificate; then a broken reload, which must change nothing.
  TlsSetConfig v2;
  v2.listeners["public"].certificates.push_back({path("server-b.crt"), path("server-b.key")});
  auto second = TlsContextSet::build(v2);
  ASSERT_TRUE(second.ok()) << second.error;
  current = second.value;
  TlsSetConfig broken;
  broken.listeners["public"].certificates.push_back({path("server-b.crt"), path("missing.key")});
  auto failed = TlsContextSet::build(broken);
  EXPECT_FALSE(failed.ok());
  EXPECT_NE(failed.error.find("listener `public`"), std::string::npos) << failed.error;

  // The old connection keeps working on its old context.
  asio::write(client, asio::buffer("2", 1), ec);
  asio::read(client, asio::buffer(&c, 1), ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(c, '2');
  client.next_layer().close(ec);
  EXPECT_EQ(server_side.get(), 2);

  // New connections get the new certificate.
  const auto out = connectOnce(*current->listener("public"), {});
  EXPECT_TRUE(out.client_ok) << out.client_error;
  EXPECT_EQ(out.server_identity.common_name, "b.example.test");
  EXPECT_EQ(current->listener("other"), nullptr);
}

}  // namespace
}  // namespace gw::tls::testing
