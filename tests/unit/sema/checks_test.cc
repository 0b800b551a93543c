// Each semantic check, table-driven: a program and the exact diagnostics it must produce.
#include <gtest/gtest.h>

#include "tests/unit/sema/sema_fixture.h"

namespace gw::sema::testing {
namespace {

struct Case {
  const char* name;
  std::string text;
  std::vector<std::string> diags;
};

class Checks : public ::testing::TestWithParam<Case> {};

TEST_P(Checks, ReportsExactly) {
  const Case& c = GetParam();
  auto a = analyzeText(c.text);
  EXPECT_EQ(a->codesAndMessages(), c.diags) << c.name;
}

std::string name(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

const std::string kJwt = "auth sso jwt { jwks file \"k.json\" }\n";

INSTANTIATE_TEST_SUITE_P(
    Names, Checks,
    ::testing::Values(
        Case{"UnknownUpstream", withBase("route r { match { path \"/r\" } forward ap }\n"),
             {"E0101 unknown upstream `ap`"}},
        Case{"UnknownAuth", withBase("route r { match { path \"/r\" } authenticate x forward app }"),
             {"E0102 unknown auth provider `x`"}},
        Case{"UnknownLimit", withBase("gateway { limit nope }"), {"E0103 unknown limit `nope`"}},
        Case{"UnknownPolicy",
             withBase(kJwt + "route r { match { path \"/r\" } authenticate sso authorize p "
                             "forward app }"),
             {"E0104 unknown policy `p`"}},
        Case{"UnknownRouteInTest",
             withBase("test \"t\" { request GET \"https://h/\" expect route nope }"),
             {"E0105 unknown route `nope`"}},
        Case{"DuplicateUpstream", withBase("upstream app { server 127.0.0.1:1 }"),
             {"E0108 upstream `app` is declared more than once"}},
        Case{"DuplicateInList",
             withBase(kJwt + "route r { match { path \"/r\" } authenticate sso or sso "
                             "forward app }"),
             {"E0108 `sso` is listed twice in `authenticate`"}},
        Case{"TwoGateways", withBase("gateway { threads 2 }\ngateway { threads 3 }"),
             {"E0305 more than one `gateway` block"}}),
    name);

INSTANTIATE_TEST_SUITE_P(
    Settings, Checks,
    ::testing::Values(
        Case{"NoServer", "upstream u { timeout 1s }\nroute r { forward u }",
             {"E0303 upstream `u` has no `server`"}},
        Case{"UnknownBalance",
             "upstream u { server 127.0.0.1:1 balance fastest }\nroute r { forward u }",
             {"E0110 unknown balance algorithm `fastest`"}},
        Case{"HashKeyOnRoundRobin",
             "upstream u { server 127.0.0.1:1 balance round_robin(client.ip) }\n"
             "route r { forward u }",
             {"E0304 `round_robin` takes no key expression"}},
        Case{"Retry404", "upstream u { server 127.0.0.1:1 retry 1 on [404] }\nroute r { forward u }",
             {"E0207 retry on status 404: only 5xx responses can be retried"}},
        Case{"RetryAttempts", "upstream u { server 127.0.0.1:1 retry 11 }\nroute r { forward u }",
             {"E0207 `retry` must be between 0 and 10, found 11"}},
        Case{"RetryBufferTooLarge",
             "upstream u { server 127.0.0.1:1 retry 1 buffer 17mib }\nroute r { forward u }",
             {"E0207 `buffer` must be between 1b and 16mib, found 17mib"}},
        Case{"RetryBufferZero",
             "upstream u { server 127.0.0.1:1 retry 1 buffer 0b }\nroute r { forward u }",
             {"E0207 `buffer` must be between 1b and 16mib, found 0b"}},
        Case{"RetryBufferBounds",
             "upstream u { server 127.0.0.1:1 retry 1 buffer 16mib }\n"
             "upstream v { server 127.0.0.1:2 retry 1 buffer 1b }\n"
             "route r { forward u }\nroute s { match { path \"/s\" } forward v }",
             {}},
        Case{"HandshakeTimeoutTooShort",
             withBase("gateway { listen 0.0.0.0:443 tls { cert \"c\" key \"k\" "
                      "handshake_timeout 99ms } }"),
             {"E0207 `handshake_timeout` must be between 100ms and 60s, found 99ms"}},
        Case{"HandshakeTimeoutTooLong",
             withBase("gateway { listen 0.0.0.0:443 tls { cert \"c\" key \"k\" "
                      "handshake_timeout 61s } }"),
             {"E0207 `handshake_timeout` must be between 100ms and 60s, found 61s"}},
        Case{"HandshakeTimeoutBounds",
             withBase("gateway {\n listen 0.0.0.0:443 tls { cert \"c\" key \"k\" "
                      "handshake_timeout 100ms }\n listen 0.0.0.0:444 tls { cert \"c\" "
                      "key \"k\" handshake_timeout 1m } }"),
             {}},
        Case{"HandshakeTimeoutInUpstream",
             "upstream u { server 127.0.0.1:1 tls { handshake_timeout 1s } }\n"
             "route r { forward u }",
             {"E0304 `handshake_timeout` is not a setting of an upstream's `tls`"}},
        Case{"ServerWeight",
             "upstream u { server 127.0.0.1:1 weight 0 }\nroute r { forward u }",
             {"E0207 `weight` must be between 1 and 1000, found 0"}},
        Case{"PortZero", "upstream u { server 127.0.0.1:0 }\nroute r { forward u }",
             {"E0207 port of `server` must be between 1 and 65535, found 0"}},
        Case{"PortTooLarge", "upstream u { server 127.0.0.1:70000 }\nroute r { forward u }",
             {"E0002 port must be 0..65535"}},
        Case{"AuthKind", withBase("auth a oauth { }"), {"W0004 auth provider `a` is never used", "E0109 unknown auth kind `oauth`"}},
        Case{"JwtNoKeys", withBase("auth a jwt { issuer \"i\" }"),
             {"E0303 jwt provider `a` has no key to verify tokens with", "W0004 auth provider "
              "`a` is never used"}},
        Case{"ApiKeyWithJwks",
             withBase("auth a api_key { header \"X-K\" keys file \"k\" jwks url \"https://x\" }"),
             {"W0004 auth provider `a` is never used",
              "E0304 `jwks` is not a setting of `api_key` providers"}},
        Case{"IntrospectMissing", withBase("auth a introspect { cache 5s }"),
             {"E0303 introspect provider `a` has no `endpoint`",
              "E0303 introspect provider `a` has no `client`",
              "W0004 auth provider `a` is never used"}},
        Case{"LimitKind", withBase("limit l leaky { key client.ip rate 1/s }"),
             {"W0004 limit `l` is never used", "E0109 unknown limit kind `leaky`"}},
        Case{"TokenBucketNeedsBurst",
             withBase("limit l token_bucket { key client.ip rate 1/s }\n"
                      "route r { match { path \"/r\" } limit l forward app }"),
             {"E0303 limit `l` has no `burst`"}},
        Case{"StoreValue",
             withBase("limit l sliding_window { key client.ip rate 1/s store disk }\n"
                      "route r { match { path \"/r\" } limit l forward app }"),
             {"E0110 unknown `store` value `disk`"}},
        Case{"RedisWithoutGateway",
             withBase("limit l sliding_window { key client.ip rate 1/s store redis }\n"
                      "route r { match { path \"/r\" } limit l forward app }"),
             {"E0303 `store redis` needs a `redis` address in the gateway block"}},
        Case{"RedisWithGateway",
             withBase("gateway { redis \"redis://127.0.0.1:6379\" }\n"
                      "limit l sliding_window { key client.ip rate 1/s store redis "
                      "on_store_error deny }\n"
                      "route r { match { path \"/r\" } limit l forward app }"),
             {}},
        Case{"GatewayLimitOnParam",
             withBase("gateway { limit l }\n"
                      "limit l token_bucket { key request.param(\"id\") rate 1/s burst 1 }"),
             {"E0310 limit `l` is applied by the gateway block but its key reads "
              "`request.param`"}},
        Case{"RateZero",
             withBase("limit l token_bucket { key client.ip rate 0/s burst 1 }\n"
                      "route r { match { path \"/r\" } limit l forward app }"),
             {"E0207 `rate` must allow at least one request, found 0/s"}},
        Case{"TlsCertWithoutKey", withBase("gateway { listen 0.0.0.0:443 tls { cert \"c\" } }"),
             {"E0303 every `cert` needs a matching `key` (found 1 cert, 0 key)"}},
        Case{"RedisUrl", withBase("gateway { redis \"127.0.0.1:6379\" }"),
             {"E0002 `redis` must be a URL such as `redis://127.0.0.1:6379`, found "
              "`127.0.0.1:6379`"}}),
    name);

INSTANTIATE_TEST_SUITE_P(
    Routes, Checks,
    ::testing::Values(
        Case{"NoForward", withBase("route r { match { path \"/r\" } }"),
             {"E0303 route `r` has no `forward` or `aggregate`"}},
        Case{"RetryMethods",
             "upstream u { server 127.0.0.1:1 retry 2 }\n"
             "route r { retry_methods [POST, PATCH] forward u }",
             {}},
        Case{"RetryMethodsSingle",
             "upstream u { server 127.0.0.1:1 retry 2 }\nroute r { retry_methods POST forward u }",
             {}},
        Case{"RetryMethodsIdempotent",
             "upstream u { server 127.0.0.1:1 retry 2 }\n"
             "route r { retry_methods [POST, PUT] forward u }",
             {"W0008 `PUT` is idempotent: it is retried without `retry_methods`"}},
        Case{"RetryMethodsUnknown",
             "upstream u { server 127.0.0.1:1 retry 2 }\n"
             "route r { retry_methods [post, POST, POST] forward u }",
             {"E0308 unknown HTTP method `post`", "E0108 method `POST` is listed twice"}},
        Case{"RetryMethodsEmpty",
             "upstream u { server 127.0.0.1:1 retry 2 }\nroute r { retry_methods [] forward u }",
             {"E0308 the method list is empty"}},
        Case{"RetryMethodsWithoutRetry",
             withBase("route r { match { path \"/r\" } retry_methods [POST] forward app }"),
             {"E0303 `retry_methods` has no effect: upstream `app` has no `retry`"}},
        Case{"RetryMethodsOneTargetRetries",
             withBase("upstream b { server 127.0.0.1:2 retry 1 }\n"
                      "route r { match { path \"/r\" } retry_methods [POST] "
                      "forward app 50%, b 50% }"),
             {}},
        Case{"RetryMethodsOnAggregate",
             withBase("route r { match { path \"/r\" } retry_methods [POST] "
                      "aggregate { a = app \"/a\" } }"),
             {"E0304 `retry_methods` is not a setting of an `aggregate` route"}},
        Case{"WeightsSum",
             withBase("upstream b { server 127.0.0.1:2 }\n"
                      "route r { match { path \"/r\" } forward app 95%, b 4% }"),
             {"E0301 forward shares sum to 99%, not 100%"}},
        Case{"WeightsOk",
             withBase("upstream b { server 127.0.0.1:2 }\n"
                      "route r { match { path \"/r\" } forward app 95%, b 5% by client.ip }"),
             {}},
        Case{"AuthorizeNeedsAuthenticate",
             withBase("route r { match { path \"/r\" } authorize { allow when auth.subject == "
                      "\"x\" } forward app }"),
             {"E0310 route `r` authorizes on the identity but does not authenticate"}},
        Case{"AuthorizeOnIpOnly",
             withBase("route r { match { path \"/r\" } authorize { allow when client.ip in "
                      "10.0.0.0/8 } forward app }"),
             {}},
        Case{"PathSlash", withBase("route r { match { path \"r\" } forward app }"),
             {"E0306 path `r` must start with `/`"}},
        Case{"PathStar", withBase("route r { match { path \"/r/*\" } forward app }"),
             {"E0306 wildcards are not supported in paths"}},
        Case{"PathParamPartial", withBase("route r { match { path \"/r/x{id}\" } forward app }"),
             {"E0306 parameter must be a whole path segment, found `x{id}`"}},
        Case{"PathParamDup", withBase("route r { match { path \"/{a}/{a}\" } forward app }"),
             {"E0306 parameter `{a}` appears twice in path `/{a}/{a}`"}},
        Case{"PrefixWithParam",
             withBase("route r { match { path prefix \"/r/{id}\" } forward app }"),
             {"E0306 a `prefix` path cannot contain `{...}` parameters"}},
        Case{"DotSegment", withBase("route r { match { path \"/a/../b\" } forward app }"),
             {"E0306 path segment `..` can never match"}},
        Case{"HostScheme", withBase("route r { match { host \"http://a.b\" } forward app }"),
             {"E0307 host `http://a.b` includes a scheme"}},
        Case{"HostWildcardMiddle",
             withBase("route r { match { host \"api.*.com\" } forward app }"),
             {"E0307 `*` may only be the whole first label of a host, found `api.*.com`"}},
        Case{"MethodUnknown", withBase("route r { match { path \"/r\" method FETCH } forward app }"),
             {"E0308 unknown HTTP method `FETCH`"}},
        Case{"MethodQuoted",
             withBase("route r { match { path \"/r\" method [\"GET\"] } forward app }"),
             {"E0308 methods are bare names, not strings"}},
        Case{"Identical",
             withBase("route a { match { path \"/x\" method GET } forward app }\n"
                      "route b { match { method GET path \"/x\" } forward app }"),
             {"E0302 routes `a` and `b` have identical matchers"}},
        Case{"IdenticalTemplatesDifferentNames",
             withBase("route a { match { path \"/u/{id}\" } forward app }\n"
                      "route b { match { path \"/u/{uid}\" } forward app }"),
             {"E0302 routes `a` and `b` have identical matchers"}},
        Case{"HostCaseInsensitive",
             withBase("route a { match { host \"A.example.com\" } forward app }\n"
                      "route b { match { host \"a.example.com\" } forward app }"),
             {"E0302 routes `a` and `b` have identical matchers"}},
        Case{"Shadowed",
             withBase("route a { match { path \"/x\" method [GET, POST] } forward app }\n"
                      "route b { match { path \"/x\" method POST } forward app }"),
             {"W0001 route `b` can never match"}},
        Case{"NotShadowedWhenMoreSpecific",
             withBase("route a { match { path \"/x\" method [GET, POST] } forward app }\n"
                      "route b { match { path \"/x\" method POST; header \"X\" present } "
                      "forward app }\n"
                      "route c { match { path \"/x\" } forward app }"),
             {}},
        Case{"Tie",
             withBase("route a { match { path \"/x\"; query \"v\" == \"1\" } forward app }\n"
                      "route b { match { path \"/x\"; when request.has_header(\"X\") } "
                      "forward app }"),
             {"W0007 routes `a` and `b` tie on specificity"}},
        Case{"ParamInAggregate",
             withBase("route r { match { path \"/d/{id}\" } aggregate { a = app "
                      "\"/u/{idd}\" b = app \"/v/{request.path}\" } }"),
             {"E0106 route `r` has no path parameter `idd`"}}),
    name);

INSTANTIATE_TEST_SUITE_P(
    TestsAndLints, Checks,
    ::testing::Values(
        Case{"TestNoExpect", withBase("test \"t\" { request GET \"https://h/\" }"),
             {"E0309 test `t` has no `expect`: it can never fail"}},
        Case{"TestRelativeUrl",
             withBase("test \"t\" { request GET \"/x\" expect no_route }"),
             {"E0309 a test request needs an absolute http or https URL, found `/x`"}},
        Case{"TestMethod", withBase("test \"t\" { request get \"https://h/\" expect no_route }"),
             {"E0308 unknown HTTP method `get`"}},
        Case{"TestNoRouteAndRoute",
             withBase("test \"t\" { request GET \"https://h/\" expect no_route expect route "
                      "home }"),
             {"E0309 `no_route` cannot be combined with this expectation"}},
        Case{"TestDenyStatus",
             withBase("test \"t\" { request GET \"https://h/\" expect deny expect status 200 }"),
             {"E0309 a denied request is answered 403, not 200"}},
        Case{"DuplicateTest",
             withBase("test \"t\" { request GET \"https://h/\" expect route home }\n"
                      "test \"t\" { request GET \"https://h/\" expect route home }"),
             {"E0108 test `t` is declared more than once"}},
        Case{"Unused", withBase("upstream spare { server 127.0.0.1:2 }"),
             {"W0004 upstream `spare` is never used"}},
        Case{"AllowAll",
             withBase(kJwt + "policy p { allow }\nroute r { match { path \"/r\" } "
                             "authenticate sso authorize p forward app }"),
             {"W0005 policy `p` allows every request"}},
        Case{"DenyAllThenAllow",
             withBase(kJwt + "route r { match { path \"/r\" } authenticate sso authorize { "
                             "allow roles [\"a\"] deny deny when true } forward app }"),
             {"W0006 this `allow` rule can never decide",
              "W0006 this `deny` rule can never decide"}},
        Case{"AllowAfterAllowAll",
             withBase(kJwt + "route r { match { path \"/r\" } authenticate sso authorize { "
                             "deny when client.ip in 10.0.0.0/8 allow allow roles [\"a\"] } "
                             "forward app }"),
             {"W0006 this `allow` rule can never decide"}}),
    name);

TEST(CoverageLints, OnlyWhenAsked) {
  std::string text = withBase("");
  EXPECT_TRUE(analyzeText(text)->codesAndMessages().empty());
  SemaOptions opts;
  opts.coverageLints = true;
  EXPECT_EQ(analyzeText(text, opts)->codesAndMessages(),
            (std::vector<std::string>{"W0002 route `home` is public: it has no `authenticate`",
                                      "W0003 route `home` has no rate limit"}));
}

TEST(SymbolTable, MergesIncludedFilesAndKeepsFirstDeclaration) {
  auto a = analyzeText(withBase("upstream app { server 127.0.0.1:2 }\n" + kJwt +
                                "route r { match { path \"/r\" } authenticate sso forward app }"));
  const SymbolTable& s = a->result.symbols;
  ASSERT_EQ(s.upstreams.list.size(), 2u);
  EXPECT_EQ(s.upstreams.find("app"), s.upstreams.list[0]);
  EXPECT_EQ(s.routes.list.size(), 2u);
  EXPECT_NE(s.auths.find("sso"), nullptr);
  EXPECT_EQ(s.auths.find("nope"), nullptr);
  EXPECT_EQ(s.gateway, nullptr);
  EXPECT_EQ(a->result.errors, 1u);  // the duplicate upstream
  EXPECT_FALSE(a->result.ok());
}

}  // namespace
}  // namespace gw::sema::testing
