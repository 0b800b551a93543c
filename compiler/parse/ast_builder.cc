#include "compiler/parse/ast_builder.h"

#include <nlohmann/json.hpp>

#include "compiler/parse/literal.h"

namespace gw::parse {

using namespace gw::ast;
using P = gwparse::GwParser;
using antlr4::tree::TerminalNode;

// ---- spans, names, literals -----------------------------------------------------------------

Span AstBuilder::span(antlr4::Token* tok) const {
  if (!tok || tok->getStartIndex() == INVALID_INDEX) {
    return {};
  }
  // Token indexes count code points; spans are byte offsets (see offset_map.h).
  uint32_t begin = offsets_.byteOffset(tok->getStartIndex());
  uint32_t end = tok->getStopIndex() == INVALID_INDEX || tok->getStopIndex() < tok->getStartIndex()
                     ? begin
                     : offsets_.byteOffset(tok->getStopIndex() + 1);
  return sources_.spanAt(fileId_, begin, end - begin);
}

Span AstBuilder::span(antlr4::ParserRuleContext* ctx) const {
  if (!ctx || !ctx->getStart()) {
    return {};
  }
  Span s = span(ctx->getStart());
  antlr4::Token* stop = ctx->getStop();
  if (stop && stop->getStopIndex() != INVALID_INDEX) {
    uint32_t end = offsets_.byteOffset(stop->getStopIndex() + 1);
    // Multi-line nodes underline only their first line in diagnostics; keep the full length.
    if (end > s.offset) {
      s.length = end - s.offset;
    }
  }
  return s;
}

Ident AstBuilder::ident(P::NameContext* ctx) const {
  if (!ctx) {
    return {};
  }
  // A name is one token; RuleContext::getText would concatenate the children's texts through
  // temporaries.
  if (ctx->children.size() == 1 && CstContext::isTerminal(ctx->children[0])) {
    antlr4::Token* tok = static_cast<TerminalNode*>(ctx->children[0])->getSymbol();
    return Ident{tok->getText(), span(tok)};
  }
  return Ident{ctx->getText(), span(ctx)};
}

Lit AstBuilder::lit(TerminalNode* node, LitKind kind) {
  Lit l;
  l.kind = kind;
  if (!node) {
    return l;
  }
  l.raw = node->getText();
  l.span = span(node);
  if (auto err = decodeLiteral(l)) {
    diags_.report(DiagCode::InvalidLiteral, l.span, *err);
  }
  return l;
}

Lit AstBuilder::lit(antlr4::Token* tok) {
  LitKind kind = LitKind::String;
  switch (tok->getType()) {
    case P::STRING: kind = LitKind::String; break;
    case P::INT: kind = LitKind::Int; break;
    case P::FLOAT: kind = LitKind::Float; break;
    case P::DURATION: kind = LitKind::Duration; break;
    case P::SIZE: kind = LitKind::Size; break;
    case P::RATE_LIT: kind = LitKind::Rate; break;
    case P::PERCENT: kind = LitKind::Percent; break;
    case P::IPV4: kind = LitKind::Ip; break;
    case P::CIDR: kind = LitKind::Cidr; break;
    case P::ADDRESS: kind = LitKind::Address; break;
    case P::REGEX: kind = LitKind::Regex; break;
    case P::KW_TRUE:
    case P::KW_FALSE: kind = LitKind::Bool; break;
    default: break;
  }
  Lit l;
  l.kind = kind;
  l.raw = tok->getText();
  l.span = span(tok);
  if (auto err = decodeLiteral(l)) {
    diags_.report(DiagCode::InvalidLiteral, l.span, *err);
  }
  return l;
}

Lit AstBuilder::literal(P::LiteralContext* ctx) { return lit(ctx->getStart()); }

Lit AstBuilder::address(P::AddressContext* ctx) {
  if (!ctx) {
    return {};
  }
  return lit(ctx->getStart());
}

Source AstBuilder::source(P::SourceContext* ctx) {
  Source s;
  if (!ctx) {
    return s;
  }
  if (ctx->FILE()) s.kind = Source::Kind::File;
  if (ctx->URL()) s.kind = Source::Kind::Url;
  if (ctx->ENV()) s.kind = Source::Kind::Env;
  s.value = lit(ctx->STRING(), LitKind::String);
  s.span = span(ctx);
  return s;
}

// ---- expressions ----------------------------------------------------------------------------

ExprPtr AstBuilder::list(P::ListContext* ctx) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::List;
  if (!ctx) {
    return e;
  }
  e->span = span(ctx);
  for (P::ListElemContext* el : ctx->listElem()) {
    if (el->literal()) {
      auto item = std::make_unique<Expr>();
      item->kind = ExprKind::Literal;
      item->lit = literal(el->literal());
      item->span = item->lit.span;
      e->items.push_back(std::move(item));
    } else if (el->name()) {
      auto item = std::make_unique<Expr>();
      item->kind = ExprKind::Path;
      item->path.push_back(ident(el->name()));
      item->span = item->path.back().span;
      e->items.push_back(std::move(item));
    }
  }
  return e;
}

ExprPtr AstBuilder::nameOrList(P::NameContext* name, P::ListContext* l) {
  if (l) {
    return list(l);
  }
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Path;
  if (name) {
    e->path.push_back(ident(name));
    e->span = e->path.back().span;
  }
  return e;
}

ExprPtr AstBuilder::stringOrList(TerminalNode* str, P::ListContext* l) {
  if (l) {
    return list(l);
  }
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Literal;
  e->lit = lit(str, LitKind::String);
  e->span = e->lit.span;
  return e;
}

static BinOp compareOp(P::CompareOpContext* op) {
  switch (op->getStart()->getType()) {
    case P::EQEQ: return BinOp::Eq;
    case P::NEQ: return BinOp::Ne;
    case P::LT: return BinOp::Lt;
    case P::LE: return BinOp::Le;
    case P::GT: return BinOp::Gt;
    case P::GE: return BinOp::Ge;
    case P::IN: return BinOp::In;
    case P::CONTAINS: return BinOp::Contains;
    case P::STARTS_WITH: return BinOp::StartsWith;
    default: return BinOp::EndsWith;
  }
}

ExprPtr AstBuilder::expr(P::ExprContext* ctx, uint32_t depth) {
  auto e = std::make_unique<Expr>();
  if (!ctx) {
    e->kind = ExprKind::Literal;
    e->type = Type::of(TypeKind::Error);
    return e;
  }
  e->span = span(ctx);
  if (depth > limits_.maxExprDepth) {
    if (!depthReported_) {
      depthReported_ = true;
      diags_.report(DiagCode::NestingTooDeep, e->span,
                    "expression is nested more than " + std::to_string(limits_.maxExprDepth) +
                        " levels deep")
          .help = "split the condition into several `allow`/`deny` rules";
    }
    e->type = Type::of(TypeKind::Error);
    return e;
  }
  if (auto* c = as<P::CompareExprContext>(ctx)) {
    e->kind = ExprKind::Binary;
    e->op = compareOp(c->op);
    e->items.push_back(expr(c->lhs, depth + 1));
    e->items.push_back(expr(c->rhs, depth + 1));
  } else if (auto* c = as<P::NotInExprContext>(ctx)) {
    e->kind = ExprKind::Binary;
    e->op = BinOp::NotIn;
    e->items.push_back(expr(c->lhs, depth + 1));
    e->items.push_back(expr(c->rhs, depth + 1));
  } else if (auto* c = as<P::MatchesExprContext>(ctx)) {
    e->kind = ExprKind::Matches;
    e->items.push_back(expr(c->lhs, depth + 1));
    e->lit = lit(c->REGEX(), LitKind::Regex);
  } else if (auto* c = as<P::NotExprContext>(ctx)) {
    e->kind = ExprKind::Not;
    e->items.push_back(expr(c->expr(), depth + 1));
  } else if (auto* c = as<P::AndExprContext>(ctx)) {
    e->kind = ExprKind::Binary;
    e->op = BinOp::And;
    e->items.push_back(expr(c->lhs, depth + 1));
    e->items.push_back(expr(c->rhs, depth + 1));
  } else if (auto* c = as<P::OrExprContext>(ctx)) {
    e->kind = ExprKind::Binary;
    e->op = BinOp::Or;
    e->items.push_back(expr(c->lhs, depth + 1));
    e->items.push_back(expr(c->rhs, depth + 1));
  } else if (auto* c = as<P::PrimaryExprContext>(ctx)) {
    return primary(c->primary(), depth + 1);
  } else {
    e->type = Type::of(TypeKind::Error);
  }
  // A sub-expression that failed to parse leaves a hole; mark the parent so sema stays quiet.
  for (const ExprPtr& item : e->items) {
    if (!item) {
      e->type = Type::of(TypeKind::Error);
    }
  }
  return e;
}

ExprPtr AstBuilder::primary(P::PrimaryContext* ctx, uint32_t depth) {
  auto e = std::make_unique<Expr>();
  e->span = span(ctx);
  if (auto* c = as<P::LiteralPrimaryContext>(ctx)) {
    e->kind = ExprKind::Literal;
    e->lit = literal(c->literal());
  } else if (auto* c = as<P::ListPrimaryContext>(ctx)) {
    return list(c->list());
  } else if (auto* c = as<P::PathPrimaryContext>(ctx)) {
    e->kind = c->LPAREN() ? ExprKind::Call : ExprKind::Path;
    for (P::NameContext* n : c->name()) {
      e->path.push_back(ident(n));
    }
    for (P::ExprContext* arg : c->expr()) {
      e->items.push_back(expr(arg, depth + 1));
    }
  } else if (auto* c = as<P::ParenPrimaryContext>(ctx)) {
    auto inner = expr(c->expr(), depth + 1);
    inner->span = e->span;  // keep the parentheses in the span for carets
    return inner;
  } else {
    e->type = Type::of(TypeKind::Error);
  }
  return e;
}

// ---- JSON objects in tests --------------------------------------------------------------------

std::string AstBuilder::jsonValue(P::JsonValueContext* ctx) {
  if (auto* c = as<P::JsonStringContext>(ctx)) {
    Lit l = lit(c->STRING(), LitKind::String);
    return nlohmann::json(l.str).dump();
  }
  if (auto* c = as<P::JsonNumberContext>(ctx)) {
    return c->getText();
  }
  if (auto* c = as<P::JsonBoolContext>(ctx)) {
    return c->getText();
  }
  if (as<P::JsonNullContext>(ctx)) {
    return "null";
  }
  if (auto* c = as<P::JsonArrayContext>(ctx)) {
    std::string out = "[";
    for (size_t i = 0; i < c->jsonValue().size(); ++i) {
      out += (i ? "," : "") + jsonValue(c->jsonValue(i));
    }
    return out + "]";
  }
  if (auto* c = as<P::JsonObjectContext>(ctx)) {
    return object(c->object());
  }
  return "null";
}

std::string AstBuilder::object(P::ObjectContext* ctx) {
  std::string out = "{";
  if (!ctx) {
    return "{}";
  }
  bool first = true;
  for (P::ObjectEntryContext* entry : ctx->objectEntry()) {
    std::string key = entry->name() ? entry->name()->getText()
                                    : lit(entry->STRING(), LitKind::String).str;
    out += (first ? "" : ",") + nlohmann::json(key).dump() + ":" +
           (entry->jsonValue() ? jsonValue(entry->jsonValue()) : "null");
    first = false;
  }
  return out + "}";
}

// ---- settings given twice ---------------------------------------------------------------------

void AstBuilder::duplicate(Span at, const char* setting, const char* where) {
  diags_.report(DiagCode::DuplicateSetting, at,
                std::string("`") + setting + "` is given more than once in " + where)
      .help = "keep one of them";
}

void AstBuilder::setOnce(ExprPtr& slot, ExprPtr value, Span at, const char* setting,
                         const char* where) {
  if (slot) {
    duplicate(at, setting, where);
    return;
  }
  slot = std::move(value);
}

}  // namespace gw::parse
