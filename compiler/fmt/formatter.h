#pragma once
// `gwc fmt`: prints a parsed .gw file back as canonical source. Canonical means: 2-space
// indentation, one item per line, `name {` ... `}` blocks, one blank line between top-level
// declarations (at most one kept inside blocks, where the source had one), short `match`
// blocks on one line, literals as written, strings re-escaped, minimal parentheses, no `;`.
// Comments are kept. fmt(fmt(x)) == fmt(x), and parsing the output gives the same AST.
#include <optional>
#include <string>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/source/source_manager.h"

namespace gw::fmt {

/// Formats `file`, which was parsed from file `file.fileId` of `sources` without errors (the
/// source text places comments and blank lines). Pure; thread-safe for distinct inputs.
std::string formatFile(const ast::File& file, const SourceManager& sources);

/// Parses `text` as the file `path` (added to `sources`, so diagnostics can be rendered;
/// includes are not followed) and formats it. Returns
/// std::nullopt when it has syntax or literal errors, which are reported to `diags`: a file
/// with errors is never reformatted.
std::optional<std::string> formatText(SourceManager& sources, const std::string& path,
                                      std::string text, DiagnosticSink& diags);

}  // namespace gw::fmt
