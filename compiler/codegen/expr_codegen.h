#pragma once
#include <map>
#include <utility>
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

/// Pure request lookups with a constant argument (`gw_header_get(req, "x")`,
/// `gw_claim_find(req, "a.b")`) already computed in the function being emitted, keyed by
/// (intrinsic, pool string index). Their values must dominate every use (authz hoists them into
/// the entry block).
using LookupMemo = std::map<std::pair<uint16_t, uint32_t>, std::pair<llvm::Value*, llvm::Value*>>;

/// Emits Bool function `fn`'s expression at the builder's insertion point inside `into` (whose
/// arguments 0 and 1 are req and ctx) and returns its i1 value; lookups found in `memo` are
/// reused instead of called again. Used to inline rule conditions into gw_authz_<r>.
llvm::Expected<llvm::Value*> emitBoolInline(CodegenContext& ctx, uint32_t fn, llvm::Function* into,
                                            const LookupMemo* memo);

/// Whether `n` (a node of `f`) is a memoizable lookup; sets `key` when it is.
bool memoKey(const ir::Function& f, const ir::Node& n, std::pair<uint16_t, uint32_t>* key);

}  // namespace gw::codegen
