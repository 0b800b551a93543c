#pragma once
// Types one expression tree bottom-up against the request-context schema
// (context_schema.def) and the operator rules of the language (docs/language.md), writing
// Expr::type on every node and reporting what is wrong (codes in docs/diagnostics.md).
#include "compiler/ast/ast.h"
#include "compiler/sema/check_context.h"

namespace gw::sema {

/// Stateless apart from the borrowed context; one instance may type many expressions.
class ExprTyper {
 public:
  explicit ExprTyper(CheckContext& ctx) : ctx_(ctx) {}

  /// Types `e` and its sub-expressions; returns e.type. A node whose problem was reported
  /// gets TypeKind::Error, and nodes above it stay quiet about it.
  ast::Type type(ast::Expr& e);

  /// Types a bare name as one of the symbolic names of a setting (algorithm, encoding, retry
  /// condition, method list item): TypeKind::Method for an HTTP method in a method site,
  /// TypeKind::String otherwise. Reports nothing; the setting's own check validates the name.
  static ast::Type typeBareName(ast::Expr& e, bool methodSite);

 private:
  ast::Type literal(ast::Expr& e);
  ast::Type list(ast::Expr& e);
  ast::Type path(ast::Expr& e);
  ast::Type call(ast::Expr& e);
  ast::Type unary(ast::Expr& e);
  ast::Type binary(ast::Expr& e);
  ast::Type matches(ast::Expr& e);
  ast::Type logical(ast::Expr& e, ast::Type lhs, ast::Type rhs);
  ast::Type compare(ast::Expr& e, ast::Type lhs, ast::Type rhs);
  ast::Type membership(ast::Expr& e, ast::Type lhs, ast::Type rhs);
  ast::Type textTest(ast::Expr& e, ast::Type lhs, ast::Type rhs);
  void badOperands(ast::Expr& e, ast::Type lhs, ast::Type rhs, std::string help);
  bool requireBool(const ast::Expr& operand, const char* where);

  CheckContext& ctx_;
};

/// Whether a value of type `t` may be used as a condition (bool, or a json claim).
bool isBoolLike(const ast::Type& t);
/// Whether `t` is one value (not a list, regex, cidr, rate or unit-carrying type): string, int,
/// bool, ip, method, json.
bool isScalarKey(const ast::Type& t);
/// Whether `e` is a composite key `tuple(a, b, ...)` (allowed only where a key is expected).
bool isTupleKey(const ast::Expr& e);

}  // namespace gw::sema
