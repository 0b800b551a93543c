// libFuzzer target: the hand-written lexer (compiler/parse/hand_lexer.h) must produce exactly
// the token stream of the lexer ANTLR generates from dsl/GwLexer.g4 (type, channel, code-point
// start/stop, line, column, text) for every valid UTF-8 input; invalid UTF-8 never reaches a
// lexer (parseFile reports E0008 first). The parser's TokenBuffer must hold the same tokens
// without the whitespace. Seeds: the front-end corpus; dictionary: dsl/gw.dict.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/parse/hand_lexer.h"
#include "tests/unit/parse/token_dump.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16 * 1024) {
    return 0;
  }
  std::string text(reinterpret_cast<const char*>(data), size);
  if (gw::parse::firstInvalidUtf8(text)) {
    return 0;
  }
  auto spec = gw::parse::testing::antlrTokens(text);
  if (!spec) {
    return 0;  // libstdc++'s decoder refused text we consider valid: nothing to compare
  }
  if (gw::parse::testing::handTokens(text) != *spec) {
    __builtin_trap();
  }
  // What the parser is fed (token_buffer.h): the same tokens, whitespace left out.
  if (gw::parse::testing::bufferTokens(text) != gw::parse::testing::withoutWhitespace(*spec)) {
    __builtin_trap();
  }
  return 0;
}
