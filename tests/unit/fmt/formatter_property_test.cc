// Properties of the formatter over every example and hand-written edge cases: idempotence,
// the same AST after formatting, minimal parentheses that still parse back to the same tree,
// comments and blank lines kept, files with errors refused.
#include <gtest/gtest.h>

#include "compiler/diag/diagnostic.h"
#include "compiler/fmt/formatter.h"
#include "compiler/fmt/format_text.h"
#include "tests/unit/fmt/fmt_test_util.h"

namespace gw::fmt::testing {
namespace {

std::vector<std::string> exampleFiles() { return filesUnder(sourceDir() + "/examples", ".gw"); }

TEST(FormatterExamples, EveryExampleIsAlreadyCanonical) {
  std::vector<std::string> files = exampleFiles();
  ASSERT_GE(files.size(), 6u);
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    std::string text = readFile(f);
    EXPECT_EQ(formatOrFail(text, f), text);
  }
}

TEST(FormatterExamples, FormattingADisorderedExampleKeepsItsAstAndIsIdempotent) {
  for (const std::string& f : exampleFiles()) {
    SCOPED_TRACE(f);
    // Disorder the layout: no indentation, and two extra blank lines after every line.
    std::string text = readFile(f);
    std::string before = astDump(text);
    ASSERT_NE(before, "<errors>");
    std::string messy;
    bool lineStart = true;
    for (char c : text) {
      if (lineStart && c == ' ') {
        continue;
      }
      lineStart = c == '\n';
      messy += lineStart ? std::string("\n\n\n") : std::string(1, c);
    }
    ASSERT_NE(messy, text);
    std::string once = formatOrFail(messy);
    EXPECT_EQ(astDump(messy), before);
    EXPECT_EQ(astDump(once), before);
    EXPECT_EQ(formatOrFail(once), once);
  }
}

// One line per expression: input, expected canonical output.
struct ExprCase {
  const char* in;
  const char* out;
};

class MinimalParens : public ::testing::TestWithParam<ExprCase> {};

TEST_P(MinimalParens, PrintsFewestParenthesesAndReparsesTheSameTree) {
  std::string in = std::string("policy p {\n  allow when ") + GetParam().in + "\n}\n";
  std::string out = std::string("policy p {\n  allow when ") + GetParam().out + "\n}\n";
  EXPECT_EQ(formatOrFail(in), out);
  EXPECT_EQ(astDump(out), astDump(in));
}

INSTANTIATE_TEST_SUITE_P(
    Precedence, MinimalParens,
    ::testing::Values(
        ExprCase{"(a == b)", "a == b"},
        ExprCase{"not (a == b)", "not a == b"},
        ExprCase{"(not a) == b", "(not a) == b"},
        ExprCase{"a == (not b)", "a == (not b)"},
        ExprCase{"(a and b) or c", "a and b or c"},
        ExprCase{"a and (b or c)", "a and (b or c)"},
        ExprCase{"(a or b) and c", "(a or b) and c"},
        ExprCase{"a or (b or c)", "a or (b or c)"},
        ExprCase{"(a or b) or c", "a or b or c"},
        ExprCase{"not (a and b)", "not (a and b)"},
        ExprCase{"(not a) and b", "not a and b"},
        ExprCase{"a and (not b)", "a and not b"},
        ExprCase{"not (not a)", "not not a"},
        ExprCase{"(a == b) == c", "a == b == c"},
        ExprCase{"a == (b == c)", "a == (b == c)"},
        ExprCase{"(a matches /x/) == b", "(a matches /x/) == b"},
        ExprCase{"(a == b) matches /x/", "a == b matches /x/"},
        ExprCase{"(not a) matches /x/", "(not a) matches /x/"},
        ExprCase{"a not in (b == c)", "a not in b == c"},
        ExprCase{"(a not in b) == c", "(a not in b) == c"},
        ExprCase{"(a matches /x/) not in b", "(a matches /x/) not in b"},
        ExprCase{"f((a or b), [x, y])", "f(a or b, [x, y])"},
        ExprCase{"request.header(\"X\") in [\"a\", \"b\",]", "request.header(\"X\") in [\"a\", \"b\"]"}));

TEST(FormatterComments, EveryCommentSurvivesInOrder) {
  std::string text =
      "# a\nroute r { # b\n match { path \"/x\" # c\n } # d\n # e\n forward u # f\n} # g\n# h\n";
  std::string out = formatOrFail(text);
  size_t at = 0;
  for (const char* c : {"# a", "# b", "# c", "# d", "# e", "# f", "# g", "# h"}) {
    size_t found = out.find(c, at);
    ASSERT_NE(found, std::string::npos) << c << " missing or out of order in:\n" << out;
    at = found;
  }
  EXPECT_EQ(formatOrFail(out), out);
}

TEST(FormatterLayout, KeepsAtMostOneBlankLineInsideBlocksAndOneBetweenDeclarations) {
  std::string text = "upstream u {\n server 1.2.3.4:80\n\n\n\n server 1.2.3.5:80\n}\n\n\n\n"
                     "upstream v {\n server 1.2.3.6:80\n}\nupstream w {\n server 1.2.3.7:80\n}\n";
  EXPECT_EQ(formatOrFail(text),
            "upstream u {\n  server 1.2.3.4:80\n\n  server 1.2.3.5:80\n}\n\n"
            "upstream v {\n  server 1.2.3.6:80\n}\n\nupstream w {\n  server 1.2.3.7:80\n}\n");
}

TEST(FormatterLayout, ShortMatchBlocksGoOnOneLineLongOnesDoNot) {
  EXPECT_EQ(formatOrFail("route r { match {\n path \"/a\"\n method GET\n } }\n"),
            "route r {\n  match { path \"/a\" method GET }\n}\n");
  // Four items: one per line.
  EXPECT_EQ(formatOrFail("route r { match { path \"/a\" method GET header \"X\" present "
                         "query \"q\" absent } }\n"),
            "route r {\n  match {\n    path \"/a\"\n    method GET\n    header \"X\" present\n"
            "    query \"q\" absent\n  }\n}\n");
}

TEST(FormatterLayout, EmptyFileAndSeparatorsOnly) {
  EXPECT_EQ(formatOrFail(""), "");
  EXPECT_EQ(formatOrFail(";;\n;"), "");
  EXPECT_EQ(formatOrFail("# only a comment"), "# only a comment\n");
}

TEST(FormatterLayout, HealthFollowedByTheUpstreamTimeoutNeedsNoSeparator) {
  // A health check's `timeout` must share a line with the token before it, so the formatter's
  // one item per line keeps the upstream's own `timeout` apart without the `;`.
  std::string text = "upstream u { server 1.2.3.4:80 health get \"/h\" every 5s; timeout 3s }";
  std::string out = formatOrFail(text);
  EXPECT_NE(out.find("every 5s\n  timeout 3s\n"), std::string::npos) << out;
  EXPECT_EQ(astDump(out), astDump(text));
  EXPECT_EQ(formatOrFail(out), out);
  // Written on one line without `;`, the timeout is the health check's, and stays so.
  std::string own = "upstream u { server 1.2.3.4:80 health get \"/h\" every 5s timeout 3s }";
  std::string ownOut = formatOrFail(own);
  EXPECT_NE(ownOut.find("every 5s timeout 3s\n"), std::string::npos) << ownOut;
  EXPECT_EQ(astDump(ownOut), astDump(own));
}

TEST(FormatterLayout, EmptyTransformBlocksKeepTheirCommentsAndAreStable) {
  std::string text = "route r {\n  request {\n    # nothing yet\n  }\n  forward u\n}\n";
  std::string out = formatOrFail(text);
  // The AST keeps no position for an empty block, so its comment moves after it.
  EXPECT_EQ(out, "route r {\n  request {}\n  # nothing yet\n\n  forward u\n}\n");
  EXPECT_EQ(astDump(out), astDump(text));
  EXPECT_EQ(formatOrFail(out), out);
}

TEST(FormatterText, StringsAreReescapedFromTheirValue) {
  EXPECT_EQ(quoteString("a\"b\\c\nd\te\rf/g"), "\"a\\\"b\\\\c\\nd\\te\\rf/g\"");
  EXPECT_EQ(formatObject(R"({"sub":"u1","a b":[1,2.50,"x\n",null,true],"n":{}})"),
            R"({ sub: "u1", "a b": [1, 2.50, "x\n", null, true], n: {} })");
  EXPECT_EQ(formatObject("{}"), "{}");
}

TEST(FormatterErrors, AFileWithSyntaxErrorsIsNotFormatted) {
  SourceManager sources;
  DiagnosticSink diags;
  EXPECT_FALSE(formatText(sources, "bad.gw", "route r { match { path } }", diags).has_value());
  EXPECT_TRUE(diags.hasErrors());
  DiagnosticSink dup;
  // A setting given twice would lose one of them: refused too.
  EXPECT_FALSE(formatText(sources, "dup.gw", "limit l token_bucket { rate 1/s rate 2/s }", dup)
                   .has_value());
}

TEST(FormatterUnicode, SpansStayRightAfterNonAsciiText) {
  std::string text = "# héllo wörld — ünïcode\nroute r {  # ✓ trailing\n  forward u\n}\n";
  EXPECT_EQ(formatOrFail(text), text);
}

}  // namespace
}  // namespace gw::fmt::testing
