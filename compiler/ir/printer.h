#pragma once
// Deterministic text form of an IR program (`gwc emit ir`): functions with one line per node,
// the route table and the matcher tree.
#include <string>

#include "compiler/ir/ir.h"

namespace gw::ir {

std::string printIr(const Program& p);

/// Structural checks: operand indices precede their users, kinds fit each op and intrinsic
/// signature, roots and candidate/function references are in range. Returns the problems
/// found (empty when the program is well formed).
std::vector<std::string> verify(const Program& p);

}  // namespace gw::ir
