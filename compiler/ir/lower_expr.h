#pragma once
// Lowering of .gw expressions (ast::Expr) into IR Functions. Types are inferred from the
// expression's structure and the request-context schema (the same rules sema applies), so the
// lowering never depends on a particular AST annotation being present.
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/ir/ir.h"

namespace gw::ir {

/// Appends Functions to one Program. Not thread-safe; one per build.
class ExprLowering {
 public:
  ExprLowering(Program& program, DiagnosticSink& diags) : program_(program), diags_(diags) {}

  /// A Bool function over `expr` (a json operand is true only when it is the JSON `true`).
  /// `paramNames` are the template params `request.param("x")` may read (slot = index).
  int32_t boolFunction(std::string name, FunctionRole role, const ast::Expr& expr, int32_t route,
                       const std::vector<std::string>& paramNames);
  /// A Str function over `expr`, converting any scalar (or list) to its text.
  int32_t stringFunction(std::string name, FunctionRole role, const ast::Expr& expr,
                         int32_t route, const std::vector<std::string>& paramNames);
  /// A Bool function: the conjunction of a route's header/query conditions and `when`s.
  int32_t matchFunction(std::string name, const ast::Match& match, int32_t route,
                        const std::vector<std::string>& paramNames);
  /// A Bool function: any of `names` is in auth.roles (or auth.scopes).
  int32_t anyInListFunction(std::string name, FieldId list, const ast::Expr& names, Span span);
  /// A Str function returning a constant.
  int32_t constStringFunction(std::string name, FunctionRole role, const std::string& value);

 private:
  friend class FnBuilder;
  Program& program_;
  DiagnosticSink& diags_;
};

/// The gw_method id of an upper-case method name, or -1.
int methodId(std::string_view name);

}  // namespace gw::ir
