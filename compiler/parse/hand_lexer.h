#pragma once
// Internal to compiler/parse: a hand-written lexer for the .gw language that feeds ANTLR's
// parser. dsl/GwLexer.g4 stays the specification: this lexer produces exactly the token stream
// the generated GwLexer produces (same token types from GwLexer.h, channels, text, code-point
// start/stop indexes, lines and columns, and the same error tokens UNTERMINATED_STRING and
// UNKNOWN_CHAR). tests/unit/parse/lexer_equivalence_test.cc and tests/fuzz/front/lexer_fuzzer.cc
// compare the two. It exists for speed: the generated lexer simulates an ATN per character and
// converts the whole file to UTF-32 first; this one scans the UTF-8 bytes once.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "antlr4-runtime.h"

namespace gw::parse {

/// The byte offset of the first byte that is not part of well-formed UTF-8 (overlong forms,
/// surrogates and code points above U+10FFFF are ill-formed), or nothing for valid text.
std::optional<size_t> firstInvalidUtf8(std::string_view text);

/// Produces the GwLexer token stream of `text`, which must be valid UTF-8 (check with
/// firstInvalidUtf8 first). Keeps a view of `text`: the text must outlive the lexer. Not
/// thread-safe; one lexer per parse.
class HandLexer : public antlr4::TokenSource {
 public:
  explicit HandLexer(std::string_view text, std::string sourceName = "");

  /// One token as plain data: what nextToken() wraps in a CommonToken. `text` views the
  /// lexer's input ("<EOF>", a literal, for the end of the file).
  struct Lexeme {
    size_t type = 0;
    size_t channel = 0;
    size_t start = 0;  // code-point indexes, as ANTLR's (stop = start - 1 for EOF)
    size_t stop = 0;
    size_t line = 1;
    size_t column = 0;
    std::string_view text;
  };
  /// The next token; after the end of the input, EOF again and again.
  Lexeme next();

  std::unique_ptr<antlr4::Token> nextToken() override;
  size_t getLine() const override { return line_; }
  size_t getCharPositionInLine() override { return column_; }
  /// There is no CharStream: every token carries its own text.
  antlr4::CharStream* getInputStream() override { return nullptr; }
  std::string getSourceName() override { return sourceName_; }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override {
    return antlr4::CommonTokenFactory::DEFAULT.get();
  }

 private:
  struct Match {
    size_t type = 0;
    size_t length = 0;  // bytes
  };
  Match scan() const;
  Match scanWord() const;
  Match scanNumber() const;
  Match scanString() const;
  Match scanRegex() const;
  Match scanPunct() const;
  size_t codePointLength(size_t at) const;
  size_t digitsAt(size_t at) const;
  size_t ipv4At(size_t at) const;
  size_t timeUnitAt(size_t at) const;
  size_t sizeUnitAt(size_t at) const;

  std::string_view text_;
  std::string sourceName_;
  size_t pos_ = 0;        // byte offset of the next token
  size_t codePoint_ = 0;  // code-point index of pos_ (ANTLR's token indexes)
  size_t line_ = 1;
  size_t column_ = 0;     // code points since the last '\n', as ANTLR counts
};

}  // namespace gw::parse
