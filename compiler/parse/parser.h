#pragma once
#include <cstdint>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/source/source_manager.h"

namespace gw {

/// Limits that keep hostile input from exhausting the stack or the clock.
struct ParseLimits {
  uint32_t maxNesting = 128;     // brackets, `not` chains
  uint32_t maxExprDepth = 1000;  // operators in one expression (a long `or` chain nests)
  uint32_t maxSyntaxErrors = 50; // per file; parsing stops reporting after this many
};

/// Parses file `fileId` of `sources` into an AST. Syntax errors (several per file; the parser
/// recovers where it can) and literal errors go to `diags`. The ANTLR wall: nothing thrown by
/// the ANTLR runtime escapes, and no ANTLR type appears in the result.
ast::File parseFile(const SourceManager& sources, uint32_t fileId, DiagnosticSink& diags,
                    const ParseLimits& limits = {});

}  // namespace gw
