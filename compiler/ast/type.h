#pragma once
#include <cstdint>
#include <string>

namespace gw::ast {

/// The types of .gw expressions. `Error` marks an expression that already produced a
/// diagnostic, so checks downstream stay quiet about it. A list's element type is `elem`.
enum class TypeKind : uint8_t {
  Unknown, Error, String, Int, Bool, Duration, Size, Rate, Percent, Ip, Cidr, Method, Regex,
  Json, List
};

struct Type {
  TypeKind kind = TypeKind::Unknown;
  TypeKind elem = TypeKind::Unknown;  // for List

  static Type of(TypeKind k) { return Type{k, TypeKind::Unknown}; }
  static Type list(TypeKind e) { return Type{TypeKind::List, e}; }
  bool operator==(const Type&) const = default;
  bool isError() const { return kind == TypeKind::Error || elem == TypeKind::Error; }
};

const char* typeKindName(TypeKind k);
/// "string", "list<string>", ...
std::string typeName(const Type& t);

}  // namespace gw::ast
