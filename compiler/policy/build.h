#pragma once
// Building a CompiledPolicy from a checked program, and the one-call facade gwc and the runtime
// use: load + check + build.
#include <memory>
#include <string>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/policy/compiled_policy.h"
#include "compiler/source/source_manager.h"

namespace gw::policy {

/// Lowers `program` (already analyzed without errors) to IR, builds the matcher and the route
/// table. Problems the back end finds (a template with too many params, a regex RE2 rejects,
/// an expression it cannot compile) are reported to `diags`; returns nullptr on any error.
/// `sources` gives rule texts for logs. Not thread-safe for one program.
std::shared_ptr<CompiledPolicy> buildPolicy(const ast::Program& program,
                                            const SourceManager& sources, DiagnosticSink& diags);

/// Loads `path` (with its includes), runs sema and builds. nullptr when anything failed; the
/// reasons are in `diags`.
std::shared_ptr<CompiledPolicy> compilePolicyFile(const std::string& path, SourceManager& sources,
                                                  DiagnosticSink& diags);

}  // namespace gw::policy
