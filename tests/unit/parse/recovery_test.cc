// Parser error recovery: one mistake gives one error, a misspelled setting gets a did-you-mean
// naming the closest setting valid at that place, and parsing resumes on the next item.
// The health-timeout rule (a health check's `timeout` shares a line with the token before it).
#include <gtest/gtest.h>

#include "compiler/ast/ast_printer.h"
#include "compiler/parse/parser.h"

namespace gw::parse::testing {
namespace {

struct Parsed {
  ast::File file;
  std::vector<Diagnostic> diags;
};

Parsed parse(const std::string& text) {
  SourceManager sources;
  DiagnosticSink sink;
  Parsed p;
  p.file = parseFile(sources, sources.add("t.gw", text), sink);
  p.diags = sink.all();
  return p;
}

struct TypoCase {
  const char* text;
  const char* word;
  const char* suggestion;
  const char* where;
};

class MisspelledSetting : public ::testing::TestWithParam<TypoCase> {};

TEST_P(MisspelledSetting, GivesOneErrorNamingTheClosestSetting) {
  Parsed p = parse(GetParam().text);
  ASSERT_EQ(p.diags.size(), 1u) << (p.diags.empty() ? "" : p.diags[1 % p.diags.size()].message);
  const Diagnostic& d = p.diags[0];
  EXPECT_EQ(d.code, DiagCode::SyntaxError);
  std::string where = GetParam().where;
  EXPECT_EQ(d.message, where == "at the top level"
                           ? std::string("unknown declaration `") + GetParam().word + "`"
                           : std::string("unknown setting `") + GetParam().word + "` " + where);
  EXPECT_EQ(d.help, std::string("did you mean `") + GetParam().suggestion + "`?");
}

INSTANTIATE_TEST_SUITE_P(
    Blocks, MisspelledSetting,
    ::testing::Values(
        TypoCase{"route r {\n  timout 5s\n  forward u\n}\n", "timout", "timeout", "in a route"},
        TypoCase{"route r {\n  forward u\n  timout 5s\n}\n", "timout", "timeout", "in a route"},
        TypoCase{"route r {\n  foward u\n  timeout 5s\n}\n", "foward", "forward", "in a route"},
        TypoCase{"upstream u {\n  server 1.2.3.4:80\n  timout 5s\n  retry 2\n}\n", "timout",
                 "timeout", "in an upstream"},
        TypoCase{"upstream u {\n  sever 1.2.3.4:80\n}\n", "sever", "server", "in an upstream"},
        TypoCase{"upstream u {\n  health get \"/h\" every 5s\n  conect_timeout 1s\n}\n",
                 "conect_timeout", "connect_timeout", "in an upstream"},
        TypoCase{"gateway {\n  lisen 8080\n  admin 9000\n}\n", "lisen", "listen",
                 "in the gateway block"},
        TypoCase{"limit l token_bucket {\n  key client.ip\n  brust 10\n}\n", "brust", "burst",
                 "in a limit"},
        TypoCase{"auth a jwt {\n  isuer \"x\"\n}\n", "isuer", "issuer", "in an auth block"},
        TypoCase{"route r {\n  match { pth \"/\" }\n  forward u\n}\n", "pth", "path",
                 "in a match block"},
        TypoCase{"rout r {\n  forward u\n}\nroute s { forward u }\n", "rout", "route",
                 "at the top level"}));

TEST(Recovery, ABadLineInTheMiddleIsOneErrorAndTheRestStillParses) {
  // `limit` and `request` inside the skipped line must not restart parsing mid-line.
  Parsed p = parse(
      "route r {\n"
      "  match { path \"/a\" }\n"
      "  timout request.header(\"x\") limit { }\n"
      "  forward u\n"
      "  limit per_ip\n"
      "}\n"
      "route s {\n"
      "  forward u\n"
      "}\n");
  ASSERT_EQ(p.diags.size(), 1u) << p.diags[1 % p.diags.size()].message;
  EXPECT_EQ(p.diags[0].span.line, 3u);
  ASSERT_EQ(p.file.routes.size(), 2u);
  EXPECT_EQ(p.file.routes[0].limits.size(), 1u);  // the items after the bad line are kept
  EXPECT_TRUE(p.file.routes[0].forward.has_value());
  EXPECT_EQ(p.file.routes[1].name.text, "s");
}

TEST(Recovery, TwoMistakesAreTwoErrors) {
  Parsed p = parse(
      "upstream u {\n  sever 1.2.3.4:80\n}\n"
      "route r {\n  forward u\n  max_body 30s\n  timeout 5s\n}\n");
  ASSERT_EQ(p.diags.size(), 2u);
  EXPECT_EQ(p.diags[0].span.line, 2u);
  EXPECT_EQ(p.diags[1].span.line, 6u);
}

TEST(Recovery, AWordFarFromEverySettingIsNotGivenAGuess) {
  Parsed p = parse("route r {\n  zzzzzzzz 5s\n  forward u\n}\n");
  ASSERT_EQ(p.diags.size(), 1u);
  EXPECT_EQ(p.diags[0].message, "unexpected `zzzzzzzz` in a route");
  EXPECT_EQ(p.diags[0].help.find("did you mean"), std::string::npos) << p.diags[0].help;
  // In a short list of choices, the choices are the help.
  Parsed m = parse("route r {\n  match { zzzzzzzz \"/\" }\n  forward u\n}\n");
  ASSERT_EQ(m.diags.size(), 1u);
  EXPECT_NE(m.diags[0].help.find("`path`"), std::string::npos) << m.diags[0].help;
}

TEST(Recovery, InvalidUtf8IsOneEncodingError) {
  Parsed p = parse("route r {\n  forward u # caf\xE9\n}\n");
  ASSERT_EQ(p.diags.size(), 1u);
  EXPECT_EQ(p.diags[0].code, DiagCode::InvalidEncoding);
  EXPECT_EQ(p.diags[0].span.line, 2u);
  EXPECT_EQ(p.diags[0].span.col, 18u);
}

// ---- the health-check timeout ------------------------------------------------------------

TEST(HealthTimeout, ATimeoutStartingALineIsTheUpstreams) {
  Parsed p = parse(
      "upstream u {\n  server 1.2.3.4:80\n  health get \"/h\" every 5s\n  timeout 30s\n}\n");
  ASSERT_TRUE(p.diags.empty()) << p.diags[0].message;
  const ast::Upstream& u = p.file.upstreams.at(0);
  ASSERT_TRUE(u.health.has_value());
  EXPECT_FALSE(u.health->timeout.has_value());
  ASSERT_TRUE(u.timeout.has_value());
  EXPECT_EQ(u.timeout->raw, "30s");
}

TEST(HealthTimeout, ATimeoutOnTheHealthLineIsTheHealthChecks) {
  Parsed p = parse(
      "upstream u {\n  server 1.2.3.4:80\n  health get \"/h\" every 5s timeout 1s healthy 2\n"
      "  timeout 30s\n}\n");
  ASSERT_TRUE(p.diags.empty()) << p.diags[0].message;
  const ast::Upstream& u = p.file.upstreams.at(0);
  ASSERT_TRUE(u.health && u.health->timeout && u.health->healthy);
  EXPECT_EQ(u.health->timeout->raw, "1s");
  ASSERT_TRUE(u.timeout.has_value());
  EXPECT_EQ(u.timeout->raw, "30s");
}

TEST(HealthTimeout, ASemicolonEndsTheHealthItemOnOneLine) {
  Parsed p = parse("upstream u { server 1.2.3.4:80 health get \"/h\" every 5s; timeout 30s }");
  ASSERT_TRUE(p.diags.empty()) << p.diags[0].message;
  const ast::Upstream& u = p.file.upstreams.at(0);
  EXPECT_FALSE(u.health->timeout.has_value());
  ASSERT_TRUE(u.timeout.has_value());
}

TEST(HealthTimeout, TwoTimeoutsOnTheUpstreamAreStillADuplicate) {
  Parsed p = parse(
      "upstream u {\n  server 1.2.3.4:80\n  timeout 5s\n  health get \"/h\"\n  timeout 30s\n}\n");
  ASSERT_EQ(p.diags.size(), 1u);
  EXPECT_EQ(p.diags[0].code, DiagCode::DuplicateSetting);
}

}  // namespace
}  // namespace gw::parse::testing

namespace gw::parse::testing {
namespace {

// Regression for the fuzz finding tests/fuzz/front/corpus/regression-comment-control-bytes: a
// comment holding NUL / vertical tab did not survive `gwc fmt` (the formatter trimmed the \v).
// Control characters other than tab are now refused in comments (E0009).
TEST(CommentBytes, ControlCharactersInACommentAreOneErrorEach) {
  static const char kText[] = "#`\0\v\nroute r { forward u }  # fine\n# also \x7f bad\n";
  Parsed p = parse(std::string(kText, sizeof kText - 1));
  ASSERT_EQ(p.diags.size(), 2u);
  EXPECT_EQ(p.diags[0].code, DiagCode::ControlInComment);
  EXPECT_EQ(p.diags[0].message, "control character U+0000 in a comment");
  EXPECT_EQ(p.diags[0].span.line, 1u);
  EXPECT_EQ(p.diags[0].span.col, 3u);
  EXPECT_EQ(p.diags[1].message, "control character U+007F in a comment");
  EXPECT_EQ(p.diags[1].span.line, 3u);
  EXPECT_EQ(p.file.comments.size(), 3u);  // comments are still collected
}

TEST(CommentBytes, TabsAndNonAsciiTextAreFine) {
  Parsed p = parse("# a\ttab, café, 日本, 😀\nroute r { forward u }\n");
  EXPECT_TRUE(p.diags.empty()) << p.diags[0].message;
}

}  // namespace
}  // namespace gw::parse::testing
