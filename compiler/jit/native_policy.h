#pragma once
// The native back end as the rest of gw sees it (no LLVM types): compile a CompiledPolicy's IR to
// machine code with the ORC JIT and install the function pointers into the policy.
//
//   auto policy = policy::compilePolicyFile(path, sources, diags);      // interpreter code
//   auto fast = jit::jitCompile(policy, diags);                          // same policy, native
//
// Code lifetime = the policy generation: the returned shared_ptr owns the NativeCode, whose
// destruction removes the code from the JIT. Thread-safe: compile on any thread; the installed
// functions are reentrant (all state lives in the request, ctx and result passed in).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/codegen/shared_programs.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/jit/target_info.h"
#include "compiler/policy/compiled_policy.h"
#include "gw/abi.h"
#include "stdlib/native/route_table.h"

namespace gw::jit {

class LoadedCode;

/// The relocatable object of a policy plus what is needed to link it.
struct NativeObject {
  std::string object;                // ELF relocatable object
  std::vector<std::string> symbols;  // entry points, codegen::entrySymbols order
  codegen::SharedPrograms shared;    // which program/route runs which code (canonical only in object)
  TargetInfo target;
};

/// The linked native functions of one policy generation. Immutable; the pointers stay valid
/// while this object lives.
class NativeCode {
 public:
  ~NativeCode();
  NativeCode(const NativeCode&) = delete;
  NativeCode& operator=(const NativeCode&) = delete;

  /// The compiled gw_match, or nullptr when the policy's tree is matched by the table
  /// (codegen::compilesMatchTree); runMatch works in both cases.
  gw_match_fn match() const { return match_; }
  /// Matches through the compiled tree or the route table (conditions run natively).
  void runMatch(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out) const;
  /// The route table, or nullptr when the tree is compiled.
  const native::RouteTable* routeTable() const { return table_.get(); }
  gw_bool_fn boolFunction(uint32_t fn) const;
  /// nullptr also for a program served as a constant (codegen::servedAsConstant): evalStr
  /// (policyCode) answers those from the string pool.
  gw_str_fn strFunction(uint32_t fn) const;
  /// gw_authz_<route>, or nullptr for a route without `authorize`.
  gw_bool_fn authzFunction(uint32_t route) const;
  /// Same contract and result as CompiledPolicy::authorize, through the route's native function.
  policy::AuthzResult authorize(const policy::CompiledPolicy& policy, uint32_t route,
                                const gw_request& req, gw_eval_ctx& ctx) const;
  /// Trampolines for CompiledPolicy::installCode (self = this).
  policy::PolicyCode policyCode() const;
  size_t objectSize() const;
  /// Which programs and routes share code (as compiled, or as read from the .gwo).
  const codegen::SharedPrograms& sharing() const { return shared_; }

 private:
  friend std::unique_ptr<NativeCode> linkObject(const policy::CompiledPolicy&, const NativeObject&,
                                                std::string*);
  NativeCode() = default;

  std::unique_ptr<LoadedCode> code_;
  gw_match_fn match_ = nullptr;
  std::unique_ptr<native::RouteTable> table_;  // when match_ is nullptr
  std::vector<void*> functions_;  // by IR function index
  std::vector<gw_str> constants_;  // by IR function index: the value of a constant Str program
  std::vector<void*> authz_;      // by route index (nullptr: no authorize)
  codegen::SharedPrograms shared_;
};

/// IR -> LLVM IR -> O2 -> relocatable object (the JIT's compile step). On failure reports
/// E0401 to `diags` and returns nullopt; never aborts.
std::optional<NativeObject> compileObject(const policy::CompiledPolicy& policy, DiagnosticSink& diags);

/// Links `object` (from compileObject or a .gwo) into the JIT without running the optimizer and
/// resolves every entry point of `policy`. nullptr and `error` on failure.
std::unique_ptr<NativeCode> linkObject(const policy::CompiledPolicy& policy,
                                       const NativeObject& object, std::string* error);

/// Installs `code` into `policy` and returns a pointer to it that also owns `code`.
std::shared_ptr<const policy::CompiledPolicy> attachNative(std::shared_ptr<policy::CompiledPolicy> policy,
                                                           std::shared_ptr<NativeCode> code);

/// compileObject + linkObject + attachNative. nullptr (with diagnostics) on failure. `native`
/// (optional) receives the NativeCode for direct calls (benchmarks, tests).
std::shared_ptr<const policy::CompiledPolicy> jitCompile(std::shared_ptr<policy::CompiledPolicy> policy,
                                                         DiagnosticSink& diags,
                                                         std::shared_ptr<NativeCode>* native = nullptr);

/// The policy's LLVM IR as text (before or after the O2 pipeline), for `gwc emit llvm`.
/// Empty with an E0401 diagnostic on failure.
std::string printLlvm(const policy::CompiledPolicy& policy, bool optimized, DiagnosticSink& diags);

}  // namespace gw::jit
