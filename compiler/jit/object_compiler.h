#pragma once
// IR module -> optimized relocatable object in memory. The JIT and `gwc compile` share this
// step, so an AOT .gwo carries exactly the object the JIT would have linked.
#include <memory>

#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Target/TargetMachine.h"

namespace gw::jit {

/// Verifies `module` (a broken module is an internal compiler error, reported as an Error, never
/// an abort) and runs the new-pass-manager O2 pipeline for `machine` over it.
llvm::Error optimizeModule(llvm::Module& module, llvm::TargetMachine& machine);

/// Emits `module` as an ELF relocatable object for `machine`.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> emitObject(llvm::Module& module,
                                                               llvm::TargetMachine& machine);

}  // namespace gw::jit
