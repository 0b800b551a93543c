#pragma once
// Linked native code of one policy generation, and the link step itself (no LLVM: gw links the
// object that compileObject produced, or that a .gwo carries, with compiler/link/).
//
//   auto code = jit::linkObject(*policy, object, &error);     // object: compileObject or a .gwo
//   auto fast = jit::attachNative(policy, std::move(code));   // same policy, native
//
// Code lifetime = the policy generation: attachNative's shared_ptr owns the NativeCode, whose
// destruction unmaps the code. Thread-safe: link on any thread; the installed functions are
// reentrant (all state lives in the request, ctx and result passed in).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/codegen/shared_programs.h"
#include "compiler/jit/target_info.h"
#include "compiler/policy/compiled_policy.h"
#include "gw/abi.h"
#include "stdlib/native/route_table.h"

namespace gw::link {
class CodeImage;
}

namespace gw::jit {

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
  /// Bytes of the ELF object this code was linked from (stats, benchmarks).
  size_t objectSize() const { return objectSize_; }
  /// Which programs and routes share code (as compiled, or as read from the .gwo).
  const codegen::SharedPrograms& sharing() const { return shared_; }

 private:
  friend std::unique_ptr<NativeCode> linkObject(const policy::CompiledPolicy&, std::string_view,
                                                const std::vector<std::string>&, const codegen::SharedPrograms&,
                                                std::string*);
  NativeCode() = default;

  std::unique_ptr<link::CodeImage> image_;
  size_t objectSize_ = 0;
  gw_match_fn match_ = nullptr;
  std::unique_ptr<native::RouteTable> table_;  // when match_ is nullptr
  std::vector<void*> functions_;  // by IR function index
  std::vector<gw_str> constants_;  // by IR function index: the value of a constant Str program
  std::vector<void*> authz_;      // by route index (nullptr: no authorize)
  codegen::SharedPrograms shared_;
};

/// Links `object` (from compileObject or a .gwo) with compiler/link/ — externals resolved only
/// from the native symbol map — without running any optimizer, and resolves every entry point
/// of `policy`. nullptr and `error` on failure.
std::unique_ptr<NativeCode> linkObject(const policy::CompiledPolicy& policy,
                                       const NativeObject& object, std::string* error);
/// The same from the object's bytes in place (a .gwo's OBJECT section inside the file's
/// bytes): the linker copies what it maps, so the loader need not copy the object first.
std::unique_ptr<NativeCode> linkObject(const policy::CompiledPolicy& policy, std::string_view objectBytes,
                                       const std::vector<std::string>& symbols,
                                       const codegen::SharedPrograms& shared, std::string* error);

/// Installs `code` into `policy` and returns a pointer to it that also owns `code`.
std::shared_ptr<const policy::CompiledPolicy> attachNative(std::shared_ptr<policy::CompiledPolicy> policy,
                                                           std::shared_ptr<NativeCode> code);

}  // namespace gw::jit
