#include "compiler/codegen/module_builder.h"

#include "compiler/codegen/authz_codegen.h"
#include "compiler/codegen/codegen_context.h"
#include "compiler/codegen/expr_codegen.h"
#include "compiler/codegen/match_codegen.h"


namespace gw::codegen {

bool servedAsConstant(const ir::Function& f) {
  return f.result == ir::ValueKind::Str && f.nodes.size() == 1 && f.root == 0 &&
         f.nodes[0].op == ir::Op::ConstStr;
}

std::vector<std::string> entrySymbols(const SharedPrograms& shared, bool compiledMatch) {
  std::vector<std::string> names;
  if (compiledMatch) names.push_back(matchSymbol());
  for (uint32_t i = 0; i < shared.functions.size(); ++i) {
    if (shared.functions[i] == i) names.push_back(functionSymbol(i));
  }
  for (uint32_t r = 0; r < shared.authz.size(); ++r) {
    if (shared.authz[r] == r) names.push_back(authzSymbol(r));
  }
  return names;
}

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
  // to its canonical copy through `shared`), so neither LLVM nor ORC sees thousands of aliases.
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
