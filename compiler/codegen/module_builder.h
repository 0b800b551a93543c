#pragma once
// A whole policy -> one LLVM module: every IR Function (gw_fn_<i>), the matcher (gw_match) and
// the per-route authorization functions (gw_authz_<r>).
#include <memory>
#include <string>
#include <vector>

#include "compiler/codegen/shared_programs.h"
#include "compiler/policy/compiled_policy.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"

namespace gw::codegen {

/// True for a Str program that is one constant (`set header "X" = "v"`, a constant key): it is
/// answered from the string pool (NativeCode) instead of being compiled, since LLVM's cost is
/// per function and such values are the most common per-route program. Generated code never
/// calls a Str program, so nothing in the module refers to these.
bool servedAsConstant(const ir::Function& f);

/// The entry points a policy's module defines, in a fixed order: gw_match (when the tree is
/// compiled, see compilesMatchTree), gw_fn_<i> for every canonical program (`shared`: never a
/// constant, never a repeat), then gw_authz_<r> for each canonical `authorize` in route order.
std::vector<std::string> entrySymbols(const SharedPrograms& shared, bool compiledMatch);

/// Builds (does not optimize) the module: the canonical programs of `shared` only. Errors name
/// the IR function that failed. The first form computes `shared` (sharePrograms).
llvm::Expected<std::unique_ptr<llvm::Module>> buildModule(llvm::LLVMContext& llvm,
                                                          const policy::CompiledPolicy& policy);
llvm::Expected<std::unique_ptr<llvm::Module>> buildModule(llvm::LLVMContext& llvm,
                                                          const policy::CompiledPolicy& policy,
                                                          const SharedPrograms& shared);

}  // namespace gw::codegen
