#pragma once
// Which matcher a policy gets (no LLVM types: tests and tools include this).
#include <cstddef>

#include "compiler/ir/match_tree.h"

namespace gw::codegen {

/// Whether `gw_match` is generated for this tree: trees of at most matchTreeNodeLimit() nodes
/// are compiled to code; larger ones are matched by native::RouteTable (a node costs LLVM about
/// 5 ms, see docs/compiler-backend.md), and the module then holds only the per-route programs.
bool compilesMatchTree(const ir::MatchTree& tree);
/// The node budget: 128 by default, or GW_JIT_TREE_NODES from the environment.
size_t matchTreeNodeLimit();
/// Overrides the budget for this process (tests use 0 to force the table on every policy).
/// Call before compiling, not concurrently with it.
void setMatchTreeNodeLimit(size_t nodes);

}  // namespace gw::codegen
