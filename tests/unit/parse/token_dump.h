#pragma once
// Shared by the lexer equivalence test and tests/fuzz/front/lexer_fuzzer.cc: the token streams
// of the generated ANTLR lexer (the specification, dsl/GwLexer.g4) and of the hand-written
// lexer, as comparable values.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace gw::parse::testing {

/// Everything the parser and the AST builder can observe of one token.
struct TokenFields {
  size_t type, channel, start, stop, line, column;
  std::string text;
  bool operator==(const TokenFields&) const = default;
};

/// The generated GwLexer's tokens up to and including EOF; nullopt when ANTLR cannot decode the
/// text (it rejects invalid UTF-8 by throwing).
std::optional<std::vector<TokenFields>> antlrTokens(const std::string& text);
/// The hand-written lexer's tokens up to and including EOF (text must be valid UTF-8).
std::vector<TokenFields> handTokens(const std::string& text);
/// What the parser is fed (compiler/parse/token_buffer.h): the hand-written lexer's
/// default-channel tokens and its comments, merged in source order, up to and including EOF.
std::vector<TokenFields> bufferTokens(const std::string& text);
/// `tokens` without the whitespace tokens: what bufferTokens must equal.
std::vector<TokenFields> withoutWhitespace(std::vector<TokenFields> tokens);
/// "TYPE channel start..stop line:col 'text'" per token, for failure messages.
std::string describe(const std::vector<TokenFields>& tokens);

}  // namespace gw::parse::testing
