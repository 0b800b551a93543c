#pragma once
// ir::MatchTree -> native::RouteTable (the matcher of policies whose tree is not compiled to
// code, see codegen::compilesMatchTree). Runs at JIT link time and at .gwo load time.
#include <memory>

#include "compiler/ir/ir.h"
#include "stdlib/native/route_table.h"

namespace gw::jit {

/// The table for `program.matcher`; node i of the tree is node i of the table. The program must
/// be valid (built by the compiler or checked by the .gwo loader).
std::unique_ptr<native::RouteTable> buildRouteTable(const ir::Program& program);

}  // namespace gw::jit
