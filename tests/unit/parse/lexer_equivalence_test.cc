// The hand-written lexer (compiler/parse/hand_lexer.h) against its specification, the lexer
// ANTLR generates from dsl/GwLexer.g4: the same tokens (type, channel, code-point start/stop,
// line, column, text) over every example, every golden test input, hand-picked edge cases and
// random inputs built to hit the longest-match rules.
#include <gtest/gtest.h>

#include <random>

#include "GwLexer.h"
#include "compiler/parse/hand_lexer.h"
#include "tests/unit/fmt/fmt_test_util.h"
#include "tests/unit/parse/token_dump.h"

namespace gw::parse::testing {
namespace {

using fmt::testing::filesUnder;
using fmt::testing::readFile;
using fmt::testing::sourceDir;

void expectSameTokens(const std::string& text) {
  std::optional<std::vector<TokenFields>> spec = antlrTokens(text);
  ASSERT_TRUE(spec.has_value()) << "ANTLR could not decode the input";
  std::vector<TokenFields> hand = handTokens(text);
  if (hand != *spec) {
    ADD_FAILURE() << "token streams differ for input:\n" << text << "\n--- ANTLR:\n"
                  << describe(*spec) << "--- hand:\n" << describe(hand);
  }
  // The parser's buffer: the same tokens without whitespace.
  std::vector<TokenFields> buffered = bufferTokens(text);
  std::vector<TokenFields> want = withoutWhitespace(*spec);
  if (buffered != want) {
    ADD_FAILURE() << "token buffer differs for input:\n" << text << "\n--- ANTLR:\n"
                  << describe(want) << "--- buffer:\n" << describe(buffered);
  }
}

std::vector<std::string> repositoryInputs() {
  std::vector<std::string> files;
  for (const char* dir : {"/examples", "/tests/diagnostics", "/tests/unit/fmt/golden",
                          "/tests/fuzz/front/corpus", "/tests/cases", "/bench"}) {
    for (std::string& f : filesUnder(sourceDir() + dir, ".gw")) {
      files.push_back(std::move(f));
    }
  }
  // The fuzz corpus holds files without the .gw suffix too.
  for (std::string& f : filesUnder(sourceDir() + "/tests/fuzz/front/corpus", "")) {
    files.push_back(std::move(f));
  }
  return files;
}

TEST(LexerEquivalence, EveryRepositoryPolicyLexesIdentically) {
  std::vector<std::string> files = repositoryInputs();
  ASSERT_GE(files.size(), 100u);  // examples + golden diagnostics + fmt goldens + corpus
  size_t compared = 0;
  for (const std::string& f : files) {
    std::string text = readFile(f);
    if (firstInvalidUtf8(text)) {
      continue;
    }
    SCOPED_TRACE(f);
    expectSameTokens(text);
    ++compared;
  }
  EXPECT_GE(compared, 100u);
}

TEST(LexerEquivalence, LongestMatchAndTieBreakingEdgeCases) {
  const char* cases[] = {
      "", " ", "\n", "\r\n\t ", "a", "route", "routes", "route-1", "_x", "true", "truex", "null",
      "localhost", "localhost:", "localhost:8080", "localhostx:80", "localhost-a:80",
      "10.0.0.1", "10.0.0.1/8", "10.0.0.1:80", "10.0.0.1/", "10.0.0.1:", "1.2.3", "1.2.3.4.5",
      "1.2.3.4/8s", "10.0.0.1.5s", "100/s", "5/10s", "5/ms", "5/10", "5/", "5/x/", "30s", "250ms",
      "5m", "5mb", "5mib", "5min", "5us", "5u", "1.5s", "1.5", "1.", "1..2", "16kb", "16KB",
      "16Kb", "1gib", "1GB", "2b", "5%", "2.5%", "5%%", "42", "007", "\"\"", "\"a b\"",
      "\"a\\\"b\"", "\"unterminated", "\"ends with backslash\\", "\"line\nbreak\"",
      "\"esc\\\nx\"", "\"\\\\\"", "/re/", "/re/i", "/re/iz9", "//", "/a\\/b/", "/a\\", "/\n/",
      "/é/", "# comment", "#", "# with \"quote\" and /slash/\nx", "#\r\nx", "{}[](),;:", "..",
      "...", ".", "=>", "==", "=", "===", "!=", "!", "<=", "<", ">=", ">", "=>>", "@", "$", "\\",
      "é", "日本", "😀", "\"é😀\"", "# é😀", "\v", "\f",
      "a\vb", "x.y.z", "request.header(\"X\")", "a-b-c", "-a", "9a", "9_a", "1.2.3.4ms",
      "1.2.3.4%", "1.2.3.4:80/8", "0.0.0.0:0", "65536", "1e5", "5d", "5h", "5hm", "5s5",
      "\xEF\xBB\xBFroute r {}", "\xEF\xBB\xBF", "a \xEF\xBB\xBF b",  // a leading BOM is skipped
  };
  for (const char* c : cases) {
    SCOPED_TRACE(c);
    expectSameTokens(c);
  }
  static const char kComment[] = "# nul \0 and \v in a comment\nroute r {}";
  static const char kString[] = "\"nul \0 in a string\" a\0b";
  expectSameTokens(std::string(kComment, sizeof kComment - 1));
  expectSameTokens(std::string(kString, sizeof kString - 1));
}

// Random inputs drawn from fragments that exercise every rule's boundaries.
TEST(LexerEquivalence, RandomInputsLexIdentically) {
  static const std::vector<std::string> kPieces = {
      "0", "1", "9", "10", ".", "..", "/", ":", "%", "s", "ms", "m", "h", "d", "us", "u", "b",
      "kb", "KB", "mib", "gi", "i", "x", "route", "timeout", "localhost", "_", "-", "\"", "\\",
      "#", " ", "\n", "\r", "\t", "{", "}", "[", "]", "(", ")", ",", ";", "=", "==", "=>", "!",
      "<", ">", "é", "😀", "日", std::string(1, '\0'), "\v", "@", "true", "null", "a", "Z",
  };
  std::mt19937 rng(20261128);
  std::uniform_int_distribution<size_t> piece(0, kPieces.size() - 1);
  std::uniform_int_distribution<int> length(0, 40);
  for (int iteration = 0; iteration < 6000; ++iteration) {
    std::string text;
    for (int n = length(rng); n > 0; --n) {
      text += kPieces[piece(rng)];
    }
    SCOPED_TRACE(iteration);
    expectSameTokens(text);
    if (HasFailure()) {
      return;  // one counterexample is enough to read
    }
  }
}

// Random byte-level mutations of real policies (replace, insert, delete, splice).
TEST(LexerEquivalence, MutatedExamplesLexIdentically) {
  std::vector<std::string> texts;
  for (const std::string& f : filesUnder(sourceDir() + "/examples", ".gw")) {
    texts.push_back(readFile(f));
  }
  ASSERT_FALSE(texts.empty());
  std::mt19937 rng(4242);
  const std::string alphabet = "0123456789./:%smhdubkKMGi\"\\#\n\r\t {}[](),;=<>!@xé";
  for (int iteration = 0; iteration < 500; ++iteration) {
    std::string text = texts[rng() % texts.size()];
    for (int k = 0; k < 8 && !text.empty(); ++k) {
      size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0: text[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        case 2: text.erase(at, 1 + rng() % 8); break;
        default: text.insert(at, text.substr(rng() % text.size(), rng() % 16)); break;
      }
    }
    if (firstInvalidUtf8(text)) {
      continue;  // a mutation can split a multi-byte character
    }
    SCOPED_TRACE(iteration);
    expectSameTokens(text);
    if (HasFailure()) {
      return;
    }
  }
}

TEST(Utf8Validation, AcceptsWellFormedAndFindsTheFirstBadByte) {
  EXPECT_FALSE(firstInvalidUtf8(""));
  EXPECT_FALSE(firstInvalidUtf8("plain ascii \x7f"));
  EXPECT_FALSE(firstInvalidUtf8("é 日本 😀 \xF4\x8F\xBF\xBF"));  // U+10FFFF is the last valid
  EXPECT_EQ(firstInvalidUtf8("ab\x80"), 2u);                   // stray continuation byte
  EXPECT_EQ(firstInvalidUtf8("a\xC0\xAF"), 1u);                // overlong '/'
  EXPECT_EQ(firstInvalidUtf8("\xE0\x80\xAF"), 0u);             // overlong, 3 bytes
  EXPECT_EQ(firstInvalidUtf8("x\xED\xA0\x80"), 1u);            // UTF-16 surrogate
  EXPECT_EQ(firstInvalidUtf8("\xF4\x90\x80\x80"), 0u);         // above U+10FFFF
  EXPECT_EQ(firstInvalidUtf8("ok\xE6\x97"), 2u);               // truncated at the end
  EXPECT_EQ(firstInvalidUtf8("\xFF"), 0u);
}

TEST(HandLexer, KeywordTableComesFromTheGrammar) {
  // Spot checks that the vocabulary-derived tables are complete at both ends of the list.
  std::vector<TokenFields> t = handTokens("include no_route null => =");
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t[0].type, gwparse::GwLexer::INCLUDE);
  EXPECT_EQ(t[2].type, gwparse::GwLexer::NO_ROUTE);
  EXPECT_EQ(t[4].type, gwparse::GwLexer::KW_NULL);
  EXPECT_EQ(t[6].type, gwparse::GwLexer::ARROW);
  EXPECT_EQ(t[8].type, gwparse::GwLexer::ASSIGN);
  EXPECT_EQ(t[9].type, antlr4::Token::EOF);
}

}  // namespace
}  // namespace gw::parse::testing
