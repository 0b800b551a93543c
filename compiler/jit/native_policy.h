#pragma once
// The native back end as the rest of gw sees it (no LLVM types): compile a CompiledPolicy's IR to
// machine code with LLVM, link it with gw's own linker (native_code.h) and install the function
// pointers into the policy.
//
//   auto policy = policy::compilePolicyFile(path, sources, diags);      // interpreter code
//   auto fast = jit::jitCompile(policy, diags);                          // same policy, native
//
// Code lifetime = the policy generation: the returned shared_ptr owns the NativeCode, whose
// destruction unmaps the code. Thread-safe: compile on any thread; the installed
// functions are reentrant (all state lives in the request, ctx and result passed in).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/jit/native_code.h"
#include "compiler/policy/compiled_policy.h"

namespace gw::jit {

/// IR -> LLVM IR -> O2 -> relocatable object (the JIT's compile step). On failure reports
/// E0401 to `diags` and returns nullopt; never aborts.
std::optional<NativeObject> compileObject(const policy::CompiledPolicy& policy, DiagnosticSink& diags);

/// compileObject + linkObject + attachNative. nullptr (with diagnostics) on failure. `native`
/// (optional) receives the NativeCode for direct calls (benchmarks, tests).
std::shared_ptr<const policy::CompiledPolicy> jitCompile(std::shared_ptr<policy::CompiledPolicy> policy,
                                                         DiagnosticSink& diags,
                                                         std::shared_ptr<NativeCode>* native = nullptr);

/// The policy's LLVM IR as text (before or after the O2 pipeline), for `gwc emit llvm`.
/// Empty with an E0401 diagnostic on failure.
std::string printLlvm(const policy::CompiledPolicy& policy, bool optimized, DiagnosticSink& diags);

}  // namespace gw::jit
