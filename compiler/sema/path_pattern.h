#pragma once
// Parsing of route path patterns ("/users/{id}/orders"): shared by the path check, the
// matcher-overlap check and the summary. Pure functions; thread-safe.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gw::sema {

struct PathSegment {
  std::string text;  // the literal text, or the parameter name
  bool param = false;
};

/// A pattern split into segments ("/" is zero segments; a trailing "/" adds an empty literal
/// segment), or the first problem found, phrased for a diagnostic.
struct ParsedPath {
  std::vector<PathSegment> segments;
  std::optional<std::string> error;
  std::string help;
};

/// Parses `pattern`. `{name}` segments are parameters when `allowParams`; otherwise any brace
/// is an error.
ParsedPath parsePathPattern(std::string_view pattern, bool allowParams);

/// The parameter names of a template, in order (empty when it has none or does not parse).
std::vector<std::string> templateParams(std::string_view pattern);

/// A key equal for two templates that match the same paths: parameter names erased
/// ("/users/{id}" and "/users/{uid}" both give "/users/{}").
std::string canonicalTemplate(const std::vector<PathSegment>& segments);

/// Whether `name` is a valid parameter name: [A-Za-z_][A-Za-z0-9_]*.
bool isParamName(std::string_view name);

}  // namespace gw::sema
