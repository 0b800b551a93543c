#pragma once
// Canonical keys of a route's matcher, so that routes matching the same requests can be grouped
// with hash maps instead of compared pairwise (the identical-matcher and shadowed-route checks
// and the summary). Pure functions; thread-safe.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"

namespace gw::sema {

/// The parts of a matcher that decide which requests a route can see.
struct RouteKey {
  std::string path;        // "exact:/a", "template:/users/{}", "prefix:/v1" ("prefix:/" = all)
  std::string host;        // sorted, lower-cased hosts joined by ","; "" = any host
  uint32_t methods = 0;    // bit i = kMethods[i]; 0 = any method
  std::string conditions;  // sorted canonical header/query/when conditions, "\n"-separated
  size_t conditionCount = 0;
};

/// The key of `route` (a route without `match` or `path` gets "prefix:/").
RouteKey routeKey(const ast::Route& route);

/// A canonical text of an expression: equal for expressions that differ only in spacing,
/// parentheses or comments.
std::string exprKey(const ast::Expr& e);

}  // namespace gw::sema
