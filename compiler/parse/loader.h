#pragma once
#include <string>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/source/source_manager.h"

namespace gw {

/// Reads `rootPath`, parses it and every file it includes (globs resolved relative to the
/// including file, sorted), and returns the program: the root first. Missing files, patterns
/// that match nothing and include cycles are reported to `diags`; a file reached twice without
/// a cycle (a diamond) is loaded once.
ast::Program loadProgram(SourceManager& sources, const std::string& rootPath,
                         DiagnosticSink& diags);

/// Same, for a root given as text (tests, fuzzing, stdin). Includes resolve against the
/// directory of `path`.
ast::Program loadProgramFromText(SourceManager& sources, const std::string& path,
                                 std::string text, DiagnosticSink& diags);

}  // namespace gw
