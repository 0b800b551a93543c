#pragma once
// Lowering of the route constructs whose values are policy expressions evaluated per request
// outside the header transforms: the `{...}` insertions of `aggregate` path templates (role
// PartPath) and the values of `set "P" = E` inside `body json` (role BodyValue). Both back ends
// (interpreter, JIT/AOT) run the resulting Functions like every other program.
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/ir/lower_expr.h"
#include "compiler/policy/compiled_policy.h"

namespace gw::policy {

/// Splits `part`'s template into literal pieces and one Str Function per `{...}`: a name
/// without a dot is the route's path parameter (`request.param`), a dotted one a request-context
/// field (`auth.subject`, `auth.claims.org`, `client.ip`). Sema checked the names.
std::vector<PathPiece> lowerPartPath(ir::ExprLowering& lower, const ast::AggregatePart& part,
                                     const std::string& prefix, int32_t route,
                                     const std::vector<std::string>& params);

/// The program and JSON type of `op` (a `set`).
JsonSetValue lowerJsonSet(ir::ExprLowering& lower, const ast::JsonOp& op, const std::string& name,
                          int32_t route, const std::vector<std::string>& params);

}  // namespace gw::policy
