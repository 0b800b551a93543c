// The text renderer echoes the source line safely: bytes a terminal would not show as
// themselves are spelled out, and the caret underlines the spelled-out form.
#include <gtest/gtest.h>

#include "compiler/diag/render.h"

namespace gw::testing {
namespace {

// The three snippet lines (empty gutter, source line, caret line) of the only diagnostic.
std::vector<std::string> snippet(const std::string& text, uint32_t offset, uint32_t length,
                                 std::string message = "m") {
  SourceManager sources;
  uint32_t id = sources.add("t.gw", text);
  DiagnosticSink diags;
  diags.report(DiagCode::SyntaxError, sources.spanAt(id, offset, length), std::move(message));
  std::string out = renderText(diags, sources, false);
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(out.substr(start, nl - start));
  }
  return {lines.at(0), lines.at(2), lines.at(3)};
}

// The caret line: `at` display columns of indentation, then `width` carets.
std::string caret(size_t at, size_t width) {
  return "  | " + std::string(at, ' ') + std::string(width, '^');
}

TEST(RenderText, PlainAsciiIsEchoedAsIs) {
  auto s = snippet("route r { forward x }\n", 18, 1);
  EXPECT_EQ(s[0], "t.gw:1:19: error[E0001]: m");
  EXPECT_EQ(s[1], "1 | route r { forward x }");
  EXPECT_EQ(s[2], caret(18, 1));
}

TEST(RenderText, ControlCharactersAreSpelledOutAndUnderlinedWhole) {
  auto s = snippet("# a \x1b[31m b\n", 4, 1);
  EXPECT_EQ(s[1], "1 | # a <U+001B>[31m b");
  EXPECT_EQ(s[2], caret(4, 8));
  std::string nul("x\0y", 3);
  s = snippet(nul, 1, 1);
  EXPECT_EQ(s[1], "1 | x<U+0000>y");
  EXPECT_EQ(s[2], caret(1, 8));
}

TEST(RenderText, BytesThatAreNotUtf8AreHexAndTheCaretFollowsThem) {
  auto s = snippet("path \"/caf\xe9\" \xff bad\n", 15, 3);
  EXPECT_EQ(s[0], "t.gw:1:16: error[E0001]: m");  // columns count bytes
  EXPECT_EQ(s[1], "1 | path \"/caf<E9>\" <FF> bad");
  EXPECT_EQ(s[2], caret(21, 3));
  s = snippet("x\xc3(", 1, 1);  // a truncated two-byte sequence
  EXPECT_EQ(s[1], "1 | x<C3>(");
  EXPECT_EQ(s[2], caret(1, 4));
}

TEST(RenderText, MultiByteCharactersTakeOneColumn) {
  // `é` is 2 bytes, `日` 3 and `😀` 4; the span's column counts bytes.
  auto s = snippet("\"é日😀\" bad", 12, 3);
  EXPECT_EQ(s[0], "t.gw:1:13: error[E0001]: m");
  EXPECT_EQ(s[1], "1 | \"é日😀\" bad");
  EXPECT_EQ(s[2], caret(6, 3));
}

TEST(RenderText, InvisibleAndBidiCharactersAreSpelledOut) {
  // U+202E RIGHT-TO-LEFT OVERRIDE would reorder the echoed line ("Trojan Source").
  auto s = snippet("when \"a\xe2\x80\xae\" == x\n", 15, 1);
  EXPECT_EQ(s[1], "1 | when \"a<U+202E>\" == x");
  EXPECT_EQ(s[2], caret(20, 1));
}

TEST(RenderText, TabsAreOneSpace) {
  auto s = snippet("\tforward x\n", 9, 1);
  EXPECT_EQ(s[1], "1 |  forward x");
  EXPECT_EQ(s[2], caret(9, 1));
}

TEST(RenderText, ASpanPastTheEndOfTheLinePointsJustAfterIt) {
  auto s = snippet("route r {\xe9", 10, 1);  // the end of the file, after the bad byte
  EXPECT_EQ(s[1], "1 | route r {<E9>");
  EXPECT_EQ(s[2], caret(13, 1));
}

TEST(RenderText, MessagesAreMadeSafeToo) {
  auto s = snippet("x\n", 0, 1, std::string("unexpected `\x1b` \xff", 16));
  EXPECT_EQ(s[0], "t.gw:1:1: error[E0001]: unexpected `<U+001B>` <FF>");
}

TEST(RenderText, AByteOrderMarkIsNeitherEchoedNorCounted) {
  auto s = snippet("\xEF\xBB\xBFroute r {\n", 9, 1);
  EXPECT_EQ(s[0], "t.gw:1:7: error[E0001]: m");
  EXPECT_EQ(s[1], "1 | route r {");
  EXPECT_EQ(s[2], caret(6, 1));
}

}  // namespace
}  // namespace gw::testing
