// Spans of a file that starts with a UTF-8 byte order mark: the lexer skips the mark, and
// line 1's columns count from the byte after it, so every span (line, column, byte offset)
// points at the same text as in the file without the mark.
#include <gtest/gtest.h>

#include "compiler/parse/parser.h"

namespace gw::parse::testing {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

struct Parsed {
  SourceManager sources;
  ast::File file;
  std::vector<Diagnostic> diags;
};

void parseInto(Parsed& p, const std::string& text) {
  DiagnosticSink sink;
  p.file = parseFile(p.sources, p.sources.add("t.gw", text), sink);
  p.diags = sink.all();
}

TEST(BomSpans, PointAtTheSameTextAsWithoutTheMark) {
  // Non-ASCII text before the second route makes the lexer's code-point indexes differ from
  // byte offsets, the case the byte order mark used to shift by one code point (3 bytes).
  const std::string body = "route r {\n  forward u\n}\n# café\nroute s { forward v }\n";
  Parsed plain, bom;
  parseInto(plain, body);
  parseInto(bom, std::string(kBom) + body);
  ASSERT_TRUE(plain.diags.empty());
  ASSERT_TRUE(bom.diags.empty());
  ASSERT_EQ(bom.file.routes.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const ast::Route& a = plain.file.routes[i];
    const ast::Route& b = bom.file.routes[i];
    EXPECT_EQ(b.name.span.line, a.name.span.line);
    EXPECT_EQ(b.name.span.col, a.name.span.col);
    EXPECT_EQ(b.name.span.offset, a.name.span.offset + kBom.size());
    EXPECT_EQ(b.name.span.length, a.name.span.length);
    EXPECT_EQ(bom.sources.text(b.name.span), b.name.text);
    const ast::Ident& target = b.forward->targets.at(0).upstream;
    EXPECT_EQ(target.span.col, a.forward->targets.at(0).upstream.span.col);
    EXPECT_EQ(bom.sources.text(target.span), target.text);
  }
  EXPECT_EQ(bom.file.routes[0].name.span.line, 1u);
  EXPECT_EQ(bom.file.routes[0].name.span.col, 7u);  // `route r`: the r is the 7th character
  EXPECT_EQ(bom.file.routes[1].name.span.line, 5u);
  EXPECT_EQ(bom.file.routes[1].name.span.col, 7u);
  // The echoed first line does not include the mark.
  EXPECT_EQ(bom.sources.lineText(0, 1), "route r {");
}

TEST(BomSpans, SyntaxErrorsAndCommentsToo) {
  Parsed p;
  parseInto(p, std::string(kBom) + "# é\nroute r {\n  timout 5s\n}\n");
  ASSERT_EQ(p.diags.size(), 1u);
  EXPECT_EQ(p.diags[0].span.line, 3u);
  EXPECT_EQ(p.diags[0].span.col, 3u);
  EXPECT_EQ(p.sources.text(p.diags[0].span), "timout");
  ASSERT_EQ(p.file.comments.size(), 1u);
  EXPECT_EQ(p.file.comments[0].span.col, 1u);
  EXPECT_EQ(p.sources.text(p.file.comments[0].span), "# é");
}

}  // namespace
}  // namespace gw::parse::testing
