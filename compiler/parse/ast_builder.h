#pragma once
// Internal to compiler/parse: turns the ANTLR parse tree into the AST. Only parser.cc includes
// this header; it is the one place besides parser.cc that sees ANTLR types.
#include <typeinfo>

#include "GwParser.h"
#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/parse/offset_map.h"
#include "compiler/parse/parser.h"
#include "compiler/source/source_manager.h"

namespace gw::parse {

/// `node` as the generated context class `T` of a labelled alternative, or nullptr. Those
/// classes have no subclasses, so one type_info comparison answers what dynamic_cast would,
/// without walking the class hierarchy (dynamic_cast was a fifth of the parse time).
template <class T>
T* as(antlr4::tree::ParseTree* node) {
  return node && CstContext::isA<T>(node) ? static_cast<T*>(node) : nullptr;
}

class AstBuilder {
 public:
  AstBuilder(const SourceManager& sources, uint32_t fileId, DiagnosticSink& diags,
             const ParseLimits& limits)
      : sources_(sources), fileId_(fileId), diags_(diags), limits_(limits),
        offsets_(sources.file(fileId).text) {}

  ast::File build(gwparse::GwParser::FileContext* file);

 private:
  using P = gwparse::GwParser;

  Span span(antlr4::ParserRuleContext* ctx) const;
  Span span(antlr4::Token* tok) const;
  Span span(antlr4::tree::TerminalNode* node) const { return span(node->getSymbol()); }
  ast::Ident ident(P::NameContext* ctx) const;
  ast::Lit lit(antlr4::tree::TerminalNode* node, ast::LitKind kind);
  ast::Lit lit(antlr4::Token* tok);
  ast::Lit literal(P::LiteralContext* ctx);
  ast::Lit address(P::AddressContext* ctx);
  ast::Source source(P::SourceContext* ctx);
  ast::ExprPtr list(P::ListContext* ctx);
  ast::ExprPtr expr(P::ExprContext* ctx, uint32_t depth = 0);
  ast::ExprPtr primary(P::PrimaryContext* ctx, uint32_t depth);
  ast::ExprPtr nameOrList(P::NameContext* name, P::ListContext* list);
  ast::ExprPtr stringOrList(antlr4::tree::TerminalNode* str, P::ListContext* list);
  std::string object(P::ObjectContext* ctx);
  std::string jsonValue(P::JsonValueContext* ctx);

  template <class T>
  void setOnce(std::optional<T>& slot, T value, const char* setting, const char* where);
  void setOnce(ast::ExprPtr& slot, ast::ExprPtr value, Span at, const char* setting,
               const char* where);
  void duplicate(Span at, const char* setting, const char* where);

  ast::Gateway gateway(P::GatewayDeclContext* ctx);
  ast::TlsConfig tls(P::TlsBlockContext* ctx);
  ast::Upstream upstream(P::UpstreamDeclContext* ctx);
  ast::Auth auth(P::AuthDeclContext* ctx);
  ast::Limit limit(P::LimitDeclContext* ctx);
  ast::Rule rule(P::PolicyRuleContext* ctx);
  std::vector<ast::Rule> rules(const std::vector<P::PolicyRuleContext*>& ctxs);
  ast::Route route(P::RouteDeclContext* ctx);
  ast::Match match(P::MatchBlockContext* ctx);
  ast::FieldCondition fieldCondition(antlr4::tree::TerminalNode* field,
                                     P::FieldConditionContext* ctx, Span at);
  std::vector<ast::Transform> transforms(const std::vector<P::TransformContext*>& ctxs);
  ast::Test test(P::TestDeclContext* ctx);

  const SourceManager& sources_;
  uint32_t fileId_;
  DiagnosticSink& diags_;
  ParseLimits limits_;
  bool depthReported_ = false;
  OffsetMap offsets_;
};

template <class T>
void AstBuilder::setOnce(std::optional<T>& slot, T value, const char* setting, const char* where) {
  if (slot) {
    duplicate(value.span, setting, where);
    return;
  }
  slot = std::move(value);
}

}  // namespace gw::parse
