#pragma once
// Lookups over the request-context schema (context_schema.def) and the fixed name sets of the
// language (HTTP methods). Pure functions over static tables; thread-safe.
#include <string_view>
#include <vector>

#include "compiler/ast/type.h"

namespace gw::sema {

/// A context value such as `request.method` or `client.ip`.
struct FieldInfo {
  std::string_view path;
  ast::Type type;
  std::string_view doc;
};

/// A context function of one argument such as `request.header("X")`.
struct FuncInfo {
  std::string_view name;
  ast::TypeKind ret;
  ast::TypeKind arg;
  std::string_view doc;
};

/// The field named by a dotted path, or nullptr. `auth.claims.*` is not a field (see
/// isClaimPath).
const FieldInfo* findField(std::string_view dotted);
/// The function with this dotted name, or nullptr.
const FuncInfo* findFunc(std::string_view dotted);
/// `auth.claims.<name>...` with at least one claim segment.
bool isClaimPath(std::string_view dotted);
/// Every field path and every function name, in schema order (for suggestions).
const std::vector<std::string_view>& fieldPaths();
const std::vector<std::string_view>& funcNames();

/// The HTTP methods the language knows, upper case, in a fixed order; bit i of a method mask
/// stands for kMethods[i].
inline constexpr std::string_view kMethods[] = {"GET",     "HEAD",    "POST",
                                                "PUT",     "DELETE",  "PATCH",
                                                "OPTIONS", "CONNECT", "TRACE"};
/// The index of an (exactly spelled) method in kMethods, or -1.
int methodIndex(std::string_view name);
/// kMethods as a vector (for suggestions).
const std::vector<std::string_view>& methodNames();

}  // namespace gw::sema
