#include "compiler/codegen/authz_codegen.h"

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
    llvm::Value* last = b_.getInt32(pack(false, -1, -1));
    for (size_t p = 0; p < route.authz.size(); ++p) {
      last = plan(route.authz[p], static_cast<int32_t>(p));
    }
    b_.CreateRet(last);
  }

 private:
  llvm::Value* holds(int32_t cond) {
    if (cond < 0 || static_cast<size_t>(cond) >= c_.program.functions.size()) {
      return b_.getInt1(cond < 0);
    }
    llvm::Value* r = b_.CreateCall(c_.irFunction(static_cast<uint32_t>(cond)), {fn_->getArg(0), fn_->getArg(1)});
    return b_.CreateICmpNE(r, b_.getInt32(0));
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
};

}  // namespace

std::vector<uint32_t> emitAuthz(CodegenContext& ctx, const std::vector<policy::Route>& routes) {
  std::vector<uint32_t> emitted;
  for (uint32_t r = 0; r < routes.size(); ++r) {
    if (!routes[r].hasAuthorize) {
      continue;
    }
    auto* fn = llvm::Function::Create(ctx.boolFnTy, llvm::Function::ExternalLinkage, authzSymbol(r),
                                      *ctx.module);
    ctx.decorate(fn);
    AuthzEmitter(ctx, fn).run(routes[r]);
    emitted.push_back(r);
  }
  return emitted;
}

}  // namespace gw::codegen
