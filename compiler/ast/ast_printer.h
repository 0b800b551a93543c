#pragma once
// A deterministic S-expression dump of the AST (`gwc emit ast`). Without spans the dump depends
// only on what a program means and on its comments, never on layout, so two dumps compare
// programs: "format, then parse again" must give the same span-free dump.
#include <string>

#include "compiler/ast/ast.h"

namespace gw::ast {

struct AstPrintOptions {
  bool spans = false;     // append `@line:col` (nodes) to every node that has a span
  bool types = true;      // append `:type` to expressions sema has typed
  bool comments = true;   // list each file's comments (text only, trailing blanks removed)
};

/// Dumps every file of the program, root first. Pure function; thread-safe.
std::string printAst(const Program& program, const AstPrintOptions& options = {});
/// Dumps one file.
std::string printAst(const File& file, const AstPrintOptions& options = {});
/// One expression on one line, e.g. `(== request.method GET)`.
std::string printExpr(const Expr& expr, const AstPrintOptions& options = {});

}  // namespace gw::ast
