#pragma once
// Semantic analysis of a loaded .gw program: symbol table, name resolution, type checking and
// the semantic checks of compiler/sema/checks/ (one rule per file). Read by the IR lowering, the
// summary and `gwc check`.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/source/source_manager.h"

namespace gw::sema {

/// The declarations of one kind, merged across every file of a program (root first, then
/// included files in load order; source order inside a file). `byName` keeps the first
/// declaration of a name; later duplicates are in `list` only (and reported as E0108).
/// Pointers point into the ast::Program given to analyze(): valid while it lives unchanged.
template <class T>
struct Decls {
  std::vector<const T*> list;
  std::unordered_map<std::string, const T*> byName;

  /// The declaration named `name`, or nullptr.
  const T* find(std::string_view name) const {
    auto it = byName.find(std::string(name));
    return it == byName.end() ? nullptr : it->second;
  }
};

/// Every named declaration of a program. Immutable after analyze(); safe to read from several
/// threads once built.
struct SymbolTable {
  Decls<ast::Upstream> upstreams;
  Decls<ast::Auth> auths;
  Decls<ast::Limit> limits;
  Decls<ast::Policy> policies;
  Decls<ast::Route> routes;
  std::vector<const ast::Test*> tests;
  /// The gateway block, or nullptr when the program has none (several are E0305; the first
  /// one is kept).
  const ast::Gateway* gateway = nullptr;
};

/// Switches for optional diagnostics.
struct SemaOptions {
  /// W0002 (route without authentication) and W0003 (route without any rate limit). Off by
  /// default: a public, unlimited route is often intended; `gwc check --summary` turns them on.
  bool coverageLints = false;
};

/// What analysis produced. When the sink holds no errors after analyze():
///  - every reference (forward/aggregate upstreams, limits, auth providers, policies, test
///    expectations) names an existing declaration of the right kind;
///  - every ast::Expr in the program has a type whose kind is not Unknown (an empty list has
///    kind List and elem Unknown); literals map to their type, a bare one-segment name that is
///    an HTTP method has TypeKind::Method, other bare names (algorithms, retry conditions,
///    encodings) have TypeKind::String, `auth.claims.*` has TypeKind::Json.
struct SemaResult {
  SymbolTable symbols;
  size_t errors = 0;    // errors this analysis added to the sink
  size_t warnings = 0;  // warnings this analysis added to the sink

  bool ok() const { return errors == 0; }
};

/// Analyzes `program` (as returned by loadProgram), writing Expr::type in place and reporting
/// every problem it finds to `diags` (it does not stop at the first). Deterministic. Not
/// thread-safe for one program; independent programs may be analyzed concurrently.
SemaResult analyze(ast::Program& program, const SourceManager& sources, DiagnosticSink& diags,
                   const SemaOptions& options = {});

}  // namespace gw::sema
