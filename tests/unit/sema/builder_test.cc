// The CST -> AST builder as sema sees it: spans, decoded literals, settings given twice.
#include <gtest/gtest.h>

#include "tests/unit/sema/sema_fixture.h"

namespace gw::sema::testing {
namespace {

TEST(Builder, SpansPointAtNames) {
  auto a = analyzeText("upstream app { server 127.0.0.1:9000 }\n"
                       "route  home { match { path \"/\" } forward app }\n");
  ASSERT_EQ(a->program.files.size(), 1u);
  const ast::Route& r = a->program.files[0].routes.at(0);
  EXPECT_EQ(r.name.text, "home");
  EXPECT_EQ(r.name.span.line, 2u);
  EXPECT_EQ(r.name.span.col, 8u);
  EXPECT_EQ(r.name.span.length, 4u);
  EXPECT_EQ(a->sources.text(r.forward->targets[0].upstream.span), "app");
}

TEST(Builder, DecodesTypedLiterals) {
  auto a = analyzeText(
      "upstream app { server 127.0.0.1:9000 timeout 250ms retry 2 on [502] budget 12.5% }\n"
      "limit l token_bucket { key client.ip rate 5/10s burst 3 }\n"
      "route home { match { path \"/\"; when client.ip in 10.1.0.0/16 } limit l forward app "
      "max_body 1gib }\n");
  ASSERT_TRUE(a->codesAndMessages().empty()) << a->codesAndMessages()[0];
  const ast::File& f = a->program.files[0];
  EXPECT_EQ(f.upstreams[0].timeout->i, 250000);                // microseconds
  EXPECT_DOUBLE_EQ(f.upstreams[0].retry->budget->f, 12.5);
  EXPECT_EQ(f.upstreams[0].servers[0].address.port, 9000);
  EXPECT_EQ(f.limits[0].rate->i, 5);                           // count
  EXPECT_EQ(f.limits[0].rate->period, 10000000);               // per 10 s
  EXPECT_EQ(f.routes[0].maxBody->i, 1024LL * 1024 * 1024);
  const ast::Expr& when = *f.routes[0].match->whens[0];
  EXPECT_EQ(when.items[1]->lit.kind, ast::LitKind::Cidr);
  EXPECT_EQ(when.items[1]->lit.prefix, 16);
  EXPECT_EQ(when.items[1]->lit.i, (10 << 24) | (1 << 16));
}

TEST(Builder, ReportsSettingsGivenTwice) {
  auto a = analyzeText("upstream app { server 127.0.0.1:9000 timeout 1s timeout 2s }\n"
                       "route home { match { path \"/\" } forward app }\n");
  EXPECT_EQ(a->codesAndMessages(),
            std::vector<std::string>{"E0006 `timeout` is given more than once in upstream `app`"});
}

TEST(Builder, ReportsInvalidLiterals) {
  auto a = analyzeText(withBase("route r { match { path \"/r\"; when client.ip == 1.2.3.999 } "
                                "forward app }\n"));
  ASSERT_FALSE(a->codesAndMessages().empty());
  EXPECT_EQ(a->codesAndMessages()[0],
            "E0002 `1.2.3.999` is not an IPv4 address (each part must be 0..255)");
}

}  // namespace
}  // namespace gw::sema::testing
