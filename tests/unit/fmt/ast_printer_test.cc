// The `gwc emit ast` dump: exact text for a small program, spans on request, and the tree shape
// the precedence rules give.
#include "compiler/ast/ast_printer.h"

#include <gtest/gtest.h>

#include "compiler/parse/parser.h"
#include "tests/unit/fmt/fmt_test_util.h"

namespace gw::ast {
namespace {

File parse(SourceManager& sources, const std::string& text) {
  DiagnosticSink diags;
  File f = parseFile(sources, sources.add("t.gw", text), diags);
  EXPECT_FALSE(diags.hasErrors());
  return f;
}

TEST(AstPrinter, DumpsEveryPartOfASmallProgram) {
  SourceManager sources;
  File f = parse(sources,
                 "# hi\n"
                 "upstream u { server 127.0.0.1:9001 weight 2 backup\n"
                 "  retry 2 on [502, connect_error] backoff 10ms..1s jitter }\n"
                 "route r {\n"
                 "  match { path prefix \"/v1\" method [GET] header \"X\" matches /a/i }\n"
                 "  authenticate a or b optional\n"
                 "  request { set header \"K\" = \"v\\/\" }\n"
                 "  forward u 100% by client.ip\n"
                 "}\n"
                 "test \"t\" { request GET \"/v1\" jwt { sub: \"x\" } expect status 401 }\n");
  EXPECT_EQ(printAst(f),
            "(file\n"
            "  (upstream u\n"
            "    (server 127.0.0.1:9001 weight 2 backup)\n"
            "    (retry 2 on (list 502 connect_error) backoff 10ms 1s jitter))\n"
            "  (route r\n"
            "    (match\n"
            "      (path prefix explicit \"/v1\")\n"
            "      (method (list GET))\n"
            "      (header \"X\" matches /a/i))\n"
            "    (authenticate a b optional)\n"
            "    (request\n"
            "      (set_header \"K\" \"v/\"))\n"
            "    (forward\n"
            "      (target u 100%)\n"
            "      (by client.ip)))\n"
            "  (test \"t\"\n"
            "    (request GET \"/v1\"\n"
            "      (claims \"{\\\"sub\\\":\\\"x\\\"}\"))\n"
            "    (expect status 401))\n"
            "  (comments\n"
            "    (\"# hi\")))\n");
}

TEST(AstPrinter, SpansAreOptional) {
  SourceManager sources;
  File f = parse(sources, "route r {\n  forward u\n}\n");
  AstPrintOptions o;
  o.spans = true;
  EXPECT_EQ(printAst(f, o), "(file\n  (route r@1:7@1:1\n    (forward@2:3\n      (target u@2:11@2:11))))\n");
}

TEST(AstPrinter, ShowsHowPrecedenceGroups) {
  SourceManager sources;
  File f = parse(sources, "policy p {\n"
                          "  allow when not a == b and c or d\n"
                          "  allow when a not in b == c\n"
                          "  allow when x matches /r/ and not y\n"
                          "}\n");
  const auto& rules = f.policies.at(0).rules;
  EXPECT_EQ(printExpr(*rules[0].cond), "(or (and (not (== a b)) c) d)");
  EXPECT_EQ(printExpr(*rules[1].cond), "(not in a (== b c))");
  EXPECT_EQ(printExpr(*rules[2].cond), "(and (matches x /r/) (not y))");
}

TEST(AstPrinter, StringsDumpTheirValueNotTheirSpelling) {
  EXPECT_EQ(gw::fmt::testing::astDump("include \"a\\/b.gw\""),
            gw::fmt::testing::astDump("include \"a/b.gw\""));
  EXPECT_NE(gw::fmt::testing::astDump("include \"a.gw\""),
            gw::fmt::testing::astDump("include \"b.gw\""));
}

TEST(AstPrinter, ProgramDumpListsEveryFile) {
  Program p;
  p.files.resize(2);
  EXPECT_EQ(printAst(p), "(program\n  (file)\n  (file))\n");
}

}  // namespace
}  // namespace gw::ast
