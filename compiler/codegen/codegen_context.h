#pragma once
// Shared state of one IR -> LLVM IR translation: the module, a builder, the ABI layout helpers
// and caches (string constants, intrinsic declarations, generated functions). Internal to
// compiler/codegen; one instance per compilation, not thread-safe.
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/codegen/entry_points.h"
#include "compiler/ir/ir.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

namespace gw::codegen {

class CodegenContext {
 public:
  CodegenContext(llvm::LLVMContext& llvm, const ir::Program& program);

  llvm::LLVMContext& llvm;
  const ir::Program& program;
  std::unique_ptr<llvm::Module> module;
  llvm::IRBuilder<> b;

  llvm::Type* ptrTy;
  llvm::IntegerType* i1;
  llvm::IntegerType* i32;
  llvm::IntegerType* i64;

  /// `int32_t (const gw_request*, gw_eval_ctx*)` and `void (req, ctx, gw_str* out)`.
  llvm::FunctionType* boolFnTy;
  llvm::FunctionType* strFnTy;

  /// The generated function for IR Function `fn` (declared on first use, defined later): the
  /// one of its canonical copy (see setCanonical).
  llvm::Function* irFunction(uint32_t fn);
  /// Routes IR Function `fn` to the code of `canonical` (an identical program, see
  /// SharedPrograms): only canonical functions are emitted. Call before any irFunction.
  void setCanonical(uint32_t fn, uint32_t canonical) { canonical_[fn] = canonical; }
  uint32_t canonical(uint32_t fn) const { return canonical_[fn]; }
  /// The declaration of an intrinsic, with the C parameter list expanded from its kinds.
  llvm::FunctionCallee intrinsic(ir::IntrinsicId id);
  /// `memcmp` (LLVM expands constant-length equality tests inline).
  llvm::FunctionCallee memcmpFn();
  /// A private constant holding the bytes of pool string `index` (cached).
  llvm::Constant* poolString(uint32_t index);
  /// `base + offset` as a pointer.
  llvm::Value* at(llvm::Value* base, uint64_t offset);
  /// Loads an integer of `type` at base+offset.
  llvm::Value* loadAt(llvm::Type* type, llvm::Value* base, uint64_t offset);
  void storeAt(llvm::Value* value, llvm::Value* base, uint64_t offset);
  /// Marks a generated function: nounwind, no frame-pointer games, dso_local.
  void decorate(llvm::Function* fn);

 private:
  std::vector<llvm::Function*> functions_;
  std::vector<uint32_t> canonical_;
  std::vector<llvm::Constant*> strings_;
  std::unordered_map<uint16_t, llvm::FunctionCallee> intrinsics_;
};

}  // namespace gw::codegen
