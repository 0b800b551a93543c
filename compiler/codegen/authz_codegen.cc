#include "compiler/codegen/authz_codegen.h"

#include "compiler/codegen/expr_codegen.h"
#include "gw/abi.h"

#include <string>
#include <unordered_map>

namespace gw::codegen {

namespace {

int32_t pack(bool allow, int32_t policy, int32_t rule) {
  uint32_t bits = (allow ? 1u : 0u) | (static_cast<uint32_t>(policy + 1) << 1) |
                  (static_cast<uint32_t>(rule + 1) << 16);
  return static_cast<int32_t>(bits);
}

class AuthzEmitter {
 public:
  AuthzEmitter(CodegenContext& c, llvm::Function* fn) : c_(c), b_(c.b), fn_(fn) {}

  void run(const policy::Route& route) {
    b_.SetInsertPoint(llvm::BasicBlock::Create(c_.llvm, "entry", fn_));
    hoistLookups(route);
    llvm::Value* last = b_.getInt32(pack(false, -1, -1));
    for (size_t p = 0; p < route.authz.size(); ++p) {
      last = plan(route.authz[p], static_cast<int32_t>(p));
    }
    b_.CreateRet(last);
  }

 private:
  /// Every header and claim the rules read by a constant name is looked up once, at entry:
  /// both lookups are pure (they read only the request), so hoisting them changes no answer,
  /// and rules over the same header (`request.header("x") == "a"`, `... == "b"`) stop scanning
  /// the header list once per rule.
  void hoistLookups(const policy::Route& route) {
    for (const policy::PolicyPlan& plan : route.authz) {
      for (const policy::RuleInfo& rule : plan.rules) {
        if (rule.cond < 0 || static_cast<size_t>(rule.cond) >= c_.program.functions.size()) continue;
        const ir::Function& f = c_.program.functions[static_cast<size_t>(rule.cond)];
        for (const ir::Node& n : f.nodes) {
          std::pair<uint16_t, uint32_t> key;
          if (!memoKey(f, n, &key) || memo_.count(key) || key.second >= c_.program.strings.size()) continue;
          memo_[key] = lookup(n.callee, key.second);
        }
      }
    }
  }

  std::pair<llvm::Value*, llvm::Value*> lookup(ir::IntrinsicId callee, uint32_t name) {
    llvm::Value* ptr = c_.poolString(name);
    llvm::Value* len = b_.getInt64(c_.program.strings[name].size());
    if (callee == ir::IntrinsicId::ClaimFind) {
      return {b_.CreateCall(c_.intrinsic(callee), {fn_->getArg(0), ptr, len}), nullptr};
    }
    auto* out = b_.CreateAlloca(llvm::ArrayType::get(c_.i64, sizeof(gw_str) / 8));
    b_.CreateCall(c_.intrinsic(callee), {fn_->getArg(0), ptr, len, out});
    return {c_.loadAt(c_.ptrTy, out, offsetof(gw_str, ptr)), c_.loadAt(c_.i64, out, offsetof(gw_str, len))};
  }

  llvm::Value* holds(int32_t cond) {
    if (cond < 0 || static_cast<size_t>(cond) >= c_.program.functions.size()) {
      return b_.getInt1(cond < 0);
    }
    // The rule's expression inline, sharing the hoisted lookups. The same emitter already
    // compiled this function on its own (buildModule), so it cannot fail here unless the
    // program is inconsistent; the error then fails the whole module.
    auto v = emitBoolInline(c_, static_cast<uint32_t>(cond), fn_, &memo_);
    if (v) return *v;
    if (!error_) error_ = v.takeError();
    else llvm::consumeError(v.takeError());
    return b_.getFalse();
  }

  /// Emits one policy; returns (in the block after it) the packed allow, having returned early
  /// on a deny.
  llvm::Value* plan(const policy::PolicyPlan& plan, int32_t index) {
    llvm::Value* firstAllow = b_.getInt32(-1);
    for (size_t i = 0; i < plan.rules.size(); ++i) {
      const policy::RuleInfo& rule = plan.rules[i];
      auto ruleIndex = static_cast<int32_t>(i);
      if (rule.deny) {
        auto* denied = llvm::BasicBlock::Create(c_.llvm, "deny", fn_);
        auto* next = llvm::BasicBlock::Create(c_.llvm, "rule.next", fn_);
        b_.CreateCondBr(holds(rule.cond), denied, next);
        b_.SetInsertPoint(denied);
        b_.CreateRet(b_.getInt32(pack(false, index, ruleIndex)));
        b_.SetInsertPoint(next);
        continue;
      }
      // An allow rule is evaluated only while no earlier allow matched.
      llvm::BasicBlock* from = b_.GetInsertBlock();
      auto* eval = llvm::BasicBlock::Create(c_.llvm, "allow.eval", fn_);
      auto* next = llvm::BasicBlock::Create(c_.llvm, "rule.next", fn_);
      b_.CreateCondBr(b_.CreateICmpSLT(firstAllow, b_.getInt32(0)), eval, next);
      b_.SetInsertPoint(eval);
      llvm::Value* chosen = b_.CreateSelect(holds(rule.cond), b_.getInt32(ruleIndex), firstAllow);
      llvm::BasicBlock* evalEnd = b_.GetInsertBlock();
      b_.CreateBr(next);
      b_.SetInsertPoint(next);
      auto* phi = b_.CreatePHI(c_.i32, 2);
      phi->addIncoming(firstAllow, from);
      phi->addIncoming(chosen, evalEnd);
      firstAllow = phi;
    }
    auto* denied = llvm::BasicBlock::Create(c_.llvm, "default.deny", fn_);
    auto* allowed = llvm::BasicBlock::Create(c_.llvm, "allowed", fn_);
    b_.CreateCondBr(b_.CreateICmpSLT(firstAllow, b_.getInt32(0)), denied, allowed);
    b_.SetInsertPoint(denied);
    b_.CreateRet(b_.getInt32(pack(false, index, -1)));
    b_.SetInsertPoint(allowed);
    // pack(true, index, firstAllow) computed at run time
    llvm::Value* ruleBits = b_.CreateShl(b_.CreateAdd(firstAllow, b_.getInt32(1)), b_.getInt32(16));
    return b_.CreateOr(ruleBits, b_.getInt32(1 | ((index + 1) << 1)));
  }

  CodegenContext& c_;
  llvm::IRBuilder<>& b_;
  llvm::Function* fn_;
  LookupMemo memo_;

 public:
  llvm::Error error_ = llvm::Error::success();
};

}  // namespace

llvm::Error emitAuthz(CodegenContext& ctx, const std::vector<policy::Route>& routes,
                      const SharedPrograms& shared) {
  for (uint32_t r = 0; r < routes.size(); ++r) {
    if (shared.authz[r] != r) {
      continue;  // no authorize, or the same block as an earlier route's
    }
    auto* fn = llvm::Function::Create(ctx.boolFnTy, llvm::Function::ExternalLinkage, authzSymbol(r),
                                      *ctx.module);
    ctx.decorate(fn);
    AuthzEmitter emitter(ctx, fn);
    emitter.run(routes[r]);
    if (emitter.error_) return std::move(emitter.error_);
  }
  return llvm::Error::success();
}

}  // namespace gw::codegen
