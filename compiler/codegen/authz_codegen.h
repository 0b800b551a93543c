#pragma once
// Authorization -> one function per route with `authorize`: `int32_t gw_authz_<r>(req, ctx)`
// returning the decision and the deciding policy and rule, evaluated exactly as
// CompiledPolicy::authorize (deny overrides allow inside a policy, first matching deny/allow in
// source order decides, default deny; every policy must allow).
#include <cstdint>
#include <vector>

#include "compiler/codegen/codegen_context.h"
#include "compiler/codegen/shared_programs.h"
#include "compiler/policy/compiled_policy.h"

namespace gw::codegen {

/// The packed decision: bit 0 allow; bits 1..15 policy index + 1 (0: none); bits 16..31 rule
/// index + 1 (0: the default rule).
struct AuthzDecision {
  bool allow;
  int32_t policy;
  int32_t rule;
};
inline AuthzDecision unpackAuthz(int32_t packed) {
  auto bits = static_cast<uint32_t>(packed);
  return AuthzDecision{(bits & 1u) != 0, static_cast<int32_t>((bits >> 1) & 0x7fffu) - 1,
                       static_cast<int32_t>(bits >> 16) - 1};
}

/// Defines gw_authz_<r> for every route whose `authorize` is canonical in `shared` (rule
/// conditions inlined, constant header/claim lookups hoisted and shared); a route repeating
/// another's block gets no function (the linker maps it).
llvm::Error emitAuthz(CodegenContext& ctx, const std::vector<policy::Route>& routes,
                      const SharedPrograms& shared);

}  // namespace gw::codegen
