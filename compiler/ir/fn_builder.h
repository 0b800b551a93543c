#pragma once
// Internal to the IR lowering: builds the nodes of one Function from ast::Expr operands.
#include <functional>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/ir/ir.h"
#include "compiler/ir/lower_expr.h"

namespace gw::ir {

/// The static shape of an operand, as the lowering needs it.
enum class Shape : uint8_t {
  Bool, Int, Str, StrList, Ip, Json, Method, Cidr, Regex, List, Unsupported
};

inline FieldId fieldByPath(const std::string& path) {
  for (uint16_t i = 0; i < static_cast<uint16_t>(FieldId::Count); ++i) {
    const FieldInfo& f = fieldInfo(static_cast<FieldId>(i));
    if (f.kind != ValueKind::Void && path == f.path) {
      return static_cast<FieldId>(i);
    }
  }
  return FieldId::Count;
}

inline bool isClaimPath(const ast::Expr& e) {
  return e.kind == ast::ExprKind::Path && e.path.size() >= 3 && e.path[0].text == "auth" &&
         e.path[1].text == "claims";
}

/// Builds one Function. Each lowered operand yields a node index.
class FnBuilder {
 public:
  FnBuilder(ExprLowering& owner, Function& fn, const std::vector<std::string>& params)
      : owner_(owner), fn_(fn), params_(params) {}

  Shape shapeOf(const ast::Expr& e) const;
  uint32_t toBool(const ast::Expr& e);
  uint32_t toStr(const ast::Expr& e);
  /// A key (limit, consistent_hash, `by`): toStr, or for `tuple(...)` the composite encoding.
  uint32_t toKey(const ast::Expr& e);
  uint32_t value(const ast::Expr& e);  // Bool/Int/Str/StrList/Ip/Json/Method(Int)

  uint32_t emit(Node n) {
    fn_.nodes.push_back(n);
    return static_cast<uint32_t>(fn_.nodes.size() - 1);
  }
  uint32_t constBool(bool b, Span s = {}) {
    return emit(Node{Op::ConstBool, ValueKind::Bool, {}, FieldId::Count, IntrinsicId::Count,
                     kNoNode, kNoNode, 0, 0, b ? 1 : 0, s});
  }
  uint32_t constInt(int64_t v, Span s = {}) {
    return emit(Node{Op::ConstInt, ValueKind::Int, {}, FieldId::Count, IntrinsicId::Count,
                     kNoNode, kNoNode, 0, 0, v, s});
  }
  uint32_t constStr(const std::string& v, Span s = {}) {
    return emit(Node{Op::ConstStr, ValueKind::Str, {}, FieldId::Count, IntrinsicId::Count,
                     kNoNode, kNoNode, 0, 0, owner_.program_.intern(v), s});
  }
  uint32_t load(FieldId f, Span s = {}) {
    return emit(Node{Op::LoadField, fieldInfo(f).kind, {}, f, IntrinsicId::Count, kNoNode,
                     kNoNode, 0, 0, 0, s});
  }
  uint32_t call(IntrinsicId id, std::vector<uint32_t> args, Span s = {}) {
    Node n{Op::Call, intrinsicInfo(id).ret, {}, FieldId::Count, id, kNoNode, kNoNode,
           static_cast<uint32_t>(fn_.args.size()), static_cast<uint32_t>(args.size()), 0, s};
    fn_.args.insert(fn_.args.end(), args.begin(), args.end());
    return emit(n);
  }
  uint32_t unary(Op op, uint32_t a, Span s = {}) {
    return emit(Node{op, ValueKind::Bool, {}, FieldId::Count, IntrinsicId::Count, a, kNoNode, 0,
                     0, 0, s});
  }
  uint32_t binary(Op op, uint32_t a, uint32_t b, Span s = {}) {
    return emit(
        Node{op, ValueKind::Bool, {}, FieldId::Count, IntrinsicId::Count, a, b, 0, 0, 0, s});
  }
  uint32_t cmp(CmpPred p, uint32_t a, uint32_t b, Span s = {}) {
    return emit(Node{Op::CmpInt, ValueKind::Bool, p, FieldId::Count, IntrinsicId::Count, a, b,
                     0, 0, 0, s});
  }
  uint32_t methodIn(uint32_t a, uint32_t mask, Span s = {}) {
    return emit(Node{Op::MethodIn, ValueKind::Bool, {}, FieldId::Count, IntrinsicId::Count, a,
                     kNoNode, 0, 0, mask, s});
  }
  uint32_t unsupported(const ast::Expr& e, const std::string& what) {
    owner_.diags_.report(DiagCode::BadOperands, e.span,
                         "cannot compile " + what + " in this expression");
    return constBool(false, e.span);
  }
  uint32_t regexIndex(const ast::Lit& lit) {
    bool ci = lit.flags.find('i') != std::string::npos;
    for (uint32_t i = 0; i < owner_.program_.regexes.size(); ++i) {
      const RegexDef& r = owner_.program_.regexes[i];
      if (r.pattern == lit.str && r.caseInsensitive == ci) {
        return i;
      }
    }
    owner_.program_.regexes.push_back(RegexDef{lit.str, ci});
    return static_cast<uint32_t>(owner_.program_.regexes.size() - 1);
  }

  uint32_t binaryExpr(const ast::Expr& e);
  uint32_t equality(const ast::Expr& e, const ast::Expr& l, const ast::Expr& r, bool ne);
  uint32_t membership(const ast::Expr& e, const ast::Expr& l, const ast::Expr& r, bool neg);
  uint32_t containsExpr(const ast::Expr& e, const ast::Expr& l, const ast::Expr& r);
  uint32_t affix(const ast::Expr& e, const ast::Expr& l, const ast::Expr& r, IntrinsicId op);
  uint32_t matches(const ast::Expr& e);
  uint32_t anyOf(const ast::Expr& list, const std::function<uint32_t(const ast::Expr&)>& each,
                 Span s);

 private:
  ExprLowering& owner_;
  Function& fn_;
  const std::vector<std::string>& params_;
};

}  // namespace gw::ir
