#include "compiler/ir/lower_expr.h"

#include "compiler/ir/fn_builder.h"

#include <cstring>

#include "gw/abi.h"

namespace gw::ir {

using ast::BinOp;
using ast::ExprKind;
using ast::LitKind;
using ast::TypeKind;

int methodId(std::string_view name) {
  static const char* kNames[] = {"GET",   "HEAD",    "POST",    "PUT",  "DELETE",
                                 "PATCH", "OPTIONS", "CONNECT", "TRACE"};
  for (int i = 0; i < 9; ++i) {
    if (name == kNames[i]) {
      return i;
    }
  }
  return -1;
}

Shape FnBuilder::shapeOf(const ast::Expr& e) const {
  switch (e.kind) {
    case ExprKind::Literal:
      switch (e.lit.kind) {
        case LitKind::String: return Shape::Str;
        case LitKind::Bool: return Shape::Bool;
        case LitKind::Int: case LitKind::Duration: case LitKind::Size: case LitKind::Percent:
          return Shape::Int;
        case LitKind::Ip: return Shape::Ip;
        case LitKind::Cidr: return Shape::Cidr;
        case LitKind::Regex: return Shape::Regex;
        default: return Shape::Unsupported;
      }
    case ExprKind::List: return Shape::List;
    case ExprKind::Path: {
      if (isClaimPath(e)) {
        return Shape::Json;
      }
      std::string p = e.dottedPath();
      if (e.path.size() == 1) {
        return methodId(p) >= 0 ? Shape::Method : Shape::Str;  // bare names are text
      }
      if (p == "route.name") {
        return Shape::Str;
      }
      if (p == "request.method") {
        return Shape::Method;
      }
      FieldId f = fieldByPath(p);
      if (f == FieldId::Count) {
        return Shape::Unsupported;
      }
      switch (fieldInfo(f).kind) {
        case ValueKind::Int: return Shape::Int;
        case ValueKind::Str: return Shape::Str;
        case ValueKind::StrList: return Shape::StrList;
        case ValueKind::Ip: return Shape::Ip;
        case ValueKind::Bool: return Shape::Bool;
        default: return Shape::Unsupported;
      }
    }
    case ExprKind::Call:
      return e.dottedPath() == "request.has_header" ? Shape::Bool : Shape::Str;
    case ExprKind::Not: case ExprKind::Binary: case ExprKind::Matches: return Shape::Bool;
  }
  return Shape::Unsupported;
}

uint32_t FnBuilder::value(const ast::Expr& e) {
  switch (e.kind) {
    case ExprKind::Literal:
      switch (e.lit.kind) {
        case LitKind::String: return constStr(e.lit.str, e.span);
        case LitKind::Bool: return constBool(e.lit.i != 0, e.span);
        case LitKind::Percent: return constInt(static_cast<int64_t>(e.lit.f), e.span);
        case LitKind::Int: case LitKind::Duration: case LitKind::Size:
          return constInt(e.lit.i, e.span);
        default: return unsupported(e, "this literal");
      }
    case ExprKind::Path: {
      if (isClaimPath(e)) {
        std::string path;
        for (size_t i = 2; i < e.path.size(); ++i) {
          path += (i > 2 ? "." : "") + e.path[i].text;
        }
        return call(IntrinsicId::ClaimFind, {constStr(path)}, e.span);
      }
      std::string p = e.dottedPath();
      if (e.path.size() == 1) {
        int m = methodId(p);
        return m >= 0 ? constInt(m, e.span) : constStr(p, e.span);
      }
      if (p == "route.name") {
        // Every route-level function is lowered per route, so the name is a constant. Outside a
        // route (a limit's standalone key, which sema keeps off the gateway) it is empty.
        const std::vector<RouteInfo>& routes = owner_.program_.routes;
        bool known = fn_.route >= 0 && static_cast<size_t>(fn_.route) < routes.size();
        return constStr(known ? routes[static_cast<size_t>(fn_.route)].name : "", e.span);
      }
      FieldId f = fieldByPath(p);
      if (f == FieldId::Count) {
        return unsupported(e, "`" + p + "`");
      }
      return load(f, e.span);
    }
    case ExprKind::Call: {
      std::string fnName = e.dottedPath();
      if (e.items.size() != 1) {
        return unsupported(e, "`" + fnName + "` without one argument");
      }
      if (fnName == "request.param") {
        const ast::Expr& arg = *e.items[0];
        int64_t slot = -1;
        for (size_t i = 0; arg.kind == ExprKind::Literal && i < params_.size(); ++i) {
          if (params_[i] == arg.lit.str) {
            slot = static_cast<int64_t>(i);
          }
        }
        return call(IntrinsicId::ParamGet, {constInt(slot)}, e.span);
      }
      uint32_t arg = toStr(*e.items[0]);
      if (fnName == "request.header") return call(IntrinsicId::HeaderGet, {arg}, e.span);
      if (fnName == "request.query") return call(IntrinsicId::QueryGet, {arg}, e.span);
      if (fnName == "request.has_header") return call(IntrinsicId::HeaderHas, {arg}, e.span);
      return unsupported(e, "`" + fnName + "`");
    }
    case ExprKind::Not: return unary(Op::Not, toBool(*e.items[0]), e.span);
    case ExprKind::Binary: return binaryExpr(e);
    case ExprKind::Matches: return matches(e);
    case ExprKind::List: return unsupported(e, "a list");
  }
  return unsupported(e, "this expression");
}

uint32_t FnBuilder::toBool(const ast::Expr& e) {
  switch (shapeOf(e)) {
    case Shape::Bool: return value(e);
    case Shape::Json: return call(IntrinsicId::ClaimTruthy, {value(e)}, e.span);
    default: return unsupported(e, "a non-bool value as a condition");
  }
}

uint32_t FnBuilder::toStr(const ast::Expr& e) {
  switch (shapeOf(e)) {
    case Shape::Str: return value(e);
    case Shape::Int: return call(IntrinsicId::IntToStr, {value(e)}, e.span);
    case Shape::Bool: return call(IntrinsicId::BoolToStr, {value(e)}, e.span);
    case Shape::Ip:
      if (e.kind == ExprKind::Literal) {
        return constStr(e.lit.raw, e.span);
      }
      return call(IntrinsicId::IpToStr, {value(e)}, e.span);
    case Shape::Json: return call(IntrinsicId::ClaimToStr, {value(e)}, e.span);
    case Shape::StrList: return call(IntrinsicId::ListJoin, {value(e)}, e.span);
    case Shape::Method:
      if (e.kind == ExprKind::Path && e.path.size() > 1) {
        return load(FieldId::RequestMethodName, e.span);
      }
      return call(IntrinsicId::MethodName, {value(e)}, e.span);
    case Shape::List: {
      std::string joined;
      for (size_t i = 0; i < e.items.size(); ++i) {
        const ast::Expr& it = *e.items[i];
        joined += (i ? "," : "") + (it.kind == ExprKind::Literal ? (it.lit.kind == LitKind::String
                                                                        ? it.lit.str
                                                                        : it.lit.raw)
                                                                 : it.dottedPath());
      }
      return constStr(joined, e.span);
    }
    default: return unsupported(e, "this value as text");
  }
}

uint32_t FnBuilder::toKey(const ast::Expr& e) {
  if (e.kind != ExprKind::Call || e.dottedPath() != "tuple") {
    return toStr(e);
  }
  // A composite key: each part appended as a netstring, so no choice of part values can make
  // two different tuples encode alike.
  uint32_t acc = constStr("", e.span);
  for (const ast::ExprPtr& item : e.items) {
    if (item) acc = call(IntrinsicId::KeyPart, {acc, toStr(*item)}, item->span);
  }
  return acc;
}

}  // namespace gw::ir

namespace gw::ir {

namespace {

Function& newFunction(Program& p, std::string name, FunctionRole role, ValueKind result,
                      int32_t route, Span span) {
  Function fn;
  fn.name = std::move(name);
  fn.role = role;
  fn.result = result;
  fn.route = route;
  fn.span = span;
  p.functions.push_back(std::move(fn));
  return p.functions.back();
}

}  // namespace

int32_t ExprLowering::boolFunction(std::string name, FunctionRole role, const ast::Expr& expr,
                                   int32_t route, const std::vector<std::string>& paramNames) {
  Function& fn = newFunction(program_, std::move(name), role, ValueKind::Bool, route, expr.span);
  FnBuilder b(*this, fn, paramNames);
  fn.root = b.toBool(expr);
  return static_cast<int32_t>(program_.functions.size() - 1);
}

int32_t ExprLowering::stringFunction(std::string name, FunctionRole role, const ast::Expr& expr,
                                     int32_t route, const std::vector<std::string>& paramNames) {
  Function& fn = newFunction(program_, std::move(name), role, ValueKind::Str, route, expr.span);
  FnBuilder b(*this, fn, paramNames);
  bool key = role == FunctionRole::LimitKey || role == FunctionRole::HashKey ||
             role == FunctionRole::ForwardKey;
  fn.root = key ? b.toKey(expr) : b.toStr(expr);
  return static_cast<int32_t>(program_.functions.size() - 1);
}

int32_t ExprLowering::constStringFunction(std::string name, FunctionRole role,
                                          const std::string& value) {
  Function& fn = newFunction(program_, std::move(name), role, ValueKind::Str, -1, {});
  static const std::vector<std::string> kNoParams;
  FnBuilder b(*this, fn, kNoParams);
  fn.root = b.constStr(value);
  return static_cast<int32_t>(program_.functions.size() - 1);
}

int32_t ExprLowering::anyInListFunction(std::string name, FieldId list, const ast::Expr& names,
                                        Span span) {
  Function& fn = newFunction(program_, std::move(name), FunctionRole::RuleCond, ValueKind::Bool,
                             -1, span);
  static const std::vector<std::string> kNoParams;
  FnBuilder b(*this, fn, kNoParams);
  if (names.kind != ast::ExprKind::List) {
    fn.root = b.call(IntrinsicId::ListHas, {b.load(list, span), b.toStr(names)}, span);
  } else {
    fn.root = b.anyOf(names, [&](const ast::Expr& it) {
      return b.call(IntrinsicId::ListHas, {b.load(list, it.span), b.toStr(it)}, it.span);
    }, span);
  }
  return static_cast<int32_t>(program_.functions.size() - 1);
}

int32_t ExprLowering::matchFunction(std::string name, const ast::Match& match, int32_t route,
                                    const std::vector<std::string>& paramNames) {
  Function& fn = newFunction(program_, std::move(name), FunctionRole::MatchCond, ValueKind::Bool,
                             route, match.span);
  FnBuilder b(*this, fn, paramNames);
  uint32_t acc = kNoNode;
  auto conj = [&](uint32_t v) { acc = acc == kNoNode ? v : b.binary(Op::And, acc, v, match.span); };
  auto field = [&](const ast::FieldCondition& c, bool header) {
    uint32_t name = b.constStr(c.field.str, c.field.span);
    using FOp = ast::FieldCondition::Op;
    if (c.op == FOp::Present || c.op == FOp::Absent) {
      uint32_t has = header ? b.call(IntrinsicId::HeaderHas, {name}, c.span)
                            : b.call(IntrinsicId::QueryHas, {name}, c.span);
      return c.op == FOp::Present ? has : b.unary(Op::Not, has, c.span);
    }
    uint32_t v = header ? b.call(IntrinsicId::HeaderGet, {name}, c.span)
                        : b.call(IntrinsicId::QueryGet, {name}, c.span);
    if (c.op == FOp::Matches) {
      return b.call(IntrinsicId::RegexMatch, {b.constInt(b.regexIndex(*c.value)), v}, c.span);
    }
    uint32_t eq = b.call(IntrinsicId::StrEq, {v, b.constStr(c.value ? c.value->str : "")}, c.span);
    return c.op == FOp::Ne ? b.unary(Op::Not, eq, c.span) : eq;
  };
  for (const auto& c : match.headers) conj(field(c, true));
  for (const auto& c : match.queries) conj(field(c, false));
  for (const auto& w : match.whens) conj(b.toBool(*w));
  fn.root = acc == kNoNode ? b.constBool(true) : acc;
  return static_cast<int32_t>(program_.functions.size() - 1);
}

}  // namespace gw::ir
