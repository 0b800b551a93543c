#include "compiler/codegen/module_builder.h"

#include "compiler/codegen/authz_codegen.h"
#include "compiler/codegen/codegen_context.h"
#include "compiler/codegen/expr_codegen.h"
#include "compiler/codegen/match_codegen.h"


namespace gw::codegen {

llvm::Expected<std::unique_ptr<llvm::Module>> buildModule(llvm::LLVMContext& llvm,
                                                          const policy::CompiledPolicy& policy) {
  return buildModule(llvm, policy, sharePrograms(policy));
}

llvm::Expected<std::unique_ptr<llvm::Module>> buildModule(llvm::LLVMContext& llvm,
                                                          const policy::CompiledPolicy& policy,
                                                          const SharedPrograms& shared) {
  CodegenContext ctx(llvm, policy.ir());
  for (uint32_t i = 0; i < shared.functions.size(); ++i) {
    if (shared.functions[i] != SharedPrograms::kNone) ctx.setCanonical(i, shared.functions[i]);
  }
  // Only canonical programs are defined; a repeat has no symbol of its own (the linker maps it
  // to its canonical copy through `shared`), so neither LLVM nor the linker sees thousands of aliases.
  for (uint32_t i = 0; i < shared.functions.size(); ++i) {
    if (shared.functions[i] != i) continue;
    if (llvm::Error err = emitFunction(ctx, i)) {
      return err;
    }
  }
  if (compilesMatchTree(policy.ir().matcher)) {
    if (llvm::Error err = emitMatcher(ctx)) {
      return err;
    }
  }
  if (llvm::Error err = emitAuthz(ctx, policy.routes(), shared)) {
    return err;
  }
  return std::move(ctx.module);
}

}  // namespace gw::codegen
