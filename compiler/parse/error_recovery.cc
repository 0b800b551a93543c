#include "compiler/parse/error_recovery.h"

#include "GwLexer.h"

namespace gw::parse {

using gwparse::GwLexer;

void ItemRecoveryStrategy::sync(antlr4::Parser* recognizer) {
  if (inErrorRecoveryMode(recognizer)) {
    return;
  }
  const antlr4::atn::ATN& atn = recognizer->getATN();
  antlr4::atn::ATNState* state = atn.states[recognizer->getState()];
  size_t type = state->getStateType();
  if (type != antlr4::atn::ATNState::STAR_LOOP_ENTRY &&
      type != antlr4::atn::ATNState::STAR_LOOP_BACK) {
    DefaultErrorStrategy::sync(recognizer);
    return;
  }
  antlr4::misc::IntervalSet next = atn.nextTokens(state);
  size_t la = recognizer->getTokenStream()->LA(1);
  if (next.contains(antlr4::Token::EPSILON) || next.contains(la)) {
    return;
  }
  // Only the lists of items: inside a block (the loop is followed by its `}`) or at the top
  // level (followed by the end of the file). Other loops (list elements, options) keep ANTLR's
  // recovery.
  if (!next.contains(static_cast<size_t>(GwLexer::RBRACE)) &&
      !next.contains(antlr4::Token::EOF)) {
    DefaultErrorStrategy::sync(recognizer);
    return;
  }
  antlr4::TokenStream* in = recognizer->getTokenStream();
  antlr4::Token* bad = in->LT(1);
  antlr4::Token* previous = in->LT(-1);
  if (next.contains(static_cast<size_t>(GwLexer::RBRACE)) && previous &&
      previous->getLine() < bad->getLine() && getErrorRecoverySet(recognizer).contains(la)) {
    // Leave the token: the loop ends, the `}` it expects is conjured by ANTLR's single-token
    // insertion (quietly, in error mode), and the enclosing block goes on with this token.
    recognizer->notifyErrorListeners(bad, kMissingCloseBrace, nullptr);
    beginErrorCondition(recognizer);
    return;
  }
  skipBadItem(recognizer, next);
}

void ItemRecoveryStrategy::skipBadItem(antlr4::Parser* recognizer,
                                       const antlr4::misc::IntervalSet& expected) {
  antlr4::TokenStream* in = recognizer->getTokenStream();
  antlr4::Token* bad = in->LT(1);
  recognizer->notifyErrorListeners(bad, "unexpected " + getTokenErrorDisplay(bad), nullptr);
  // Quiet until the next successful match, like every ANTLR recovery.
  beginErrorCondition(recognizer);
  const size_t badLine = bad->getLine();
  size_t depth = 0;
  for (;;) {
    antlr4::Token* t = in->LT(1);
    size_t tt = t->getType();
    if (tt == antlr4::Token::EOF) {
      return;
    }
    if (depth == 0) {
      if ((tt == GwLexer::RBRACE || tt == GwLexer::SEMI) && expected.contains(tt)) {
        return;
      }
      if (t->getLine() != badLine && expected.contains(tt)) {
        return;
      }
    }
    if (tt == GwLexer::LBRACE || tt == GwLexer::LBRACK || tt == GwLexer::LPAREN) {
      ++depth;
    } else if ((tt == GwLexer::RBRACE || tt == GwLexer::RBRACK || tt == GwLexer::RPAREN) &&
               depth > 0) {
      --depth;
    }
    recognizer->consume();
  }
}

}  // namespace gw::parse
