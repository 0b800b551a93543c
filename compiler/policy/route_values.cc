#include "compiler/policy/route_values.h"

namespace gw::policy {

namespace {

/// The expression `{inner}` stands for, with every node spanning the template literal.
ast::Expr insertion(const std::string& inner, Span span) {
  ast::Expr e;
  e.span = span;
  if (inner.find('.') == std::string::npos) {  // a path parameter: request.param("inner")
    e.kind = ast::ExprKind::Call;
    e.path = {ast::Ident{"request", span}, ast::Ident{"param", span}};
    auto arg = std::make_unique<ast::Expr>();
    arg->kind = ast::ExprKind::Literal;
    arg->span = span;
    arg->lit.kind = ast::LitKind::String;
    arg->lit.str = inner;
    arg->lit.raw = "\"" + inner + "\"";
    arg->lit.span = span;
    arg->type = ast::Type::of(ast::TypeKind::String);
    e.items.push_back(std::move(arg));
    e.type = ast::Type::of(ast::TypeKind::String);
    return e;
  }
  e.kind = ast::ExprKind::Path;
  size_t from = 0;
  while (true) {
    size_t dot = inner.find('.', from);
    e.path.push_back(ast::Ident{inner.substr(from, dot - from), span});
    if (dot == std::string::npos) break;
    from = dot + 1;
  }
  return e;
}

}  // namespace

std::vector<PathPiece> lowerPartPath(ir::ExprLowering& lower, const ast::AggregatePart& part,
                                     const std::string& prefix, int32_t route,
                                     const std::vector<std::string>& params) {
  std::vector<PathPiece> out;
  const std::string& t = part.pathTemplate.str;
  bool inQuery = false;
  size_t pos = 0;
  auto literal = [&](size_t end) {
    if (end <= pos) return;
    std::string text = t.substr(pos, end - pos);
    inQuery = inQuery || text.find('?') != std::string::npos;
    out.push_back(PathPiece{std::move(text), -1, false});
  };
  while (pos < t.size()) {
    size_t open = t.find('{', pos);
    size_t close = open == std::string::npos ? open : t.find('}', open);
    if (close == std::string::npos) break;  // sema rejects an unbalanced `{`
    literal(open);
    ast::Expr e = insertion(t.substr(open + 1, close - open - 1), part.pathTemplate.span);
    std::string name = prefix + ".p" + std::to_string(out.size());
    int32_t fn =
        lower.stringFunction(std::move(name), ir::FunctionRole::PartPath, e, route, params);
    out.push_back(PathPiece{{}, fn, inQuery});
    pos = close + 1;
  }
  literal(t.size());
  return out;
}

JsonSetValue lowerJsonSet(ir::ExprLowering& lower, const ast::JsonOp& op, const std::string& name,
                          int32_t route, const std::vector<std::string>& params) {
  JsonSetValue v;
  if (!op.value) return v;
  using T = ast::TypeKind;
  switch (op.value->type.kind) {
    case T::Bool:
      v.kind = JsonSetValue::Kind::kBool;
      v.value = lower.boolFunction(name, ir::FunctionRole::BodyValue, *op.value, route, params);
      return v;
    case T::Int: case T::Duration: case T::Size: case T::Percent:
      v.kind = JsonSetValue::Kind::kNumber;
      break;
    default:
      v.kind = JsonSetValue::Kind::kString;
      break;
  }
  v.value = lower.stringFunction(name, ir::FunctionRole::BodyValue, *op.value, route, params);
  return v;
}

}  // namespace gw::policy
