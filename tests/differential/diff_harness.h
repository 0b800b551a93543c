#pragma once
// Compiles one policy text three ways (interpreter, JIT, and — when `withAot` — through a .gwo
// written and loaded back) and compares the answers for a request: route, status, allowed
// methods, params, the authorization decision and deciding rule, and every expression program.
#include <memory>
#include <string>

#include "compiler/jit/native_policy.h"
#include "compiler/policy/compiled_policy.h"
#include "tests/differential/policy_gen.h"

namespace gw::difftest {

class Subjects {
 public:
  /// nullptr when the front end rejects the text (`why` says why); backend failures are
  /// reported the same way and counted as failures by the caller.
  static std::unique_ptr<Subjects> build(const std::string& source, bool withAot, std::string* why,
                                         bool* frontEndRejected);
  /// Empty when every back end agrees on `req`, else a description of the first difference.
  std::string compare(const GenRequest& req) const;
  /// The number of nodes of the policy's decision tree.
  size_t treeNodes() const { return interp_->ir().matcher.nodes.size(); }
  /// Whether the JIT matches through native::RouteTable (the tree was too large to compile).
  bool jitUsesRouteTable() const { return native_->match() == nullptr; }
  /// Empty when the route table's terminal index alone (RouteTable::matchIndexOnly, no walk)
  /// answers `req` with the interpreter's match, else why not (no table, the index left the
  /// request to the walk, or a different answer).
  std::string indexAnswer(const GenRequest& req) const;
  /// The interpreter's match for `req` (the oracle).
  gw_match_result interpreterMatch(const GenRequest& req) const;

 private:
  std::shared_ptr<const policy::CompiledPolicy> interp_;
  std::shared_ptr<const policy::CompiledPolicy> jit_;
  std::shared_ptr<jit::NativeCode> native_;
  std::shared_ptr<const policy::CompiledPolicy> aot_;
};

}  // namespace gw::difftest
