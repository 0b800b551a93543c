#pragma once
// The names and conventions the generated module and the linker (jit::linkObject) share: the
// entry-point symbols and the packed authorization decision. No LLVM types: the link half of the
// back end, which gw runs without LLVM, includes this.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/codegen/shared_programs.h"
#include "compiler/ir/ir.h"

namespace gw::codegen {

/// Symbol names of the generated entry points (the .gwo SYMBOLS section lists them).
std::string matchSymbol();
std::string functionSymbol(uint32_t fn);
std::string authzSymbol(uint32_t route);

/// The entry points a policy's module defines, in a fixed order: gw_match (when the tree is
/// compiled, see compilesMatchTree), gw_fn_<i> for every canonical program (`shared`: never a
/// constant, never a repeat), then gw_authz_<r> for each canonical `authorize` in route order.
std::vector<std::string> entrySymbols(const SharedPrograms& shared, bool compiledMatch);

/// True for a Str program that is one constant (`set header "X" = "v"`, a constant key): it is
/// answered from the string pool (NativeCode) instead of being compiled, since LLVM's cost is
/// per function and such values are the most common per-route program. Generated code never
/// calls a Str program, so nothing in the module refers to these.
bool servedAsConstant(const ir::Function& f);

/// The packed decision of gw_authz_<r>: bit 0 allow; bits 1..15 policy index + 1 (0: none);
/// bits 16..31 rule index + 1 (0: the default rule).
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

}  // namespace gw::codegen
