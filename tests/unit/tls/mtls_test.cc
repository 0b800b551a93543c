#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "runtime/tls/server_context.h"
#include "tests/unit/tls/tls_fixture.h"
#include "tests/unit/tls/tls_harness.h"

namespace gw::tls::testing {
namespace {

class Mtls : public TlsTest {
 protected:
  std::shared_ptr<ServerTlsContext> server(ClientCertMode mode) {
    ServerTlsConfig c;
    c.certificates.push_back({path("server-a.crt"), path("server-a.key")});
    c.certificates.push_back({path("server-b.crt"), path("server-b.key")});
    c.client_ca_file = path("ca.crt");
    c.client_cert = mode;
    auto r = ServerTlsContext::create(c);
    EXPECT_TRUE(r.ok()) << r.error;
    return r.value;
  }
  static ClientOptions client(const std::string& name, int max_version = 0) {
    ClientOptions o;
    o.sni = "b.example.test";  // also checks that mTLS survives the SNI context switch
    o.ca_file = path("ca.crt");
    o.max_version = max_version;
    if (!name.empty()) {
      o.cert_file = path(name + ".crt");
      o.key_file = path(name + ".key");
    }
    return o;
  }
};

TEST_F(Mtls, RequiredAcceptsGoodClientAndExtractsIdentity) {
  auto s = server(ClientCertMode::kRequired);
  ASSERT_TRUE(s);
  for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    const auto out = connectOnce(*s, client("client", version));
    ASSERT_TRUE(out.client_ok) << out.client_error << " / " << out.server_error;
    const PeerIdentity& id = out.client_identity;
    EXPECT_TRUE(id.present);
    EXPECT_TRUE(id.verified);
    EXPECT_EQ(id.common_name, "client-1");
    EXPECT_EQ(id.issuer, "CN=gw test CA");
    EXPECT_EQ(id.sans, (std::vector<SubjectAltName>{
                           {SubjectAltName::Type::kDns, "client.acme.test"},
                           {SubjectAltName::Type::kUri, "spiffe://acme.test/svc/billing"},
                           {SubjectAltName::Type::kEmail, "ops@acme.test"},
                           {SubjectAltName::Type::kIp, "10.1.2.3"},
                           {SubjectAltName::Type::kIp, "2001:db8::7"}}));
  }
}

TEST_F(Mtls, IdentityMatchesOpensslCli) {
  auto s = server(ClientCertMode::kRequired);
  ASSERT_TRUE(s);
  const auto out = connectOnce(*s, client("client"));
  ASSERT_TRUE(out.client_ok) << out.client_error;
  // "sha256 Fingerprint=AB:CD:..." -> "abcd..."
  std::string fp = certs().run("openssl x509 -in client.crt -noout -fingerprint -sha256");
  fp = fp.substr(fp.find('=') + 1);
  std::erase_if(fp, [](char c) { return c == ':' || c == '\n'; });
  std::transform(fp.begin(), fp.end(), fp.begin(), [](unsigned char c) { return std::tolower(c); });
  ASSERT_EQ(fp.size(), 64u);
  EXPECT_EQ(out.client_identity.sha256_fingerprint, fp);
  std::string subject = certs().run("openssl x509 -in client.crt -noout -subject -nameopt RFC2253");
  subject = subject.substr(subject.find('=') + 1);
  subject.pop_back();  // newline
  EXPECT_EQ(out.client_identity.subject, subject);
  EXPECT_EQ(out.client_identity.subject, "CN=client-1,OU=Billing,O=Acme Corp");
  std::string serial = certs().run("openssl x509 -in client.crt -noout -serial");
  serial = serial.substr(serial.find('=') + 1);
  serial.pop_back();
  EXPECT_EQ(out.client_identity.serial_hex, serial);
}

TEST_F(Mtls, RequiredRejectsMissingWrongCaAndExpired) {
  auto s = server(ClientCertMode::kRequired);
  ASSERT_TRUE(s);
  for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    for (const std::string name : {"", "rogue-client", "expired-client"}) {
      const auto out = connectOnce(*s, client(name, version));
      EXPECT_FALSE(out.server_ok) << "client cert `" << name << "` version " << version;
      EXPECT_FALSE(out.client_ok) << "client cert `" << name << "` version " << version;
      // Refused for the right reason, not because of some unrelated handshake problem.
      const std::string expected =
          name.empty() ? "peer did not return a certificate" : "certificate verify failed";
      EXPECT_NE(out.server_error.find(expected), std::string::npos) << out.server_error;
      if (name == "expired-client") {
        EXPECT_EQ(out.server_verify_result, "certificate has expired");
      } else if (name == "rogue-client") {
        EXPECT_EQ(out.server_verify_result, "unable to get local issuer certificate");
      }
    }
  }
}

TEST_F(Mtls, OptionalAllowsNoCertButRejectsBadOnes) {
  auto s = server(ClientCertMode::kOptional);
  ASSERT_TRUE(s);
  auto out = connectOnce(*s, client(""));
  EXPECT_TRUE(out.client_ok) << out.client_error;
  EXPECT_FALSE(out.client_identity.present);
  out = connectOnce(*s, client("client"));
  EXPECT_TRUE(out.client_ok) << out.client_error;
  EXPECT_TRUE(out.client_identity.verified);
  EXPECT_FALSE(connectOnce(*s, client("rogue-client")).client_ok);
  EXPECT_FALSE(connectOnce(*s, client("expired-client")).client_ok);
}

TEST_F(Mtls, ExpiredCertificateReallyIsExpired) {
  // Guards the test PKI itself: the "expired" certificate must be expired, not broken.
  const std::string dates = certs().run("openssl x509 -in expired-client.crt -noout -enddate");
  EXPECT_NE(dates.find("Jan  2 00:00:00 2020 GMT"), std::string::npos) << dates;
  const std::string verify =
      certs().run("openssl verify -CAfile ca.crt expired-client.crt 2>&1 || true");
  EXPECT_NE(verify.find("certificate has expired"), std::string::npos) << verify;
}

}  // namespace
}  // namespace gw::tls::testing
