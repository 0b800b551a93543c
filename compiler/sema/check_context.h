#pragma once
// What every semantic check receives: the program, the symbol table and a place to report.
// Checks are functions `void check(CheckContext&)` listed in checks/checks.def; they read the
// AST (only the type checker writes Expr::type) and report through the context.
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/sema/sema.h"
#include "compiler/source/source_manager.h"

namespace gw::sema {

/// Borrowed references for the duration of one analyze() call. Not thread-safe.
struct CheckContext {
  ast::Program& program;
  const SourceManager& sources;
  const SymbolTable& symbols;
  const SemaOptions& options;
  DiagnosticSink& diags;

  Diagnostic& report(DiagCode code, Span span, std::string message) {
    return diags.report(code, span, std::move(message));
  }
};

using CheckFn = void (*)(CheckContext&);

/// The checks in the order they run (names and types first: later checks rely on resolved
/// types). Expanded from checks/checks.def.
struct CheckEntry {
  const char* name;
  CheckFn run;
};
const std::vector<CheckEntry>& allChecks();

}  // namespace gw::sema
