// The ANTLR wall: UTF-8 validation, lexing (hand_lexer.h), two-stage parsing (fast SLL, then full
// LL with item-level error recovery), our own error listener with did-you-mean for misspelled
// keywords, a nesting pre-scan, comment checks and a catch-all so no ANTLR exception escapes.
#include "compiler/parse/parser.h"

#include <cctype>
#include <cstdio>
#include <exception>
#include <optional>

#include "GwLexer.h"
#include "GwParser.h"
#include "antlr4-runtime.h"
#include "compiler/parse/ast_builder.h"
#include "compiler/parse/error_recovery.h"
#include "compiler/parse/hand_lexer.h"
#include "compiler/parse/offset_map.h"
#include "compiler/parse/parse_arena.h"
#include "compiler/parse/token_buffer.h"
#include "compiler/sema/suggest.h"

namespace gw {
namespace {

using gwparse::GwLexer;
using gwparse::GwParser;

// Friendly phrases for the rule a syntax error happened in. Inside a declaration's own item
// list the context is the declaration, named by its keyword.
std::string ruleDescription(antlr4::ParserRuleContext* ctx) {
  size_t ruleIndex = ctx->getRuleIndex();
  if (ruleIndex == GwParser::RuleDecl && ctx->getStart()) {
    switch (ctx->getStart()->getType()) {
      case GwLexer::GATEWAY: return "in the gateway block";
      case GwLexer::UPSTREAM: return "in an upstream";
      case GwLexer::AUTH: return "in an auth block";
      case GwLexer::LIMIT: return "in a limit";
      case GwLexer::POLICY: return "in a policy";
      case GwLexer::ROUTE: return "in a route";
      case GwLexer::TEST: return "in a test";
      default: break;
    }
  }
  if (ruleIndex == GwParser::RuleRouteItem && ctx->getStart()) {
    switch (ctx->getStart()->getType()) {
      case GwLexer::MATCH: return "in a match block";
      case GwLexer::REQUEST: return "in a request block";
      case GwLexer::RESPONSE: return "in a response block";
      case GwLexer::AUTHORIZE: return "in an authorize block";
      case GwLexer::AGGREGATE: return "in an aggregate block";
      default: break;
    }
  }
  switch (ruleIndex) {
    case GwParser::RuleFile:
    case GwParser::RuleDecl: return "at the top level";
    case GwParser::RuleGatewayItem: return "in the gateway block";
    case GwParser::RuleTlsBlock:
    case GwParser::RuleTlsItem: return "in a tls block";
    case GwParser::RuleUpstreamItem:
    case GwParser::RuleHealthOpt:
    case GwParser::RuleBreakerOpt:
    case GwParser::RuleRetryOpt: return "in an upstream";
    case GwParser::RuleAuthItem:
    case GwParser::RuleSource: return "in an auth block";
    case GwParser::RuleLimitItem: return "in a limit";
    case GwParser::RulePolicyRule: return "in a rule";
    case GwParser::RuleRouteItem:
    case GwParser::RuleForwardTarget:
    case GwParser::RuleAggregatePart: return "in a route";
    case GwParser::RuleMatchItem:
    case GwParser::RuleFieldCondition: return "in a match block";
    case GwParser::RuleTransform:
    case GwParser::RuleJsonOp: return "in a transform block";
    case GwParser::RuleTestItem:
    case GwParser::RuleRequestOpt:
    case GwParser::RuleExpectation: return "in a test";
    case GwParser::RuleObject:
    case GwParser::RuleObjectEntry:
    case GwParser::RuleJsonValue: return "in an object";
    case GwParser::RuleExpr:
    case GwParser::RuleCompareOp:
    case GwParser::RulePrimary: return "in an expression";
    case GwParser::RuleList:
    case GwParser::RuleListElem: return "in a list";
    default: return "";
  }
}

// What a user should type next: the expected tokens when there are few of them, or the
// item keywords of the block for long sets.
std::string expectedHint(antlr4::Parser* parser) {
  antlr4::misc::IntervalSet expected;
  try {
    expected = parser->getExpectedTokens();
  } catch (...) {
    return "";
  }
  std::vector<std::string> names;
  for (ssize_t t : expected.toList()) {
    if (t == static_cast<ssize_t>(antlr4::Token::EOF)) {
      names.push_back("end of file");
      continue;
    }
    if (t == GwParser::SEMI) {
      continue;  // optional separators are never the useful suggestion
    }
    std::string n = parser->getVocabulary().getDisplayName(t);
    if (n.size() > 2 && n.front() == '\'' && n.back() == '\'') {
      n = "`" + n.substr(1, n.size() - 2) + "`";
    } else {
      // A token class: describe it.
      static const std::pair<const char*, const char*> kinds[] = {
          {"STRING", "a string"}, {"INT", "a number"}, {"DURATION", "a duration like `30s`"},
          {"SIZE", "a size like `16kb`"}, {"RATE_LIT", "a rate like `100/s`"},
          {"PERCENT", "a percentage like `5%`"}, {"IPV4", "an IP address"},
          {"CIDR", "a CIDR like `10.0.0.0/8`"}, {"ADDRESS", "an address like `127.0.0.1:8080`"},
          {"REGEX", "a regex like `/^v[0-9]+$/`"}, {"IDENT", "a name"}};
      for (auto& [tok, desc] : kinds) {
        if (n == tok) {
          n = desc;
        }
      }
    }
    names.push_back(n);
  }
  if (names.empty() || names.size() > 8) {
    return "";
  }
  std::string out = "expected ";
  for (size_t i = 0; i < names.size(); ++i) {
    out += (i == 0 ? "" : (i + 1 == names.size() ? " or " : ", ")) + names[i];
  }
  return out;
}

// The expected keyword closest to a misspelled word (`timout` -> `timeout`), if any is close.
std::optional<std::string> misspelledKeyword(antlr4::Parser* parser, antlr4::Token* offending) {
  if (!offending || offending->getType() == antlr4::Token::EOF) {
    return std::nullopt;
  }
  std::string word = offending->getText();
  if (word.empty() || !(std::isalpha(static_cast<unsigned char>(word[0])) || word[0] == '_')) {
    return std::nullopt;
  }
  antlr4::misc::IntervalSet expected;
  try {
    expected = parser->getExpectedTokens();
  } catch (...) {
    return std::nullopt;
  }
  std::vector<std::string> keywords;
  for (ssize_t t : expected.toList()) {
    if (t == static_cast<ssize_t>(antlr4::Token::EOF)) {
      continue;
    }
    std::string lit = parser->getVocabulary().getLiteralName(t);
    if (lit.size() > 2 && lit.front() == '\'' && std::isalpha(static_cast<unsigned char>(lit[1]))) {
      keywords.push_back(lit.substr(1, lit.size() - 2));
    }
  }
  std::vector<std::string_view> candidates(keywords.begin(), keywords.end());
  return sema::closestName(word, candidates);
}

class DiagErrorListener : public antlr4::BaseErrorListener {
 public:
  DiagErrorListener(const SourceManager& sources, uint32_t fileId, DiagnosticSink& diags,
                    uint32_t maxErrors)
      : sources_(sources), fileId_(fileId), diags_(diags), maxErrors_(maxErrors),
        offsets_(sources.file(fileId).text) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t line,
                   size_t charPositionInLine, const std::string& msg,
                   std::exception_ptr) override {
    if (++count_ > maxErrors_) {
      return;
    }
    Span at;
    std::string text;
    bool eof = false;
    if (offending && offending->getStartIndex() != INVALID_INDEX) {
      eof = offending->getType() == antlr4::Token::EOF;
      uint32_t begin = offsets_.byteOffset(offending->getStartIndex());
      uint32_t end = offsets_.byteOffset(offending->getStopIndex() + 1);
      uint32_t len = eof || end <= begin ? 1 : end - begin;
      at = sources_.spanAt(fileId_, begin, len);
      text = offending->getText();
    } else {
      at = Span{fileId_, static_cast<uint32_t>(line), static_cast<uint32_t>(charPositionInLine + 1), 0, 1};
    }
    auto* parser = dynamic_cast<antlr4::Parser*>(recognizer);
    std::string where;
    if (parser && parser->getContext()) {
      where = ruleDescription(parser->getContext());
    }
    std::string message;
    std::string help;
    if (offending && offending->getType() == GwLexer::UNTERMINATED_STRING) {
      message = "unterminated string";
      help = "close the string with `\"` on the same line";
    } else if (eof) {
      message = "unexpected end of file" + (where.empty() ? "" : " " + where);
      help = "a closing `}` may be missing";
    } else if (!parser) {
      message = msg;
    } else if (msg == parse::kMissingCloseBrace) {
      message = "unexpected `" + text + "`" + (where.empty() ? "" : " " + where);
      help = "a closing `}` may be missing before it";
    } else if (auto close = misspelledKeyword(parser, offending)) {
      // A word where a keyword was expected, close to one of them: a typo, not a stray token.
      message = where == "at the top level"
                    ? "unknown declaration `" + text + "`"
                    : "unknown setting `" + text + "`" + (where.empty() ? "" : " " + where);
      help = "did you mean `" + *close + "`?";
    } else {
      message = "unexpected `" + text + "`" + (where.empty() ? "" : " " + where);
      help = expectedHint(parser);
    }
    Diagnostic& d = diags_.report(DiagCode::SyntaxError, at, message);
    d.help = help;
    if (count_ == maxErrors_) {
      d.notes.push_back({"too many syntax errors; stopping here", {}});
    }
  }

 private:
  const SourceManager& sources_;
  uint32_t fileId_;
  DiagnosticSink& diags_;
  uint32_t maxErrors_;
  uint32_t count_ = 0;
  parse::OffsetMap offsets_;  // token indexes are code points; spans are bytes
};

// Rejects inputs whose bracket nesting would make the recursive-descent parser recurse too
// deeply (a stack overflow is a crash, and crashes are never an answer).
bool nestingWithinLimit(const parse::TokenBuffer& tokens, const SourceManager& sources,
                        uint32_t fileId, DiagnosticSink& diags, uint32_t limit) {
  int depth = 0;
  int notRun = 0;  // `not not not x` nests as deeply as brackets do
  for (const parse::BufferedToken& token : tokens.tokens()) {
    const parse::BufferedToken* t = &token;
    size_t type = t->getType();
    bool deeper = false;
    if (type == GwLexer::LPAREN || type == GwLexer::LBRACK || type == GwLexer::LBRACE) {
      deeper = ++depth > static_cast<int>(limit);
    } else if (type == GwLexer::RPAREN || type == GwLexer::RBRACK || type == GwLexer::RBRACE) {
      depth = std::max(0, depth - 1);
    }
    notRun = type == GwLexer::NOT ? notRun + 1 : 0;
    if (deeper || notRun > static_cast<int>(limit)) {
      diags.report(DiagCode::NestingTooDeep,
                   sources.spanAt(fileId, parse::OffsetMap(sources.file(fileId).text)
                                              .byteOffset(t->getStartIndex()), 1),
                   "nesting is deeper than " + std::to_string(limit) + " levels")
          .help = "flatten the expression or split the block";
      return false;
    }
  }
  return true;
}

// Control characters other than tab are refused in comments: invisible bytes in a reviewed
// policy are corruption or an attempt to hide text, and editors, diffs and `gwc fmt` would each
// show or keep them differently. (Elsewhere they are already syntax errors; strings spell them
// with escapes.)
void checkCommentBytes(const ast::Comment& c, const SourceManager& sources, uint32_t fileId,
                       DiagnosticSink& diags) {
  for (size_t i = 0; i < c.text.size(); ++i) {
    auto b = static_cast<unsigned char>(c.text[i]);
    if ((b < 0x20 && b != '\t') || b == 0x7F) {
      char code[8];
      std::snprintf(code, sizeof code, "U+%04X", b);
      diags.report(DiagCode::ControlInComment,
                   sources.spanAt(fileId, c.span.offset + static_cast<uint32_t>(i), 1),
                   std::string("control character ") + code + " in a comment")
          .help = "delete it; comments may hold tabs but no other control characters";
      return;  // one report per comment
    }
  }
}

void collectComments(const parse::TokenBuffer& tokens, const SourceManager& sources,
                     uint32_t fileId, ast::File& file, DiagnosticSink& diags) {
  const std::string& text = sources.file(fileId).text;
  file.comments.reserve(tokens.comments().size());
  for (const parse::HandLexer::Lexeme& c : tokens.comments()) {
    // The lexeme views the source text: its byte offset is a pointer difference.
    auto begin = static_cast<uint32_t>(c.text.data() - text.data());
    file.comments.push_back(ast::Comment{std::string(c.text),
                                         sources.spanAt(fileId, begin, c.text.size())});
    checkCommentBytes(file.comments.back(), sources, fileId, diags);
  }
}

// GwParser with room for a few children in every new context. A context's children vector
// otherwise grows one push_back at a time (1, 2, 4 pointers: a malloc and a free each time);
// three pointers fit the smallest heap chunk anyway, and most contexts have one to three.
class TreeParser final : public GwParser {
 public:
  using GwParser::GwParser;
  using GwParser::enterRecursionRule;

  void enterRule(antlr4::ParserRuleContext* ctx, size_t state, size_t rule) override {
    reserveChildren(ctx);
    GwParser::enterRule(ctx, state, rule);
  }
  void enterOuterAlt(antlr4::ParserRuleContext* ctx, size_t alt) override {
    reserveChildren(ctx);  // a labelled alternative's context replaces the rule's
    GwParser::enterOuterAlt(ctx, alt);
  }
  void enterRecursionRule(antlr4::ParserRuleContext* ctx, size_t state, size_t rule,
                          int precedence) override {
    reserveChildren(ctx);
    GwParser::enterRecursionRule(ctx, state, rule, precedence);
  }
  void pushNewRecursionContext(antlr4::ParserRuleContext* ctx, size_t state,
                               size_t rule) override {
    reserveChildren(ctx);
    GwParser::pushNewRecursionContext(ctx, state, rule);
  }

 private:
  static void reserveChildren(antlr4::ParserRuleContext* ctx) {
    if (ctx->children.capacity() == 0) {
      ctx->children.reserve(3);
    }
  }
};

}  // namespace

ast::File parseFile(const SourceManager& sources, uint32_t fileId, DiagnosticSink& diags,
                    const ParseLimits& limits) {
  ast::File empty;
  empty.fileId = fileId;
  try {
    const std::string& text = sources.file(fileId).text;
    if (auto bad = parse::firstInvalidUtf8(text)) {
      diags.report(DiagCode::InvalidEncoding, sources.spanAt(fileId, *bad, 1),
                   "the file is not valid UTF-8")
          .help = "save the file as UTF-8";
      return empty;
    }
    // The hand-written lexer produces GwLexer.g4's token stream without the generated lexer's
    // per-character ATN simulation (see hand_lexer.h); it cannot fail: UNKNOWN_CHAR and
    // UNTERMINATED_STRING carry every bad character to the parser, which reports them.
    parse::HandLexer lexer(text, sources.file(fileId).path);
    parse::TokenBuffer tokens(lexer, text.size());
    if (!nestingWithinLimit(tokens, sources, fileId, diags, limits.maxNesting)) {
      return empty;
    }
    // The parse tree's contexts come from this arena (parse_arena.h); the parser, declared
    // after it, frees the tree first.
    parse::ParseArena arena;
    parse::ArenaScope arenaScope(arena);
    TreeParser parser(&tokens);
    parser.removeErrorListeners();
    GwParser::FileContext* tree = nullptr;
    // Stage 1: SLL with bail-out is fast and right for almost every valid file.
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::SLL);
    parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    try {
      tree = parser.file();
    } catch (const antlr4::ParseCancellationException&) {
      tree = nullptr;
    }
    if (!tree) {
      // Stage 2: full LL with recovery, reporting every error it can.
      tokens.seek(0);
      parser.reset();
      parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
          antlr4::atn::PredictionMode::LL);
      parser.setErrorHandler(std::make_shared<parse::ItemRecoveryStrategy>());
      DiagErrorListener listener(sources, fileId, diags, limits.maxSyntaxErrors);
      parser.addErrorListener(&listener);
      tree = parser.file();
      parser.removeErrorListeners();
    }
    parse::AstBuilder builder(sources, fileId, diags, limits);
    ast::File file = builder.build(tree);
    collectComments(tokens, sources, fileId, file, diags);
    return file;
  } catch (const std::exception& e) {
    diags.report(DiagCode::SyntaxError, sources.spanAt(fileId, 0, 0),
                 std::string("the parser gave up: ") + e.what());
  } catch (...) {
    diags.report(DiagCode::SyntaxError, sources.spanAt(fileId, 0, 0), "the parser gave up");
  }
  return empty;
}

}  // namespace gw
