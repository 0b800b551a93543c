#pragma once
// Internal to compiler/parse: the parser's token stream, filled once from the hand-written
// lexer. Tokens live in one vector (no allocation per token, unlike CommonToken +
// CommonTokenStream), and only the default channel is kept: the parser never looks at
// whitespace, and comments are set aside for the formatter. ANTLR's CommonTokenStream would
// also dynamic_cast every token it buffers; this stream has nothing to cast.
#include <string>
#include <string_view>
#include <vector>

#include "antlr4-runtime.h"
#include "compiler/parse/hand_lexer.h"

namespace gw::parse {

/// A token viewing the lexer's input. Immutable; owned by its TokenBuffer.
class BufferedToken final : public antlr4::Token {
 public:
  BufferedToken(const HandLexer::Lexeme& lx, size_t index, antlr4::TokenSource* source)
      : text_(lx.text), source_(source), type_(lx.type), line_(lx.line), column_(lx.column),
        index_(index), start_(lx.start), stop_(lx.stop) {}

  size_t getType() const override { return type_; }
  std::string getText() const override { return std::string(text_); }
  /// The token's bytes without a copy ("<EOF>" for the end of the file).
  std::string_view text() const { return text_; }
  size_t getLine() const override { return line_; }
  size_t getCharPositionInLine() const override { return column_; }
  size_t getChannel() const override { return DEFAULT_CHANNEL; }
  size_t getTokenIndex() const override { return index_; }
  size_t getStartIndex() const override { return start_; }
  size_t getStopIndex() const override { return stop_; }
  antlr4::TokenSource* getTokenSource() const override { return source_; }
  antlr4::CharStream* getInputStream() const override { return nullptr; }
  std::string toString() const override;

 private:
  std::string_view text_;
  antlr4::TokenSource* source_;
  size_t type_, line_, column_, index_, start_, stop_;
};

/// Every default-channel token of one file, ending with EOF, plus its comments. Implements
/// ANTLR's TokenStream over them. The lexer's input must outlive the buffer; the buffer must
/// outlive the parser and every parse tree built from it. Not thread-safe.
class TokenBuffer final : public antlr4::TokenStream {
 public:
  /// Lexes the whole input of `lexer`, which must outlive the buffer; `sizeHint` is the
  /// input's size in bytes (for preallocation).
  TokenBuffer(HandLexer& lexer, size_t sizeHint);

  const std::vector<BufferedToken>& tokens() const { return tokens_; }
  /// The COMMENT tokens, in source order.
  const std::vector<HandLexer::Lexeme>& comments() const { return comments_; }

  antlr4::Token* LT(ssize_t k) override;
  antlr4::Token* get(size_t index) const override;
  antlr4::TokenSource* getTokenSource() const override { return &lexer_; }
  std::string getText(const antlr4::misc::Interval& interval) override;
  std::string getText() override;
  std::string getText(antlr4::RuleContext* ctx) override;
  std::string getText(antlr4::Token* start, antlr4::Token* stop) override;

  void consume() override;
  size_t LA(ssize_t i) override;
  ssize_t mark() override { return 0; }
  void release(ssize_t) override {}
  size_t index() override { return p_; }
  void seek(size_t index) override { p_ = index < tokens_.size() ? index : tokens_.size() - 1; }
  size_t size() override { return tokens_.size(); }
  std::string getSourceName() const override { return lexer_.getSourceName(); }

 private:
  HandLexer& lexer_;
  std::vector<BufferedToken> tokens_;
  std::vector<HandLexer::Lexeme> comments_;
  size_t p_ = 0;
};

}  // namespace gw::parse
