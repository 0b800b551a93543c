#include "tests/unit/parse/token_dump.h"

#include "GwLexer.h"
#include "antlr4-runtime.h"
#include "compiler/parse/hand_lexer.h"
#include "compiler/parse/token_buffer.h"

namespace gw::parse::testing {
namespace {

std::vector<TokenFields> drain(antlr4::TokenSource& source) {
  std::vector<TokenFields> out;
  for (;;) {
    std::unique_ptr<antlr4::Token> t = source.nextToken();
    out.push_back(TokenFields{t->getType(), t->getChannel(), t->getStartIndex(),
                              t->getStopIndex(), t->getLine(), t->getCharPositionInLine(),
                              t->getText()});
    if (t->getType() == antlr4::Token::EOF || out.size() > 1'000'000) {
      return out;
    }
  }
}

}  // namespace

std::optional<std::vector<TokenFields>> antlrTokens(const std::string& text) {
  std::unique_ptr<antlr4::ANTLRInputStream> input;
  try {
    input = std::make_unique<antlr4::ANTLRInputStream>(text);
  } catch (...) {
    return std::nullopt;
  }
  gwparse::GwLexer lexer(input.get());
  lexer.removeErrorListeners();
  return drain(lexer);
}

std::vector<TokenFields> handTokens(const std::string& text) {
  HandLexer lexer(text);
  return drain(lexer);
}

std::vector<TokenFields> bufferTokens(const std::string& text) {
  HandLexer lexer(text);
  TokenBuffer buffer(lexer, text.size());
  std::vector<TokenFields> out;
  const std::vector<HandLexer::Lexeme>& comments = buffer.comments();
  size_t c = 0;
  for (const BufferedToken& t : buffer.tokens()) {
    for (; c < comments.size() && comments[c].start < t.getStartIndex(); ++c) {
      const HandLexer::Lexeme& lx = comments[c];
      out.push_back(TokenFields{lx.type, lx.channel, lx.start, lx.stop, lx.line, lx.column,
                                std::string(lx.text)});
    }
    out.push_back(TokenFields{t.getType(), t.getChannel(), t.getStartIndex(), t.getStopIndex(),
                              t.getLine(), t.getCharPositionInLine(), t.getText()});
  }
  return out;
}

std::vector<TokenFields> withoutWhitespace(std::vector<TokenFields> tokens) {
  std::erase_if(tokens, [](const TokenFields& t) { return t.type == gwparse::GwLexer::WS; });
  return tokens;
}

std::string describe(const std::vector<TokenFields>& tokens) {
  std::string out;
  for (const TokenFields& t : tokens) {
    out += std::to_string(t.type) + " ch" + std::to_string(t.channel) + " " +
           std::to_string(t.start) + ".." + std::to_string(t.stop) + " " +
           std::to_string(t.line) + ":" + std::to_string(t.column) + " '" + t.text + "'\n";
  }
  return out;
}

}  // namespace gw::parse::testing
