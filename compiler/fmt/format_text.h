#pragma once
// Canonical spellings of the pieces of a line: literals, expressions with minimal parentheses,
// lists, sources and the `{ key: value }` objects of test requests. Pure functions.
#include <string>

#include "compiler/ast/ast.h"

namespace gw::fmt {

/// A string value as a .gw string literal: quotes added, `"` `\` and newline, tab, CR escaped.
std::string quoteString(const std::string& value);
/// A literal as written (strings re-escaped from their value, everything else from `raw`, so
/// `100/s` stays `100/s`).
std::string formatLit(const ast::Lit& lit);
/// An expression with the fewest parentheses that parse back to the same tree.
std::string formatExpr(const ast::Expr* expr);
/// `file "p"`, `url "u"`, `env "N"` or `"v"`.
std::string formatSource(const ast::Source& source);
/// The canonical JSON text the parser stores for `jwt { ... }` / `cert { ... }`, printed back as
/// a .gw object: `{ sub: "u1", roles: ["admin"] }`. Keys that are names stay bare.
std::string formatObject(const std::string& canonicalJson);

}  // namespace gw::fmt
