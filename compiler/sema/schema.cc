#include "compiler/sema/schema.h"

namespace gw::sema {

using ast::Type;
using ast::TypeKind;

namespace {

Type fieldType(TypeKind kind, TypeKind elem) {
  return kind == TypeKind::List ? Type::list(elem) : Type::of(kind);
}

const std::vector<FieldInfo>& fields() {
  static const std::vector<FieldInfo> table = {
#define CTX_FIELD(id, path, type, elem, doc) \
  {path, fieldType(TypeKind::type, TypeKind::elem), doc},
#include "compiler/sema/context_schema.def"
  };
  return table;
}

const std::vector<FuncInfo>& funcs() {
  static const std::vector<FuncInfo> table = {
#define CTX_FUNC(id, name, ret, arg, doc) {name, TypeKind::ret, TypeKind::arg, doc},
#include "compiler/sema/context_schema.def"
  };
  return table;
}

}  // namespace

const FieldInfo* findField(std::string_view dotted) {
  for (const FieldInfo& f : fields()) {
    if (f.path == dotted) {
      return &f;
    }
  }
  return nullptr;
}

const FuncInfo* findFunc(std::string_view dotted) {
  for (const FuncInfo& f : funcs()) {
    if (f.name == dotted) {
      return &f;
    }
  }
  return nullptr;
}

bool isClaimPath(std::string_view dotted) {
  constexpr std::string_view kPrefix = "auth.claims.";
  return dotted.size() > kPrefix.size() && dotted.substr(0, kPrefix.size()) == kPrefix;
}

const std::vector<std::string_view>& fieldPaths() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const FieldInfo& f : fields()) {
      v.push_back(f.path);
    }
    return v;
  }();
  return names;
}

const std::vector<std::string_view>& funcNames() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const FuncInfo& f : funcs()) {
      v.push_back(f.name);
    }
    return v;
  }();
  return names;
}

int methodIndex(std::string_view name) {
  for (size_t i = 0; i < std::size(kMethods); ++i) {
    if (kMethods[i] == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

const std::vector<std::string_view>& methodNames() {
  static const std::vector<std::string_view> names(std::begin(kMethods), std::end(kMethods));
  return names;
}

}  // namespace gw::sema
