#include "compiler/codegen/expr_codegen.h"

#include <type_traits>

#include "gw/abi.h"

namespace gw::codegen {

namespace {

/// The C width and signedness of each gw_request member, from the same list as the struct.
struct FieldLayout {
  unsigned size;
  bool isSigned;
};
const FieldLayout kFieldLayout[] = {
#define GW_FIELD(id, member, ctype, kind, path, doc) {sizeof(ctype), std::is_signed_v<ctype>},
#include "gw/abi_fields.def"
};

/// An IR value in registers: Bool i1; Int i64; Str/StrList (ptr, i64); Ip/Json ptr.
struct Val {
  llvm::Value* x = nullptr;
  llvm::Value* y = nullptr;
};

class Emitter {
 public:
  Emitter(CodegenContext& c, uint32_t index, llvm::Function* into = nullptr,
          const LookupMemo* memo = nullptr)
      : c_(c), b_(c.b), fn_(c.program.functions[index]), llfn_(into ? into : c.irFunction(index)),
        memo_(memo), req_(llfn_->getArg(0)), ctx_(llfn_->getArg(1)) {}

  llvm::Error run();
  llvm::Expected<llvm::Value*> inlineBool();

 private:
  llvm::Expected<Val> emit(uint32_t idx, unsigned depth);
  llvm::Expected<Val> load(const ir::Node& n);
  llvm::Expected<Val> call(const ir::Node& n, unsigned depth);
  llvm::Expected<Val> strEq(const ir::Node& n, unsigned depth);
  llvm::Expected<Val> logic(const ir::Node& n, unsigned depth);
  llvm::Value* truth(llvm::Value* v) { return b_.CreateICmpNE(v, llvm::ConstantInt::get(v->getType(), 0)); }
  llvm::Value* entryAlloca(llvm::Type* type, uint64_t bytes);
  llvm::Error bad(const std::string& what) const {
    return llvm::createStringError("in `" + fn_.name + "`: " + what);
  }

  CodegenContext& c_;
  llvm::IRBuilder<>& b_;
  const ir::Function& fn_;
  llvm::Function* llfn_;
  const LookupMemo* memo_;
  llvm::Value* req_;
  llvm::Value* ctx_;
};

llvm::Value* Emitter::entryAlloca(llvm::Type* type, uint64_t bytes) {
  llvm::IRBuilder<> entry(&llfn_->getEntryBlock(), llfn_->getEntryBlock().begin());
  auto* slot = entry.CreateAlloca(llvm::ArrayType::get(type, bytes / 8));
  slot->setAlignment(llvm::Align(8));
  return slot;
}

llvm::Expected<llvm::Value*> Emitter::inlineBool() {
  if (fn_.result != ir::ValueKind::Bool || fn_.root == ir::kNoNode) {
    return bad("only a Bool program can be inlined");
  }
  auto v = emit(fn_.root, 0);
  if (!v) return v.takeError();
  return v->x->getType()->isIntegerTy(1) ? v->x : truth(v->x);
}

llvm::Error Emitter::run() {
  b_.SetInsertPoint(llvm::BasicBlock::Create(c_.llvm, "entry", llfn_));
  Val v;
  if (fn_.root != ir::kNoNode) {
    auto got = emit(fn_.root, 0);
    if (!got) {
      return got.takeError();
    }
    v = *got;
  }
  if (fn_.result == ir::ValueKind::Str) {
    llvm::Value* out = llfn_->getArg(2);
    if (v.x == nullptr || v.y == nullptr) {
      return bad("a string program does not produce a string");
    }
    c_.storeAt(v.x, out, offsetof(gw_str, ptr));
    c_.storeAt(v.y, out, offsetof(gw_str, len));
    b_.CreateRetVoid();
  } else {
    llvm::Value* r = v.x == nullptr ? b_.getInt32(0)
                                    : b_.CreateZExt(v.x->getType()->isIntegerTy(1) ? v.x : truth(v.x), c_.i32);
    b_.CreateRet(r);
  }
  return llvm::Error::success();
}

llvm::Expected<Val> Emitter::emit(uint32_t idx, unsigned depth) {
  if (idx >= fn_.nodes.size() || depth > 4096) {
    return bad("an operand index is out of range");
  }
  const ir::Node& n = fn_.nodes[idx];
  switch (n.op) {
    case ir::Op::ConstBool: return Val{b_.getInt1(n.imm != 0)};
    case ir::Op::ConstInt: return Val{b_.getInt64(static_cast<uint64_t>(n.imm))};
    case ir::Op::ConstStr: {
      if (n.imm < 0 || static_cast<size_t>(n.imm) >= c_.program.strings.size()) {
        return bad("a string constant is out of range");
      }
      auto index = static_cast<uint32_t>(n.imm);
      return Val{c_.poolString(index), b_.getInt64(c_.program.strings[index].size())};
    }
    case ir::Op::LoadField: return load(n);
    case ir::Op::Call: return call(n, depth);
    case ir::Op::Not: {
      auto a = emit(n.a, depth + 1);
      if (!a) return a.takeError();
      return Val{b_.CreateNot(a->x)};
    }
    case ir::Op::And:
    case ir::Op::Or: return logic(n, depth);
    case ir::Op::CmpInt: {
      auto a = emit(n.a, depth + 1);
      if (!a) return a.takeError();
      auto bv = emit(n.b, depth + 1);
      if (!bv) return bv.takeError();
      static const llvm::CmpInst::Predicate kPred[] = {
          llvm::CmpInst::ICMP_EQ, llvm::CmpInst::ICMP_NE, llvm::CmpInst::ICMP_SLT,
          llvm::CmpInst::ICMP_SLE, llvm::CmpInst::ICMP_SGT, llvm::CmpInst::ICMP_SGE};
      return Val{b_.CreateICmp(kPred[static_cast<int>(n.pred)], a->x, bv->x)};
    }
    case ir::Op::MethodIn: {
      auto a = emit(n.a, depth + 1);
      if (!a) return a.takeError();
      // m in [0, 63) && (imm >> m) & 1, as the interpreter (no poison shift for a wild value).
      llvm::Value* inRange = b_.CreateICmpULT(a->x, b_.getInt64(63));
      llvm::Value* shift = b_.CreateSelect(inRange, a->x, b_.getInt64(0));
      llvm::Value* bit = b_.CreateAnd(b_.CreateLShr(b_.getInt64(static_cast<uint64_t>(n.imm)), shift),
                                      b_.getInt64(1));
      return Val{b_.CreateAnd(inRange, truth(bit))};
    }
  }
  return bad("unknown operation");
}

llvm::Expected<Val> Emitter::logic(const ir::Node& n, unsigned depth) {
  bool isAnd = n.op == ir::Op::And;
  auto a = emit(n.a, depth + 1);
  if (!a) return a.takeError();
  llvm::Value* lhs = a->x;
  llvm::BasicBlock* from = b_.GetInsertBlock();
  auto* rhsBlock = llvm::BasicBlock::Create(c_.llvm, isAnd ? "and.rhs" : "or.rhs", llfn_);
  auto* join = llvm::BasicBlock::Create(c_.llvm, isAnd ? "and.end" : "or.end", llfn_);
  if (isAnd) {
    b_.CreateCondBr(lhs, rhsBlock, join);
  } else {
    b_.CreateCondBr(lhs, join, rhsBlock);
  }
  b_.SetInsertPoint(rhsBlock);
  auto bv = emit(n.b, depth + 1);
  if (!bv) return bv.takeError();
  llvm::BasicBlock* rhsEnd = b_.GetInsertBlock();
  b_.CreateBr(join);
  b_.SetInsertPoint(join);
  auto* phi = b_.CreatePHI(c_.i1, 2);
  phi->addIncoming(b_.getInt1(!isAnd), from);
  phi->addIncoming(bv->x, rhsEnd);
  return Val{phi};
}

llvm::Expected<Val> Emitter::load(const ir::Node& n) {
  if (n.field >= ir::FieldId::Count) {
    return bad("an unknown request field");
  }
  const ir::FieldInfo& info = ir::fieldInfo(n.field);
  const FieldLayout& layout = kFieldLayout[static_cast<size_t>(n.field)];
  switch (info.kind) {
    case ir::ValueKind::Str:
    case ir::ValueKind::StrList:
      return Val{c_.loadAt(c_.ptrTy, req_, info.offset), c_.loadAt(c_.i64, req_, info.offset + 8)};
    case ir::ValueKind::Ip: return Val{c_.at(req_, info.offset)};
    case ir::ValueKind::Bool: return Val{truth(c_.loadAt(c_.i32, req_, info.offset))};
    case ir::ValueKind::Int: {
      llvm::Type* type = b_.getIntNTy(layout.size * 8);
      llvm::Value* v = c_.loadAt(type, req_, info.offset);
      return Val{layout.isSigned ? b_.CreateSExtOrTrunc(v, c_.i64) : b_.CreateZExtOrTrunc(v, c_.i64)};
    }
    default: return bad(std::string("field `") + info.name + "` is not readable");
  }
}

llvm::Expected<Val> Emitter::call(const ir::Node& n, unsigned depth) {
  if (n.callee >= ir::IntrinsicId::Count || n.firstArg + n.argCount > fn_.args.size()) {
    return bad("a malformed call");
  }
  std::pair<uint16_t, uint32_t> key;
  if (memo_ != nullptr && memoKey(fn_, n, &key)) {
    auto it = memo_->find(key);
    if (it != memo_->end()) return Val{it->second.first, it->second.second};
  }
  if (n.callee == ir::IntrinsicId::StrEq && n.argCount == 2) {
    return strEq(n, depth);
  }
  const ir::IntrinsicInfo& info = ir::intrinsicInfo(n.callee);
  std::vector<llvm::Value*> args;
  uint32_t next = 0;
  for (ir::ValueKind k : info.params) {
    if (k == ir::ValueKind::Req) {
      args.push_back(req_);
      continue;
    }
    if (k == ir::ValueKind::Ctx) {
      args.push_back(ctx_);
      continue;
    }
    if (next >= n.argCount) {
      return bad(std::string("too few arguments for `") + info.name + "`");
    }
    auto v = emit(fn_.args[n.firstArg + next++], depth + 1);
    if (!v) return v.takeError();
    switch (k) {
      case ir::ValueKind::Str:
      case ir::ValueKind::StrList: args.push_back(v->x); args.push_back(v->y); break;
      case ir::ValueKind::Bool:
        args.push_back(b_.CreateZExt(v->x->getType()->isIntegerTy(1) ? v->x : truth(v->x), c_.i32));
        break;
      case ir::ValueKind::Int:
        args.push_back(v->x->getType()->isIntegerTy(1) ? b_.CreateZExt(v->x, c_.i64) : v->x);
        break;
      default: args.push_back(v->x); break;
    }
  }
  llvm::Value* out = nullptr;
  if (info.ret == ir::ValueKind::Str) {
    out = entryAlloca(c_.i64, sizeof(gw_str));
    args.push_back(out);
  }
  llvm::CallInst* r = b_.CreateCall(c_.intrinsic(n.callee), args);
  switch (info.ret) {
    case ir::ValueKind::Bool: return Val{truth(r)};
    case ir::ValueKind::Int:
    case ir::ValueKind::Json: return Val{r};
    case ir::ValueKind::Str:
      return Val{c_.loadAt(c_.ptrTy, out, offsetof(gw_str, ptr)), c_.loadAt(c_.i64, out, offsetof(gw_str, len))};
    default: return bad("an intrinsic with an unknown result kind");
  }
}

/// `a == b` inline: equal lengths, then memcmp — of constant length when either side is a
/// constant, which LLVM expands into a few loads and compares (no call).
llvm::Expected<Val> Emitter::strEq(const ir::Node& n, unsigned depth) {
  auto a = emit(fn_.args[n.firstArg], depth + 1);
  if (!a) return a.takeError();
  auto bv = emit(fn_.args[n.firstArg + 1], depth + 1);
  if (!bv) return bv.takeError();
  auto constLen = [](llvm::Value* len) -> int64_t {
    auto* k = llvm::dyn_cast<llvm::ConstantInt>(len);
    return k ? static_cast<int64_t>(k->getZExtValue()) : -1;
  };
  int64_t k = constLen(a->y) >= 0 ? constLen(a->y) : constLen(bv->y);
  llvm::Value* sameLen = b_.CreateICmpEQ(a->y, bv->y);
  if (k == 0) return Val{sameLen};
  llvm::BasicBlock* from = b_.GetInsertBlock();
  auto* cmp = llvm::BasicBlock::Create(c_.llvm, "streq.cmp", llfn_);
  auto* done = llvm::BasicBlock::Create(c_.llvm, "streq.done", llfn_);
  llvm::BasicBlock* empty = nullptr;
  if (k > 0) {
    b_.CreateCondBr(sameLen, cmp, done);
  } else {  // both empty: equal without touching the (possibly null) pointers
    auto* check = llvm::BasicBlock::Create(c_.llvm, "streq.len", llfn_);
    b_.CreateCondBr(sameLen, check, done);
    b_.SetInsertPoint(check);
    b_.CreateCondBr(b_.CreateICmpEQ(a->y, b_.getInt64(0)), done, cmp);
    empty = check;
  }
  b_.SetInsertPoint(cmp);
  llvm::Value* len = k > 0 ? b_.getInt64(static_cast<uint64_t>(k)) : a->y;
  llvm::Value* r = b_.CreateCall(c_.memcmpFn(), {a->x, bv->x, len});
  llvm::Value* eq = b_.CreateICmpEQ(r, b_.getInt32(0));
  llvm::BasicBlock* cmpEnd = b_.GetInsertBlock();
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  auto* phi = b_.CreatePHI(c_.i1, empty ? 3 : 2);
  phi->addIncoming(b_.getFalse(), from);
  phi->addIncoming(eq, cmpEnd);
  if (empty) phi->addIncoming(b_.getTrue(), empty);
  return Val{phi};
}

}  // namespace

llvm::Error emitFunction(CodegenContext& ctx, uint32_t fn) { return Emitter(ctx, fn).run(); }

llvm::Expected<llvm::Value*> emitBoolInline(CodegenContext& ctx, uint32_t fn, llvm::Function* into,
                                            const LookupMemo* memo) {
  return Emitter(ctx, fn, into, memo).inlineBool();
}

bool memoKey(const ir::Function& f, const ir::Node& n, std::pair<uint16_t, uint32_t>* key) {
  if (n.op != ir::Op::Call || n.argCount != 1 || n.firstArg >= f.args.size() ||
      (n.callee != ir::IntrinsicId::HeaderGet && n.callee != ir::IntrinsicId::ClaimFind)) {
    return false;
  }
  uint32_t arg = f.args[n.firstArg];
  if (arg >= f.nodes.size() || f.nodes[arg].op != ir::Op::ConstStr || f.nodes[arg].imm < 0) {
    return false;
  }
  *key = {static_cast<uint16_t>(n.callee), static_cast<uint32_t>(f.nodes[arg].imm)};
  return true;
}

}  // namespace gw::codegen
