// Expression typing: every operator rule of the language contract, table-driven, with the
// exact diagnostic when a combination is rejected.
#include <gtest/gtest.h>

#include "compiler/sema/expr_sites.h"
#include "tests/unit/sema/sema_fixture.h"

namespace gw::sema::testing {
namespace {

// A route that authenticates (so auth.* reads are fine) and has a `{id}` parameter.
std::string program(const std::string& when) {
  return "upstream app { server 127.0.0.1:9000 }\n"
         "auth sso jwt { jwks file \"k.json\" }\n"
         "route r { match { path \"/u/{id}\"; when " + when + " } authenticate sso forward app }\n";
}

struct Case {
  const char* expr;
  const char* diag;  // "" when the expression is well typed
};

class WhenTypes : public ::testing::TestWithParam<Case> {};

TEST_P(WhenTypes, TypesOrReports) {
  const Case& c = GetParam();
  auto a = analyzeText(program(c.expr));
  std::vector<std::string> got = a->codesAndMessages();
  if (std::string(c.diag).empty()) {
    EXPECT_TRUE(got.empty()) << c.expr << " -> " << got[0];
    // The contract with the back end: no Unknown type after a clean analysis.
    forEachExpr(a->program, [&](const ExprRef& ref) {
      walkExpr(*ref.expr, [&](const ast::Expr& e) {
        EXPECT_NE(e.type.kind, ast::TypeKind::Unknown) << c.expr;
        EXPECT_FALSE(e.type.isError()) << c.expr;
      });
    });
  } else {
    ASSERT_EQ(got.size(), 1u) << c.expr;
    EXPECT_EQ(got[0], c.diag) << c.expr;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Accepted, WhenTypes,
    ::testing::Values(
        Case{"request.method == GET", ""}, Case{"request.method in [GET, HEAD]", ""},
        Case{"request.path starts_with \"/v1\"", ""},
        Case{"request.host ends_with \".example.com\"", ""},
        Case{"request.header(\"X\") == \"1\"", ""}, Case{"request.has_header(\"X\")", ""},
        Case{"client.ip in 10.0.0.0/8", ""}, Case{"client.ip in [10.0.0.0/8, 192.168.0.0/16]", ""},
        Case{"client.ip == 10.0.0.1", ""}, Case{"\"admin\" in auth.roles", ""},
        Case{"auth.roles contains \"admin\"", ""}, Case{"auth.claims.tenant == \"acme\"", ""},
        Case{"auth.claims.level >= 3", ""}, Case{"\"a\" in auth.claims.groups", ""},
        Case{"auth.claims.plan in [\"gold\", \"silver\"]", ""},
        Case{"auth.claims.email_verified", ""}, Case{"auth.claims.x.y.z contains \"q\"", ""},
        Case{"request.path matches /^\\/v[12]\\//", ""},
        Case{"not (time.hour < 6) and time.weekday != 0", ""},
        Case{"request.param(\"id\") == auth.subject", ""},
        Case{"request.header(\"X\") not in [\"a\", \"b\"]", ""},
        Case{"request.query(\"q\") in []", ""},
        Case{"client.cert.san contains \"svc.internal\"", ""}));

INSTANTIATE_TEST_SUITE_P(
    Rejected, WhenTypes,
    ::testing::Values(
        Case{"auth.roles == \"admin\"",
             "E0202 `==` cannot apply to `list<string>` and `string`"},
        Case{"time.hour > 5s", "E0206 `>` compares `int` with `duration`: the units differ"},
        Case{"request.method == \"GET\"", "E0202 `==` cannot apply to `method` and `string`"},
        Case{"request.method == get", "E0308 unknown HTTP method `get`"},
        Case{"request.methd == GET", "E0106 unknown request-context field `request.methd`"},
        Case{"auth.claims == \"x\"", "E0106 `auth.claims` needs a claim name"},
        Case{"request.header == \"x\"",
             "E0203 `request.header` is a function: it takes 1 argument, found none"},
        Case{"request.header(\"a\", \"b\") == \"x\"",
             "E0203 `request.header` takes 1 argument, found 2"},
        Case{"request.header(1) == \"x\"",
             "E0201 the argument of `request.header` must be a `string`, found `int`"},
        Case{"request.path() == \"/\"", "E0107 `request.path` is not a function"},
        Case{"request.heder(\"x\") == \"y\"", "E0107 unknown function `request.heder`"},
        Case{"request.path", "E0205 the `when` condition is `string`, not a bool"},
        Case{"request.path and true", "E0205 the left side of `and` is `string`, not a bool"},
        Case{"not time.hour", "E0205 the operand of `not` is `int`, not a bool"},
        Case{"\"x\" in \"xyz\"", "E0202 `in` cannot apply to `string` and `string`"},
        Case{"client.ip in \"10.0.0.0/8\"", "E0202 `in` cannot apply to `ip` and `string`"},
        Case{"request.path < \"/b\"", "E0202 `<` cannot apply to `string` and `string`"},
        Case{"client.ip matches /1/", "E0202 `matches` needs a string on the left, found `ip`"},
        Case{"auth.claims.a == auth.claims.b", "E0202 `==` cannot apply to `json` and `json`"},
        Case{"auth.claims.a < \"x\"", "E0202 `<` cannot apply to `json` and `string`"},
        Case{"request.header(\"x\") in [\"a\", 1]",
             "E0201 list elements must all have one type: this one is `int`, the first is "
             "`string`"},
        Case{"request.path == 1.5",
             "E0201 fractional number `1.5` is not a value in an expression"},
        Case{"request.host == api", "E0106 unknown request-context field `api`"},
        Case{"request.path matches /(a/",
             "E0204 invalid regular expression `/(a/`: missing ): (a"},
        Case{"request.path matches /a(?=b)/", "E0204 invalid regular expression `/a(?=b)/`: invalid perl operator: (?="},
        Case{"request.param(\"ID\") == \"1\"", "E0106 route `r` has no path parameter `ID`"}));

TEST(TypeHelp, SuggestsTheFix) {
  auto a = analyzeText(program("auth.claim.tenant == \"a\""));
  EXPECT_EQ(a->helpOf("E0106"), "did you mean `auth.claims.tenant`?");
  a = analyzeText(program("request.host == api"));
  EXPECT_EQ(a->helpOf("E0106"), "to compare with text, quote it: `\"api\"`");
  a = analyzeText(program("request.method == \"GET\""));
  EXPECT_EQ(a->helpOf("E0202"), "methods are bare upper-case names: write `GET`, not `\"GET\"`");
}

TEST(SiteTypes, SettingListsGetTheirTypes) {
  auto a = analyzeText(
      "upstream app { server 127.0.0.1:9000 retry 2 on [502, connect_error] }\n"
      "auth sso jwt { jwks file \"k.json\" algorithms [RS256, ES256] }\n"
      "route r { match { path \"/\" method [GET, HEAD] } authenticate sso forward app "
      "response { compress [br, gzip] } }\n");
  ASSERT_TRUE(a->codesAndMessages().empty()) << a->codesAndMessages()[0];
  const ast::File& f = a->program.files[0];
  EXPECT_EQ(f.routes[0].match->methods->type, ast::Type::list(ast::TypeKind::Method));
  EXPECT_EQ(f.routes[0].match->methods->items[0]->type.kind, ast::TypeKind::Method);
  EXPECT_EQ(f.auths[0].algorithms->type, ast::Type::list(ast::TypeKind::String));
  EXPECT_EQ(f.upstreams[0].retry->on->type, ast::Type::list(ast::TypeKind::String));
  EXPECT_EQ(f.upstreams[0].retry->on->items[0]->type.kind, ast::TypeKind::Int);
}

TEST(SiteTypes, KeysMustBeOneValue) {
  auto a = analyzeText(withBase("limit l token_bucket { key auth.scopes rate 1/s burst 1 }\n"
                                "route r { match { path \"/r\" } limit l forward app }\n"));
  EXPECT_EQ(a->codesAndMessages(),
            std::vector<std::string>{"E0201 the limit key must be one value (string, int, bool, "
                                     "ip, method or claim), found `list<string>`"});
}

}  // namespace
}  // namespace gw::sema::testing
