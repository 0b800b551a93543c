#include "compiler/ast/ast.h"

namespace gw::ast {

const char* binOpSpelling(BinOp op) {
  switch (op) {
    case BinOp::Eq: return "==";
    case BinOp::Ne: return "!=";
    case BinOp::Lt: return "<";
    case BinOp::Le: return "<=";
    case BinOp::Gt: return ">";
    case BinOp::Ge: return ">=";
    case BinOp::In: return "in";
    case BinOp::NotIn: return "not in";
    case BinOp::Contains: return "contains";
    case BinOp::StartsWith: return "starts_with";
    case BinOp::EndsWith: return "ends_with";
    case BinOp::And: return "and";
    case BinOp::Or: return "or";
  }
  return "?";
}

std::string Expr::dottedPath() const {
  std::string out;
  for (const Ident& seg : path) {
    if (!out.empty()) {
      out += '.';
    }
    out += seg.text;
  }
  return out;
}

const char* typeKindName(TypeKind k) {
  switch (k) {
    case TypeKind::Unknown: return "unknown";
    case TypeKind::Error: return "error";
    case TypeKind::String: return "string";
    case TypeKind::Int: return "int";
    case TypeKind::Bool: return "bool";
    case TypeKind::Duration: return "duration";
    case TypeKind::Size: return "size";
    case TypeKind::Rate: return "rate";
    case TypeKind::Percent: return "percent";
    case TypeKind::Ip: return "ip";
    case TypeKind::Cidr: return "cidr";
    case TypeKind::Method: return "method";
    case TypeKind::Regex: return "regex";
    case TypeKind::Json: return "json";
    case TypeKind::List: return "list";
  }
  return "?";
}

std::string typeName(const Type& t) {
  if (t.kind == TypeKind::List) {
    return std::string("list<") + typeKindName(t.elem) + ">";
  }
  return typeKindName(t.kind);
}

}  // namespace gw::ast
