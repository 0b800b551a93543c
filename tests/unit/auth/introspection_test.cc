#include "runtime/auth/introspection.h"

#include <gtest/gtest.h>

#include "tests/unit/auth/openssl_cli.h"

namespace gw::auth::testing {
namespace {

constexpr UnixSeconds kNow = 1'700'000'000;

IntrospectionConfig config() { return {.provider = "sessions", .rolesClaim = "roles"}; }

TEST(Introspection, ActiveResponseBecomesIdentity) {
  // RFC 7662 section 2.2 example, plus roles and a nested claim.
  const std::string body = R"({
    "active": true, "client_id": "l238j323ds-23ij4", "username": "jdoe",
    "scope": "read write dolphin", "sub": "Z5O3upPC88QrAjx00dis", "aud": "https://protected.example.net/resource",
    "iss": "https://server.example.com/", "exp": 1700003600, "iat": 1419350238,
    "roles": ["admin"], "org": {"id": "acme"}})";
  const auto verdict = parseIntrospectionResponse(body, config(), kNow);
  ASSERT_EQ(verdict.error, AuthError::kOk);
  EXPECT_EQ(verdict.identity->provider, "sessions");
  EXPECT_EQ(verdict.identity->subject, "Z5O3upPC88QrAjx00dis");
  EXPECT_EQ(verdict.identity->scopes, (std::vector<std::string>{"read", "write", "dolphin"}));
  EXPECT_EQ(verdict.identity->roles, (std::vector<std::string>{"admin"}));
  EXPECT_EQ(verdict.identity->expiry, 1700003600);
  EXPECT_EQ(*verdict.identity->claim("org.id"), "acme");
  EXPECT_EQ(*verdict.identity->claim("client_id"), "l238j323ds-23ij4");
}

TEST(Introspection, SubjectFallsBackToUsernameThenClientId) {
  auto subject = [](const std::string& body) {
    return parseIntrospectionResponse(body, config(), kNow).identity->subject;
  };
  EXPECT_EQ(subject(R"({"active":true,"username":"jdoe","client_id":"c"})"), "jdoe");
  EXPECT_EQ(subject(R"({"active":true,"client_id":"svc"})"), "svc");
}

TEST(Introspection, InactiveExpiredAndBrokenResponses) {
  auto error = [](const std::string& body) {
    return parseIntrospectionResponse(body, config(), kNow).error;
  };
  EXPECT_EQ(error(R"({"active":false})"), AuthError::kInactive);
  EXPECT_EQ(error(R"({"active":"true","sub":"x"})"), AuthError::kInactive);
  EXPECT_EQ(error(R"({"sub":"x"})"), AuthError::kInactive);
  EXPECT_EQ(error(R"({"active":true,"exp":1600000000})"), AuthError::kExpired);
  EXPECT_EQ(error(R"({"active":true,"active":false})"), AuthError::kIntrospectionFailed);
  EXPECT_EQ(error("<html>502</html>"), AuthError::kIntrospectionFailed);
  EXPECT_EQ(error("[]"), AuthError::kIntrospectionFailed);
  EXPECT_EQ(error(std::string(70000, ' ')), AuthError::kIntrospectionFailed);
  EXPECT_EQ(httpStatus(AuthError::kIntrospectionFailed), 503);
}

TEST(Introspection, RequestBuilderEncodesPerRfc6749) {
  const auto request = buildIntrospectionRequest("abc.def+/=", "gate way", "s3cr:t&");
  EXPECT_EQ(request.body, "token=abc.def%2B%2F%3D&token_type_hint=access_token");
  // RFC 6749 2.3.1: urlencode id and secret, then base64("id:secret"); decode with openssl.
  ASSERT_TRUE(request.authorization.starts_with("Basic "));
  TempDir dir;
  writeFile(dir.file("b64"), request.authorization.substr(6) + "\n");
  EXPECT_EQ(run("openssl base64 -d -in " + dir.file("b64")), "gate+way:s3cr%3At%26");
  EXPECT_EQ(buildIntrospectionRequest("t", "c", "s", "").body, "token=t");
  EXPECT_EQ(IntrospectionRequest::kContentType, "application/x-www-form-urlencoded");
}

}  // namespace
}  // namespace gw::auth::testing
