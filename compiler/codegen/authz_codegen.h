#pragma once
// Authorization -> one function per route with `authorize`: `int32_t gw_authz_<r>(req, ctx)`
// returning the decision and the deciding policy and rule, evaluated exactly as
// CompiledPolicy::authorize (deny overrides allow inside a policy, first matching deny/allow in
// source order decides, default deny; every policy must allow).
#include <cstdint>
#include <vector>

#include "compiler/codegen/codegen_context.h"
#include "compiler/codegen/entry_points.h"
#include "compiler/codegen/shared_programs.h"
#include "compiler/policy/compiled_policy.h"

namespace gw::codegen {

/// Defines gw_authz_<r> for every route whose `authorize` is canonical in `shared` (rule
/// conditions inlined, constant header/claim lookups hoisted and shared); a route repeating
/// another's block gets no function (the linker maps it).
llvm::Error emitAuthz(CodegenContext& ctx, const std::vector<policy::Route>& routes,
                      const SharedPrograms& shared);

}  // namespace gw::codegen
