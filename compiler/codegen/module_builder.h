#pragma once
// A whole policy -> one LLVM module: every IR Function (gw_fn_<i>), the matcher (gw_match) and
// the per-route authorization functions (gw_authz_<r>).
#include <memory>
#include <string>
#include <vector>

#include "compiler/codegen/entry_points.h"
#include "compiler/codegen/shared_programs.h"
#include "compiler/policy/compiled_policy.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"

namespace gw::codegen {

/// Builds (does not optimize) the module: the canonical programs of `shared` only. Errors name
/// the IR function that failed. The first form computes `shared` (sharePrograms).
llvm::Expected<std::unique_ptr<llvm::Module>> buildModule(llvm::LLVMContext& llvm,
                                                          const policy::CompiledPolicy& policy);
llvm::Expected<std::unique_ptr<llvm::Module>> buildModule(llvm::LLVMContext& llvm,
                                                          const policy::CompiledPolicy& policy,
                                                          const SharedPrograms& shared);

}  // namespace gw::codegen
