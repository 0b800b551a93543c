// Lowering of the binary operators and `matches`, following docs (semantics.md "Operators"):
// every json test goes through one claim intrinsic whose contract is "false when the claim is
// absent or of another JSON type", including the negated forms.
#include "compiler/ir/fn_builder.h"

namespace gw::ir {

using ast::BinOp;
using ast::ExprKind;
using ast::LitKind;

uint32_t FnBuilder::anyOf(const ast::Expr& list,
                          const std::function<uint32_t(const ast::Expr&)>& each, Span s) {
  if (list.items.empty()) {
    return constBool(false, s);
  }
  uint32_t acc = each(*list.items[0]);
  for (size_t i = 1; i < list.items.size(); ++i) {
    acc = binary(Op::Or, acc, each(*list.items[i]), s);
  }
  return acc;
}

uint32_t FnBuilder::binaryExpr(const ast::Expr& e) {
  const ast::Expr& l = *e.items[0];
  const ast::Expr& r = *e.items[1];
  switch (e.op) {
    case BinOp::And: return binary(Op::And, toBool(l), toBool(r), e.span);
    case BinOp::Or: return binary(Op::Or, toBool(l), toBool(r), e.span);
    case BinOp::Eq: return equality(e, l, r, false);
    case BinOp::Ne: return equality(e, l, r, true);
    case BinOp::In: return membership(e, l, r, false);
    case BinOp::NotIn: return membership(e, l, r, true);
    case BinOp::Contains: return containsExpr(e, l, r);
    case BinOp::StartsWith: return affix(e, l, r, IntrinsicId::StrStarts);
    case BinOp::EndsWith: return affix(e, l, r, IntrinsicId::StrEnds);
    case BinOp::Lt: case BinOp::Le: case BinOp::Gt: case BinOp::Ge: break;
  }
  static const CmpPred kPred[] = {CmpPred::Lt, CmpPred::Le, CmpPred::Gt, CmpPred::Ge};
  int idx = static_cast<int>(e.op) - static_cast<int>(BinOp::Lt);
  Shape ls = shapeOf(l);
  Shape rs = shapeOf(r);
  if (ls == Shape::Json && rs == Shape::Int) {
    return call(IntrinsicId::ClaimCmpInt, {value(l), value(r), constInt(idx)}, e.span);
  }
  if (ls == Shape::Int && rs == Shape::Json) {
    static const int kSwap[] = {2, 3, 0, 1};  // 5 < c  <=>  c > 5
    return call(IntrinsicId::ClaimCmpInt, {value(r), value(l), constInt(kSwap[idx])}, e.span);
  }
  if (ls == Shape::Int && rs == Shape::Int) {
    return cmp(kPred[idx], value(l), value(r), e.span);
  }
  return unsupported(e, "this ordering");
}

uint32_t FnBuilder::equality(const ast::Expr& e, const ast::Expr& l, const ast::Expr& r,
                             bool ne) {
  Shape ls = shapeOf(l);
  Shape rs = shapeOf(r);
  if (ls != Shape::Json && rs == Shape::Json) {
    return equality(e, r, l, ne);
  }
  if (ls == Shape::Json) {
    uint32_t j = value(l);
    switch (rs) {
      case Shape::Json:  // `!=` is false on a missing claim or a type mismatch, as json vs value
        return call(ne ? IntrinsicId::ClaimNeClaim : IntrinsicId::ClaimEqClaim, {j, value(r)}, e.span);
      case Shape::Int:
        return call(ne ? IntrinsicId::ClaimNeInt : IntrinsicId::ClaimEqInt, {j, value(r)}, e.span);
      case Shape::Bool:
        return call(ne ? IntrinsicId::ClaimNeBool : IntrinsicId::ClaimEqBool, {j, value(r)},
                    e.span);
      default:
        return call(ne ? IntrinsicId::ClaimNeStr : IntrinsicId::ClaimEqStr, {j, toStr(r)}, e.span);
    }
  }
  uint32_t eq;
  if ((ls == Shape::Int || ls == Shape::Method) && (rs == Shape::Int || rs == Shape::Method)) {
    return cmp(ne ? CmpPred::Ne : CmpPred::Eq, value(l), value(r), e.span);
  } else if (ls == Shape::Str && rs == Shape::Str) {
    eq = call(IntrinsicId::StrEq, {value(l), value(r)}, e.span);
  } else if (ls == Shape::Ip && r.kind == ExprKind::Literal) {
    eq = call(IntrinsicId::IpEq4, {value(l), constInt(r.lit.i)}, e.span);
  } else if (rs == Shape::Ip && l.kind == ExprKind::Literal) {
    return equality(e, r, l, ne);
  } else if (ls == Shape::Ip && rs == Shape::Ip) {
    eq = call(IntrinsicId::IpEq, {value(l), value(r)}, e.span);
  } else if (ls == Shape::Bool && rs == Shape::Bool && r.kind == ExprKind::Literal) {
    uint32_t v = value(l);
    return (r.lit.i != 0) != ne ? v : unary(Op::Not, v, e.span);
  } else if (ls == Shape::Bool && rs == Shape::Bool && l.kind == ExprKind::Literal) {
    return equality(e, r, l, ne);
  } else {
    return unsupported(e, "this comparison");
  }
  return ne ? unary(Op::Not, eq, e.span) : eq;
}

uint32_t FnBuilder::membership(const ast::Expr& e, const ast::Expr& l, const ast::Expr& r,
                               bool neg) {
  Shape ls = shapeOf(l);
  Shape rs = shapeOf(r);
  auto maybeNot = [&](uint32_t v) { return neg ? unary(Op::Not, v, e.span) : v; };
  if (rs == Shape::List) {
    switch (ls) {
      case Shape::Method: {
        uint32_t mask = 0;
        for (const auto& it : r.items) {
          int m = methodId(it->kind == ExprKind::Path ? it->dottedPath() : it->lit.str);
          mask |= m >= 0 ? (1u << m) : 0u;
        }
        return maybeNot(methodIn(value(l), mask, e.span));
      }
      case Shape::Json: {
        uint32_t any = anyOf(r, [&](const ast::Expr& it) {
          return call(IntrinsicId::ClaimEqStr, {value(l), toStr(it)}, it.span);
        }, e.span);
        if (!neg) {
          return any;
        }
        uint32_t isStr = call(IntrinsicId::ClaimIsStr, {value(l)}, e.span);
        return binary(Op::And, isStr, unary(Op::Not, any, e.span), e.span);
      }
      case Shape::Ip:
        return maybeNot(anyOf(r, [&](const ast::Expr& it) {
          return call(IntrinsicId::IpInCidr4, {value(l), constInt(it.lit.i), constInt(it.lit.prefix)},
                      it.span);
        }, e.span));
      case Shape::Int:
        return maybeNot(anyOf(r, [&](const ast::Expr& it) {
          return cmp(CmpPred::Eq, value(l), value(it), it.span);
        }, e.span));
      default:
        return maybeNot(anyOf(r, [&](const ast::Expr& it) {
          return call(IntrinsicId::StrEq, {toStr(l), toStr(it)}, it.span);
        }, e.span));
    }
  }
  if (rs == Shape::StrList) {
    if (ls == Shape::Json) {
      return call(neg ? IntrinsicId::ClaimNotInList : IntrinsicId::ClaimInList,
                  {value(l), value(r)}, e.span);
    }
    return maybeNot(call(IntrinsicId::ListHas, {value(r), toStr(l)}, e.span));
  }
  if (rs == Shape::Cidr && ls == Shape::Ip) {
    return maybeNot(
        call(IntrinsicId::IpInCidr4, {value(l), constInt(r.lit.i), constInt(r.lit.prefix)}, e.span));
  }
  if (rs == Shape::Json && ls != Shape::Json) {
    return call(neg ? IntrinsicId::ClaimHasNot : IntrinsicId::ClaimHas, {value(r), toStr(l)},
                e.span);
  }
  return unsupported(e, "this `in` test");
}

uint32_t FnBuilder::containsExpr(const ast::Expr& e, const ast::Expr& l, const ast::Expr& r) {
  switch (shapeOf(l)) {
    case Shape::Str: return call(IntrinsicId::StrContains, {value(l), toStr(r)}, e.span);
    case Shape::StrList: return call(IntrinsicId::ListHas, {value(l), toStr(r)}, e.span);
    case Shape::Json: return call(IntrinsicId::ClaimContains, {value(l), toStr(r)}, e.span);
    case Shape::List:
      return anyOf(l, [&](const ast::Expr& it) {
        return call(IntrinsicId::StrEq, {toStr(it), toStr(r)}, it.span);
      }, e.span);
    default: return unsupported(e, "this `contains` test");
  }
}

uint32_t FnBuilder::affix(const ast::Expr& e, const ast::Expr& l, const ast::Expr& r,
                          IntrinsicId op) {
  Shape ls = shapeOf(l);
  if (ls == Shape::Json) {
    // Two lookups of the same claim: ClaimFind is pure, and no node is shared between the
    // lazily evaluated operands of And.
    uint32_t isStr = call(IntrinsicId::ClaimIsStr, {value(l)}, e.span);
    uint32_t s = call(IntrinsicId::ClaimStr, {value(l)}, e.span);
    return binary(Op::And, isStr, call(op, {s, toStr(r)}, e.span), e.span);
  }
  if (ls == Shape::Str) {
    return call(op, {value(l), toStr(r)}, e.span);
  }
  return unsupported(e, "this string test");
}

uint32_t FnBuilder::matches(const ast::Expr& e) {
  const ast::Expr& subject = *e.items[0];
  uint32_t re = regexIndex(e.lit);
  if (shapeOf(subject) == Shape::Json) {
    uint32_t isStr = call(IntrinsicId::ClaimIsStr, {value(subject)}, e.span);
    uint32_t s = call(IntrinsicId::ClaimStr, {value(subject)}, e.span);
    uint32_t m = call(IntrinsicId::RegexMatch, {constInt(re), s}, e.span);
    return binary(Op::And, isStr, m, e.span);
  }
  return call(IntrinsicId::RegexMatch, {constInt(re), toStr(subject)}, e.span);
}

}  // namespace gw::ir
