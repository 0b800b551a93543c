#pragma once
#include <string>

#include "compiler/diag/diagnostic.h"
#include "compiler/source/source_manager.h"

namespace gw {

/// clang/rustc style: `file:line:col: error[E0101]: message`, the source line, a caret
/// underline, `= note:` lines and a `= help:` line. `color` adds ANSI colours.
std::string renderText(const DiagnosticSink& diags, const SourceManager& sources, bool color);
/// One JSON document: {"diagnostics":[...], "errors":N, "warnings":N}.
std::string renderJson(const DiagnosticSink& diags, const SourceManager& sources);
/// SARIF 2.1.0 with one run of tool `gwc`, its rules from diag_codes.def.
std::string renderSarif(const DiagnosticSink& diags, const SourceManager& sources);

}  // namespace gw
