#pragma once
// The reference interpreter: evaluates IR Functions and walks the matcher decision tree over a
// gw_request, calling the same stdlib intrinsics the JIT-compiled code calls, so both back ends
// share every operator's implementation. Stateless functions; thread-safe over an immutable
// Program (each call uses only its own ctx and result).
#include "compiler/ir/ir.h"
#include "gw/abi.h"

namespace gw::interp {

/// Evaluates a Bool function: 0 or 1.
int32_t evalBool(const ir::Program& p, uint32_t fn, const gw_request& req, gw_eval_ctx& ctx);

/// Evaluates a Str function. The result points into the request, the program's constant pool
/// or ctx.scratch.
gw_str evalStr(const ir::Program& p, uint32_t fn, const gw_request& req, gw_eval_ctx& ctx);

/// Walks the decision tree (see match_tree.h for the order). ctx.params is set to the captured
/// params while a candidate's conditions run and restored afterwards.
void matchTree(const ir::Program& p, const gw_request& req, gw_eval_ctx& ctx,
               gw_match_result& out);

}  // namespace gw::interp
