#pragma once
// One policy of bench/match's REST shape (route_gen.h) compiled every way match_bench and
// match_growth run it: the IR tree (interpreter), the linear scan, and the JIT's native code.
// Built once per route count and kept for the process (compiling 100 000 routes takes seconds).
#include <cstdint>
#include <memory>

#include "compiler/interp/linear_matcher.h"
#include "compiler/jit/native_policy.h"
#include "compiler/policy/compiled_policy.h"

namespace gw::bench {

struct MatchFixture {
  std::shared_ptr<policy::CompiledPolicy> policy;
  std::unique_ptr<interp::LinearMatcher> linear;
  std::shared_ptr<jit::NativeCode> native;
};

/// The fixture of `routes` routes, built on first use (aborts if the policy does not compile).
MatchFixture& matchFixture(uint32_t routes);

}  // namespace gw::bench
