// Expression evaluation over the IR: a recursive walk from the root, lazy for And/Or.
#include <string_view>

#include "compiler/interp/interpreter.h"

namespace gw::interp {

namespace {

struct Value {
  int64_t i = 0;
  gw_str s{"", 0};  // Str; StrList uses list
  gw_str_list list{nullptr, 0};
  const void* ptr = nullptr;  // Ip, Json
};

class Evaluator {
 public:
  Evaluator(const ir::Program& p, const ir::Function& fn, const gw_request& req, gw_eval_ctx& ctx)
      : p_(p), fn_(fn), req_(req), ctx_(ctx) {}

  Value eval(uint32_t idx);

 private:
  Value load(ir::FieldId f);
  Value call(const ir::Node& n);
  const Value arg(const ir::Node& n, uint32_t k) { return eval(fn_.args[n.firstArg + k]); }

  const ir::Program& p_;
  const ir::Function& fn_;
  const gw_request& req_;
  gw_eval_ctx& ctx_;
};

Value boolValue(bool b) {
  Value v;
  v.i = b ? 1 : 0;
  return v;
}

Value Evaluator::eval(uint32_t idx) {
  const ir::Node& n = fn_.nodes[idx];
  switch (n.op) {
    case ir::Op::ConstBool:
    case ir::Op::ConstInt: {
      Value v;
      v.i = n.imm;
      return v;
    }
    case ir::Op::ConstStr: {
      const std::string& s = p_.strings[static_cast<size_t>(n.imm)];
      Value v;
      v.s = gw_str{s.data(), s.size()};
      return v;
    }
    case ir::Op::LoadField: return load(n.field);
    case ir::Op::Call: return call(n);
    case ir::Op::Not: return boolValue(eval(n.a).i == 0);
    case ir::Op::And: return boolValue(eval(n.a).i != 0 && eval(n.b).i != 0);
    case ir::Op::Or: return boolValue(eval(n.a).i != 0 || eval(n.b).i != 0);
    case ir::Op::CmpInt: {
      int64_t a = eval(n.a).i;
      int64_t b = eval(n.b).i;
      switch (n.pred) {
        case ir::CmpPred::Eq: return boolValue(a == b);
        case ir::CmpPred::Ne: return boolValue(a != b);
        case ir::CmpPred::Lt: return boolValue(a < b);
        case ir::CmpPred::Le: return boolValue(a <= b);
        case ir::CmpPred::Gt: return boolValue(a > b);
        case ir::CmpPred::Ge: return boolValue(a >= b);
      }
      return boolValue(false);
    }
    case ir::Op::MethodIn: {
      int64_t m = eval(n.a).i;
      return boolValue(m >= 0 && m < 63 && ((static_cast<uint64_t>(n.imm) >> m) & 1u) != 0);
    }
  }
  return Value{};
}

Value Evaluator::load(ir::FieldId f) {
  const ir::FieldInfo& info = ir::fieldInfo(f);
  const char* base = reinterpret_cast<const char*>(&req_) + info.offset;
  Value v;
  switch (info.kind) {
    case ir::ValueKind::Str: v.s = *reinterpret_cast<const gw_str*>(base); break;
    case ir::ValueKind::StrList: v.list = *reinterpret_cast<const gw_str_list*>(base); break;
    case ir::ValueKind::Ip: v.ptr = base; break;
    case ir::ValueKind::Bool: v.i = *reinterpret_cast<const int32_t*>(base) != 0; break;
    case ir::ValueKind::Int:
      // Every Int field is a 32-bit integer in the view (abi_fields.def), widened here.
      v.i = f == ir::FieldId::RequestMethod ? static_cast<int64_t>(req_.method_id)
                                            : *reinterpret_cast<const int32_t*>(base);
      break;
    default: break;
  }
  return v;
}

Value Evaluator::call(const ir::Node& n) {
  using ir::IntrinsicId;
  Value r;
  auto str = [&](uint32_t k) { return arg(n, k).s; };
  auto claim = [&](uint32_t k) { return static_cast<const gw_claim*>(arg(n, k).ptr); };
  switch (n.callee) {
    case IntrinsicId::HeaderGet: { gw_str a = str(0); gw_header_get(&req_, a.ptr, a.len, &r.s); break; }
    case IntrinsicId::HeaderHas: { gw_str a = str(0); r.i = gw_header_has(&req_, a.ptr, a.len); break; }
    case IntrinsicId::QueryGet: { gw_str a = str(0); gw_query_get(&req_, &ctx_, a.ptr, a.len, &r.s); break; }
    case IntrinsicId::QueryHas: { gw_str a = str(0); r.i = gw_query_has(&req_, a.ptr, a.len); break; }
    case IntrinsicId::ParamGet: gw_param_get(&ctx_, arg(n, 0).i, &r.s); break;
    case IntrinsicId::ClaimFind: { gw_str a = str(0); r.ptr = gw_claim_find(&req_, a.ptr, a.len); break; }
    case IntrinsicId::StrEq: case IntrinsicId::StrEqCi: case IntrinsicId::StrStarts:
    case IntrinsicId::StrEnds: case IntrinsicId::StrContains: {
      gw_str a = str(0);
      gw_str b = str(1);
      using F = int32_t (*)(const char*, size_t, const char*, size_t) noexcept;
      F f = reinterpret_cast<F>(ir::intrinsicInfo(n.callee).address);
      r.i = f(a.ptr, a.len, b.ptr, b.len);
      break;
    }
    case IntrinsicId::ListHas: { gw_str_list l = arg(n, 0).list; gw_str s = str(1); r.i = gw_list_has(l.items, l.count, s.ptr, s.len); break; }
    case IntrinsicId::RegexMatch: { int64_t i = arg(n, 0).i; gw_str s = str(1); r.i = gw_regex_match(&ctx_, i, s.ptr, s.len); break; }
    case IntrinsicId::IpEq4: { const void* ip = arg(n, 0).ptr; r.i = gw_ip_eq4(static_cast<const gw_ip*>(ip), arg(n, 1).i); break; }
    case IntrinsicId::IpInCidr4: {
      const void* ip = arg(n, 0).ptr;
      int64_t net = arg(n, 1).i;
      r.i = gw_ip_in_cidr4(static_cast<const gw_ip*>(ip), net, arg(n, 2).i);
      break;
    }
    case IntrinsicId::ClaimEqStr: case IntrinsicId::ClaimNeStr: case IntrinsicId::ClaimHas:
    case IntrinsicId::ClaimHasNot: case IntrinsicId::ClaimContains: {
      const gw_claim* c = claim(0);
      gw_str s = str(1);
      using F = int32_t (*)(const gw_claim*, const char*, size_t) noexcept;
      r.i = reinterpret_cast<F>(ir::intrinsicInfo(n.callee).address)(c, s.ptr, s.len);
      break;
    }
    case IntrinsicId::ClaimEqInt: { const gw_claim* c = claim(0); r.i = gw_claim_eq_int(c, arg(n, 1).i); break; }
    case IntrinsicId::ClaimNeInt: { const gw_claim* c = claim(0); r.i = gw_claim_ne_int(c, arg(n, 1).i); break; }
    case IntrinsicId::ClaimEqBool: { const gw_claim* c = claim(0); r.i = gw_claim_eq_bool(c, static_cast<int32_t>(arg(n, 1).i)); break; }
    case IntrinsicId::ClaimNeBool: { const gw_claim* c = claim(0); r.i = gw_claim_ne_bool(c, static_cast<int32_t>(arg(n, 1).i)); break; }
    case IntrinsicId::ClaimEqClaim: { const gw_claim* a = claim(0); r.i = gw_claim_eq_claim(a, claim(1)); break; }
    case IntrinsicId::ClaimCmpInt: {
      const gw_claim* c = claim(0);
      int64_t v = arg(n, 1).i;
      r.i = gw_claim_cmp_int(c, v, arg(n, 2).i);
      break;
    }
    case IntrinsicId::ClaimInList: { const gw_claim* c = claim(0); gw_str_list l = arg(n, 1).list; r.i = gw_claim_in_list(c, l.items, l.count); break; }
    case IntrinsicId::ClaimNotInList: { const gw_claim* c = claim(0); gw_str_list l = arg(n, 1).list; r.i = gw_claim_not_in_list(c, l.items, l.count); break; }
    case IntrinsicId::ClaimIsStr: r.i = gw_claim_is_str(claim(0)); break;
    case IntrinsicId::ClaimStr: gw_claim_str(claim(0), &r.s); break;
    case IntrinsicId::ClaimTruthy: r.i = gw_claim_truthy(claim(0)); break;
    case IntrinsicId::ClaimToStr: gw_claim_to_str(&ctx_, claim(0), &r.s); break;
    case IntrinsicId::IntToStr: gw_int_to_str(&ctx_, arg(n, 0).i, &r.s); break;
    case IntrinsicId::IpToStr: gw_ip_to_str(&ctx_, static_cast<const gw_ip*>(arg(n, 0).ptr), &r.s); break;
    case IntrinsicId::ListJoin: { gw_str_list l = arg(n, 0).list; gw_list_join(&ctx_, l.items, l.count, &r.s); break; }
    case IntrinsicId::MethodName: gw_method_name(arg(n, 0).i, &r.s); break;
    case IntrinsicId::BoolToStr: gw_bool_to_str(static_cast<int32_t>(arg(n, 0).i), &r.s); break;
    case IntrinsicId::IpEq: {
      const void* a = arg(n, 0).ptr;
      r.i = gw_ip_eq(static_cast<const gw_ip*>(a), static_cast<const gw_ip*>(arg(n, 1).ptr));
      break;
    }
    case IntrinsicId::ClaimNeClaim: { const gw_claim* a = claim(0); r.i = gw_claim_ne_claim(a, claim(1)); break; }
    case IntrinsicId::Hash64: { gw_str s = str(0); r.i = gw_hash64(s.ptr, s.len); break; }
    case IntrinsicId::KeyPart: { gw_str a = str(0); gw_str b = str(1); gw_key_part(&ctx_, a.ptr, a.len, b.ptr, b.len, &r.s); break; }
    case IntrinsicId::Count: break;
  }
  return r;
}

}  // namespace

int32_t evalBool(const ir::Program& p, uint32_t fn, const gw_request& req, gw_eval_ctx& ctx) {
  const ir::Function& f = p.functions[fn];
  Evaluator ev(p, f, req, ctx);
  return ev.eval(f.root).i != 0 ? 1 : 0;
}

gw_str evalStr(const ir::Program& p, uint32_t fn, const gw_request& req, gw_eval_ctx& ctx) {
  const ir::Function& f = p.functions[fn];
  Evaluator ev(p, f, req, ctx);
  return ev.eval(f.root).s;
}

}  // namespace gw::interp
