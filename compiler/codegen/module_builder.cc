#include "compiler/codegen/module_builder.h"

#include "compiler/codegen/authz_codegen.h"
#include "compiler/codegen/codegen_context.h"
#include "compiler/codegen/expr_codegen.h"
#include "compiler/codegen/match_codegen.h"

namespace gw::codegen {

std::vector<std::string> entrySymbols(const policy::CompiledPolicy& policy) {
  return entrySymbols(policy, compilesMatchTree(policy.ir().matcher));
}

std::vector<std::string> entrySymbols(const policy::CompiledPolicy& policy, bool compiledMatch) {
  std::vector<std::string> names;
  if (compiledMatch) names.push_back(matchSymbol());
  for (uint32_t i = 0; i < policy.ir().functions.size(); ++i) {
    names.push_back(functionSymbol(i));
  }
  for (uint32_t r = 0; r < policy.routes().size(); ++r) {
    if (policy.routes()[r].hasAuthorize) {
      names.push_back(authzSymbol(r));
    }
  }
  return names;
}

llvm::Expected<std::unique_ptr<llvm::Module>> buildModule(llvm::LLVMContext& llvm,
                                                          const policy::CompiledPolicy& policy) {
  CodegenContext ctx(llvm, policy.ir());
  for (uint32_t i = 0; i < policy.ir().functions.size(); ++i) {
    if (llvm::Error err = emitFunction(ctx, i)) {
      return err;
    }
  }
  if (compilesMatchTree(policy.ir().matcher)) {
    if (llvm::Error err = emitMatcher(ctx)) {
      return err;
    }
  }
  if (llvm::Error err = emitAuthz(ctx, policy.routes())) {
    return err;
  }
  return std::move(ctx.module);
}

}  // namespace gw::codegen
