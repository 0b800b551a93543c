#pragma once
// MatchTree -> `void gw_match(const gw_request*, gw_eval_ctx*, gw_match_result*)`.
//
// One internal function per trie node that can still reach a candidate: it finds the next
// segment's end, switches on the segment length, then walks a byte decision tree (a switch on
// the first byte where the literals of that length differ, memcmp of the shared runs, memcmp of
// the remaining bytes once one literal is left), descends into the literal child, then into the
// `{param}` child (capturing the segment into gw_match_result::params). Candidates are tested
// inline: host (memcmp against the pool string, suffix for wildcards), method bit mask, then a
// call to the condition function with ctx->params pointing at the captures. A second family of
// functions walks the all-literal chain for prefix candidates, deepest first. The order and every
// edge case mirror native::RouteWalk (stdlib/native/route_walk.h); the differential tests hold
// them to it.
#include "compiler/codegen/codegen_context.h"
#include "compiler/codegen/match_mode.h"
#include "llvm/Support/Error.h"

namespace gw::codegen {

/// Defines `gw_match` (and its internal node functions) in `ctx.module`.
llvm::Error emitMatcher(CodegenContext& ctx);

}  // namespace gw::codegen
