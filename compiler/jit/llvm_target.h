#pragma once
// The LLVM side of the native back end's set-up: the native target, initialised once, and the
// TargetMachine compileObject emits with (host CPU and features, PIC, small code model — the
// object form compiler/link/ links). Internal to the compile half: exposes LLVM types.
#include <memory>
#include <string>

#include "compiler/jit/target_info.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

namespace gw::jit {

/// A TargetMachine for the host (O2 codegen, PIC, small code model). The caller owns it.
/// Thread-safe.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>> createHostTargetMachine();

/// Converts an llvm::Error to its message and consumes it.
std::string takeErrorMessage(llvm::Error error);

}  // namespace gw::jit
