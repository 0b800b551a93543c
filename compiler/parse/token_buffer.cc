#include "compiler/parse/token_buffer.h"

#include <algorithm>

#include "GwLexer.h"

namespace gw::parse {

std::string BufferedToken::toString() const {
  return "[@" + std::to_string(index_) + "," + std::to_string(start_) + ":" +
         std::to_string(stop_) + "='" + std::string(text_) + "',<" + std::to_string(type_) +
         ">," + std::to_string(line_) + ":" + std::to_string(column_) + "]";
}

TokenBuffer::TokenBuffer(HandLexer& lexer, size_t sizeHint) : lexer_(lexer) {
  // Policies average well over 4 bytes per default-channel token; reserving address space
  // costs nothing until it is touched, while regrowing copies every token and faults in new
  // pages each time.
  tokens_.reserve(sizeHint / 4 + 16);
  for (;;) {
    HandLexer::Lexeme lx = lexer_.next();
    if (lx.type == gwparse::GwLexer::COMMENT) {
      comments_.push_back(lx);
    } else if (lx.channel == antlr4::Token::DEFAULT_CHANNEL) {
      tokens_.emplace_back(lx, tokens_.size(), &lexer_);
      if (lx.type == antlr4::Token::EOF) {
        break;
      }
    }
  }
}

antlr4::Token* TokenBuffer::LT(ssize_t k) {
  if (k == 0) {
    return nullptr;
  }
  if (k < 0) {
    size_t back = static_cast<size_t>(-k);
    return back <= p_ ? &tokens_[p_ - back] : nullptr;
  }
  size_t i = p_ + static_cast<size_t>(k) - 1;
  return &tokens_[i < tokens_.size() ? i : tokens_.size() - 1];  // EOF forever
}

size_t TokenBuffer::LA(ssize_t i) {
  antlr4::Token* t = LT(i);
  return t ? t->getType() : antlr4::Token::INVALID_TYPE;
}

void TokenBuffer::consume() {
  if (tokens_[p_].getType() == antlr4::Token::EOF) {
    throw antlr4::IllegalStateException("cannot consume EOF");
  }
  ++p_;
}

antlr4::Token* TokenBuffer::get(size_t index) const {
  if (index >= tokens_.size()) {
    throw antlr4::IndexOutOfBoundsException("token index " + std::to_string(index) +
                                            " out of range 0.." +
                                            std::to_string(tokens_.size() - 1));
  }
  return const_cast<BufferedToken*>(&tokens_[index]);
}

// The source text from the first to the last token, hidden text between them included, like
// BufferedTokenStream's (which stops before EOF).
std::string TokenBuffer::getText(const antlr4::misc::Interval& interval) {
  if (interval.a < 0 || interval.b < 0 || tokens_.size() < 2) {
    return "";
  }
  size_t first = static_cast<size_t>(interval.a);
  size_t last = std::min(static_cast<size_t>(interval.b), tokens_.size() - 2);  // not EOF
  if (first > last) {
    return "";
  }
  const char* begin = tokens_[first].text().data();
  const char* end = tokens_[last].text().data() + tokens_[last].text().size();
  return std::string(begin, end);
}

std::string TokenBuffer::getText() {
  return getText(antlr4::misc::Interval(static_cast<ssize_t>(0), static_cast<ssize_t>(tokens_.size()) - 1));
}

std::string TokenBuffer::getText(antlr4::RuleContext* ctx) {
  return getText(ctx->getSourceInterval());
}

std::string TokenBuffer::getText(antlr4::Token* start, antlr4::Token* stop) {
  if (!start || !stop) {
    return "";
  }
  return getText(antlr4::misc::Interval(start->getTokenIndex(), stop->getTokenIndex()));
}

}  // namespace gw::parse
