#pragma once
// IR Function -> LLVM function: straight-line code with short-circuit and/or (branches + phi),
// intrinsic calls with the C parameter lists of intrinsics.def, field loads at abi.h offsets.
// Mirrors interp/eval.cc node for node (including re-evaluating a shared operand, so both back
// ends use the eval ctx's scratch the same way).
#include "compiler/codegen/codegen_context.h"
#include "llvm/Support/Error.h"

namespace gw::codegen {

/// Defines the body of `ctx.irFunction(fn)`. Fails (an Error, never an abort) on an IR shape it
/// does not understand; the module is then discarded by the caller.
llvm::Error emitFunction(CodegenContext& ctx, uint32_t fn);

}  // namespace gw::codegen
