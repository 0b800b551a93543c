#include "runtime/tls/server_context.h"

#include <gtest/gtest.h>

#include "tests/unit/tls/tls_fixture.h"
#include "tests/unit/tls/tls_harness.h"

namespace gw::tls::testing {
namespace {

ServerTlsConfig twoCertificates() {
  ServerTlsConfig c;
  c.certificates.push_back({TlsTest::path("server-a.crt"), TlsTest::path("server-a.key")});
  c.certificates.push_back({TlsTest::path("server-b.crt"), TlsTest::path("server-b.key")});
  return c;
}

using ServerContext = TlsTest;

TEST_F(ServerContext, RejectsBadFiles) {
  ServerTlsConfig c;
  EXPECT_FALSE(ServerTlsContext::create(c).ok());
  c.certificates.push_back({path("missing.crt"), path("server-a.key")});
  auto r = ServerTlsContext::create(c);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("could not load certificate"), std::string::npos) << r.error;
  c.certificates[0] = {path("server-a.crt"), path("server-b.key")};
  r = ServerTlsContext::create(c);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("does not match"), std::string::npos) << r.error;
  c.certificates[0] = {path("server-a.crt"), path("server-a.key")};
  c.client_cert = ClientCertMode::kRequired;
  EXPECT_FALSE(ServerTlsContext::create(c).ok());  // no client_ca
}

TEST_F(ServerContext, NamesFromSans) {
  auto r = ServerTlsContext::create(twoCertificates());
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value->namesOf(0),
            (std::vector<std::string>{"a.example.test", "*.apps.example.test"}));
  EXPECT_EQ(r.value->namesOf(1), (std::vector<std::string>{"b.example.test"}));
  EXPECT_EQ(r.value->certificateFor("B.Example.Test"), 1u);
  EXPECT_EQ(r.value->certificateFor("x.apps.example.test"), 0u);
  EXPECT_EQ(r.value->certificateFor("unknown.test"), 0u);
}

TEST_F(ServerContext, Tls13WithAlpnHttp11) {
  auto r = ServerTlsContext::create(twoCertificates());
  ASSERT_TRUE(r.ok()) << r.error;
  ClientOptions o;
  o.sni = "a.example.test";
  o.ca_file = path("ca.crt");
  const auto out = connectOnce(*r.value, o);
  EXPECT_TRUE(out.server_ok) << out.server_error;
  EXPECT_TRUE(out.client_ok) << out.client_error;
  EXPECT_EQ(out.version, "TLSv1.3");
  EXPECT_EQ(out.alpn, "http/1.1");
  EXPECT_FALSE(out.client_identity.present);
}

TEST_F(ServerContext, Tls12) {
  auto r = ServerTlsContext::create(twoCertificates());
  ASSERT_TRUE(r.ok()) << r.error;
  ClientOptions o;
  o.sni = "b.example.test";
  o.ca_file = path("ca.crt");
  o.max_version = TLS1_2_VERSION;
  const auto out = connectOnce(*r.value, o);
  EXPECT_TRUE(out.client_ok) << out.client_error;
  EXPECT_EQ(out.version, "TLSv1.2");
  EXPECT_EQ(out.alpn, "http/1.1");
}

TEST_F(ServerContext, Tls11IsRefused) {
  auto r = ServerTlsContext::create(twoCertificates());
  ASSERT_TRUE(r.ok()) << r.error;
  ClientOptions o;
  o.max_version = TLS1_1_VERSION;
  const auto out = connectOnce(*r.value, o);
  EXPECT_FALSE(out.server_ok);
  EXPECT_FALSE(out.client_ok);
}

TEST_F(ServerContext, AlpnWithoutHttp11IsNotAcknowledged) {
  auto r = ServerTlsContext::create(twoCertificates());
  ASSERT_TRUE(r.ok()) << r.error;
  ClientOptions o;
  o.alpn = {"h2"};
  const auto out = connectOnce(*r.value, o);
  EXPECT_TRUE(out.client_ok) << out.client_error;
  EXPECT_EQ(out.alpn, "");
}

TEST_F(ServerContext, SniSelectsCertificate) {
  auto r = ServerTlsContext::create(twoCertificates());
  ASSERT_TRUE(r.ok()) << r.error;
  struct Case {
    std::string sni;
    std::string expected_cn;
  };
  for (const Case& c :
       {Case{"a.example.test", "a.example.test"}, Case{"b.example.test", "b.example.test"},
        Case{"B.EXAMPLE.TEST", "b.example.test"}, Case{"shop.apps.example.test", "a.example.test"},
        Case{"deep.shop.apps.example.test", "a.example.test"},  // default
        Case{"", "a.example.test"},                             // no SNI
        Case{"nobody.test", "a.example.test"}}) {
    ClientOptions o;
    o.sni = c.sni;
    o.ca_file = path("ca.crt");
    const auto out = connectOnce(*r.value, o);
    EXPECT_TRUE(out.client_ok) << c.sni << ": " << out.client_error;
    EXPECT_EQ(out.server_identity.common_name, c.expected_cn) << "sni " << c.sni;
  }
}

}  // namespace
}  // namespace gw::tls::testing
