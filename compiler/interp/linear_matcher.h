#pragma once
// The naive reference matcher: every (route, host) candidate in one list sorted by specificity,
// scanned linearly until one matches — the "Envoy-like" baseline of bench/match and the oracle
// of the decision-tree differential tests. It re-checks each route's pattern from RouteInfo, so
// it shares nothing with the tree walk but the specificity order and the condition Functions.
// Immutable after construction; match() is thread-safe.
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ir/match_build.h"
#include "gw/abi.h"

namespace gw::interp {

/// Why a route did not match a request (the first failing test), for `gwc explain`.
enum class MissReason : uint8_t { None, Host, Path, Method, Conditions };
const char* missReasonName(MissReason r);

class LinearMatcher {
 public:
  /// Keeps a reference to `program`, which must outlive the matcher.
  explicit LinearMatcher(const ir::Program& program);

  /// Same contract and result as interp::matchTree.
  void match(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out) const;

  /// For every route: why it does not match `req` (None when it does), in route order.
  std::vector<MissReason> explain(const gw_request& req, gw_eval_ctx& ctx) const;

 private:
  MissReason check(const ir::SpecCandidate& c, const gw_request& req,
                   const std::string_view* segs, size_t segCount, gw_eval_ctx& ctx,
                   gw_param* caps, uint32_t* capCount) const;

  const ir::Program& p_;
  std::vector<ir::SpecCandidate> order_;
};

}  // namespace gw::interp
