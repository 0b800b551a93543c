// The reference interpreter's route match: native::RouteWalk (the one implementation of the
// walk, shared with the table matcher) over the IR's decision tree, whose literal children are
// found by length group and binary search, as match_tree.h describes them.
#include <cstring>
#include <string_view>

#include "compiler/interp/interpreter.h"
#include "stdlib/native/route_walk.h"

namespace gw::interp {

namespace {

/// RouteWalk's view of an ir::MatchTree.
class IrTree {
 public:
  struct Segment {
    const char* ptr;
    size_t len;
  };

  explicit IrTree(const ir::Program& p) : p_(p), t_(p.matcher) {}

  static void segment(Segment& out, const char* ptr, size_t len) { out = Segment{ptr, len}; }
  size_t nodeCount() const { return t_.nodes.size(); }
  native::WalkNode node(uint32_t i) const {
    const ir::MatchNode& n = t_.nodes[i];
    return native::WalkNode{n.paramChild, n.terminal.first, n.terminal.count, n.prefix.first,
                            n.prefix.count};
  }
  int32_t literalChild(uint32_t node, const Segment& seg) const;
  native::WalkCandidate candidate(uint32_t i) const {
    const ir::MatchCandidate& c = t_.candidates[i];
    std::string_view host = c.hostKind == ir::HostKind::Any ? std::string_view() : p_.strings[c.host];
    return native::WalkCandidate{c.route, static_cast<native::WalkHost>(c.hostKind), host.data(),
                                 static_cast<uint32_t>(host.size()), c.methodMask, c.cond};
  }
  bool condition(uint32_t fn, const gw_request& req, gw_eval_ctx& ctx) const {
    return evalBool(p_, fn, req, ctx) != 0;
  }

 private:
  const ir::Program& p_;
  const ir::MatchTree& t_;
};

int32_t IrTree::literalChild(uint32_t node, const Segment& seg) const {
  const ir::MatchNode& n = t_.nodes[node];
  for (const ir::LengthGroup& g : n.byLength) {
    if (g.length < seg.len) {
      continue;
    }
    if (g.length > seg.len) {
      return -1;
    }
    // Binary search among the edges of this length (sorted bytewise).
    uint32_t lo = g.first;
    uint32_t hi = g.first + g.count;
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      const std::string& s = p_.strings[n.edges[mid].segment];
      int c = seg.len == 0 ? 0 : std::memcmp(s.data(), seg.ptr, seg.len);
      if (c == 0) {
        return static_cast<int32_t>(n.edges[mid].child);
      }
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return -1;
  }
  return -1;
}

}  // namespace

void matchTree(const ir::Program& p, const gw_request& req, gw_eval_ctx& ctx,
               gw_match_result& out) {
  IrTree tree(p);
  native::RouteWalk<IrTree>(tree, req, ctx, out).run();
}

}  // namespace gw::interp
