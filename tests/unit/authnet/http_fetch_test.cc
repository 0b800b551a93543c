// httpFetch against a real server process: framings, status codes, size cap, timeouts,
// refused connections and https with a CA made by openssl at test time.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/authnet/http_fetch.h"
#include "tests/unit/authnet/auth_test_server.h"
#include "tests/unit/authnet/test_support.h"

namespace gw::authnet {
namespace {

using testing::AuthTestServer;
using testing::LoopThread;

const nlohmann::json kDoc = {{"keys", nlohmann::json::array()}, {"note", "hello"}};

FetchRequest get(const std::string& url) {
  std::string error;
  FetchRequest request;
  auto parsed = parseFetchUrl(url, error);
  EXPECT_TRUE(parsed) << error;
  request.url = parsed.value_or(FetchUrl{});
  return request;
}

class HttpFetchTest : public ::testing::Test {
 protected:
  HttpFetchTest() : server_(dir_.path()) { server_.setJwks(kDoc); }

  FetchResponse fetch(const std::string& pathAndQuery, FetchOptions options = {}) {
    return loop_.await(httpFetch(get(server_.base() + pathAndQuery), options, nullptr));
  }

  auth::testing::TempDir dir_;
  AuthTestServer server_;
  LoopThread loop_;
};

TEST_F(HttpFetchTest, EveryFraming) {
  for (const char* framing : {"length", "chunked", "close"}) {
    FetchResponse r = fetch(std::string("/jwks?max_age=42&framing=") + framing);
    ASSERT_TRUE(r.ok()) << framing << ": " << r.detail;
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(nlohmann::json::parse(r.body), kDoc) << framing;
    EXPECT_EQ(r.maxAgeSeconds, 42);
  }
  EXPECT_EQ(server_.count("jwks"), 3);
}

TEST_F(HttpFetchTest, StatusCodesAreReturnedNotErrors) {
  FetchResponse r = fetch("/nope");
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.status, 404);
  server_.setJwksStatus(503);
  r = fetch("/jwks");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.status, 503);
}

TEST_F(HttpFetchTest, BodyCap) {
  FetchOptions options;
  options.maxBodyBytes = 4096;
  EXPECT_TRUE(fetch("/jwks?pad=4000", options).ok());
  for (const char* framing : {"length", "chunked", "close"}) {
    FetchResponse r = fetch(std::string("/jwks?pad=5000&framing=") + framing, options);
    EXPECT_EQ(r.error, FetchError::kTooLarge) << framing;
    EXPECT_TRUE(r.body.empty());
  }
}

TEST_F(HttpFetchTest, TotalTimeout) {
  FetchOptions options;
  options.totalTimeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  FetchResponse r = fetch("/jwks?delay=3", options);
  EXPECT_EQ(r.error, FetchError::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(HttpFetchTest, RefusedConnection) {
  const std::string base = server_.base();
  server_.kill();
  FetchResponse r = loop_.await(httpFetch(get(base + "/jwks"), {}, nullptr));
  EXPECT_EQ(r.error, FetchError::kConnect) << r.detail;
}

TEST_F(HttpFetchTest, ConnectTimeoutAgainstFullBacklog) {
  // A listener that never accepts, its backlog filled by non-blocking connects: further SYNs are
  // dropped, so our connect hangs until the connect timeout (an unroutable address might be
  // rejected at once in the sandbox, so the test builds its own black hole).
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 0), 0);
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::vector<int> fillers;
  for (int i = 0; i < 8; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    (void)::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    fillers.push_back(fd);
  }
  FetchOptions options;
  options.connectTimeout = std::chrono::milliseconds(200);
  options.totalTimeout = std::chrono::milliseconds(1000);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  const auto start = std::chrono::steady_clock::now();
  FetchResponse r = loop_.await(httpFetch(get(url + "/jwks"), options, nullptr));
  const auto took = std::chrono::steady_clock::now() - start;
  for (int fd : fillers) {
    ::close(fd);
  }
  ::close(listener);
  EXPECT_EQ(r.error, FetchError::kTimeout) << fetchErrorName(r.error) << " " << r.detail;
  EXPECT_LT(took, std::chrono::milliseconds(1500));
}

TEST_F(HttpFetchTest, ResolvesHostNames) {
  FetchResponse r = loop_.await(httpFetch(
      get("http://localhost:" + std::to_string(server_.port()) + "/jwks"), {}, nullptr));
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.status, 200);
}

TEST_F(HttpFetchTest, PostSendsFormBodyAndAuthorization) {
  server_.setToken("tok", {{"json", {{"active", true}, {"sub", "alice"}}}});
  FetchRequest request = get(server_.base() + "/introspect");
  request.method = "POST";
  request.body = "token=tok";
  request.contentType = "application/x-www-form-urlencoded";
  request.authorization = "Basic Z3c6czNjcmV0";  // gw:s3cret
  FetchResponse r = loop_.await(httpFetch(request, {}, nullptr));
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["sub"], "alice");
  request.authorization = "Basic d3Jvbmc6d3Jvbmc=";
  EXPECT_EQ(loop_.await(httpFetch(request, {}, nullptr)).status, 401);
}

class HttpsFetchTest : public ::testing::Test {
 protected:
  HttpsFetchTest() : pki_(pkiDir_), server_(dir_.path(), pki_.certFile, pki_.keyFile) {
    server_.setJwks(kDoc);
  }
  auth::testing::TempDir pkiDir_;
  testing::TestPki pki_;
  auth::testing::TempDir dir_;
  AuthTestServer server_;
  LoopThread loop_;
};

TEST_F(HttpsFetchTest, VerifiesAgainstConfiguredCa) {
  std::string error;
  auto tls = makeFetchTlsContext(pki_.caFile, error);
  ASSERT_TRUE(tls) << error;
  for (const char* framing : {"length", "chunked"}) {
    FetchResponse r = loop_.await(
        httpFetch(get(server_.base() + "/jwks?framing=" + framing), {}, tls));
    ASSERT_TRUE(r.ok()) << r.detail;
    EXPECT_EQ(nlohmann::json::parse(r.body), kDoc);
  }
  // By IP literal: the certificate's IP SAN is checked instead of a name.
  FetchResponse r = loop_.await(httpFetch(
      get("https://127.0.0.1:" + std::to_string(server_.port()) + "/jwks"), {}, tls));
  EXPECT_TRUE(r.ok()) << r.detail;
}

TEST_F(HttpsFetchTest, RejectsUntrustedCertificate) {
  std::string error;
  for (const std::string& ca : {pki_.otherCaFile, std::string()}) {  // "" = system bundle
    auto tls = makeFetchTlsContext(ca, error);
    ASSERT_TRUE(tls) << error;
    FetchResponse r = loop_.await(httpFetch(get(server_.base() + "/jwks"), {}, tls));
    EXPECT_EQ(r.error, FetchError::kTls) << r.detail;
  }
  EXPECT_EQ(server_.count("jwks"), 0);
}

TEST_F(HttpsFetchTest, HttpsWithoutContextIsAnError) {
  FetchResponse r = loop_.await(httpFetch(get(server_.base() + "/jwks"), {}, nullptr));
  EXPECT_EQ(r.error, FetchError::kTls);
}

TEST(FetchTlsContextTest, MissingCaFileFails) {
  std::string error;
  EXPECT_FALSE(makeFetchTlsContext("/nonexistent/ca.pem", error));
  EXPECT_NE(error.find("/nonexistent/ca.pem"), std::string::npos) << error;
}

}  // namespace
}  // namespace gw::authnet
