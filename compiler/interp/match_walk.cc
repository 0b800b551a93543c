// The decision-tree walk of the reference interpreter (order documented in match_tree.h).
#include <cstring>
#include <string_view>

#include "compiler/interp/interpreter.h"

namespace gw::interp {

namespace {

constexpr size_t kMaxSegments = 128;  // deeper paths can only match prefix routes this deep

class Walk {
 public:
  Walk(const ir::Program& p, const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out)
      : p_(p), t_(p.matcher), req_(req), ctx_(ctx), out_(out) {}

  void run();

 private:
  bool dfs(uint32_t node, size_t depth);
  bool tryRange(ir::CandRange r);
  bool hostMatches(const ir::MatchCandidate& c) const;
  int32_t literalChild(const ir::MatchNode& n, std::string_view seg) const;

  const ir::Program& p_;
  const ir::MatchTree& t_;
  const gw_request& req_;
  gw_eval_ctx& ctx_;
  gw_match_result& out_;
  std::string_view segs_[kMaxSegments];
  size_t segCount_ = 0;
  gw_param caps_[GW_MAX_PARAMS];
  uint32_t capCount_ = 0;
  bool pathHost_ = false;
  bool methodOk_ = false;
  uint32_t allow_ = 0;
};

bool Walk::hostMatches(const ir::MatchCandidate& c) const {
  if (c.hostKind == ir::HostKind::Any) {
    return true;
  }
  const std::string& h = p_.strings[c.host];
  if (c.hostKind == ir::HostKind::Exact) {
    return req_.host.len == h.size() && std::memcmp(req_.host.ptr, h.data(), h.size()) == 0;
  }
  return req_.host.len > h.size() &&
         std::memcmp(req_.host.ptr + (req_.host.len - h.size()), h.data(), h.size()) == 0;
}

bool Walk::tryRange(ir::CandRange r) {
  for (uint32_t i = r.first; i < r.first + r.count; ++i) {
    const ir::MatchCandidate& c = t_.candidates[i];
    if (!hostMatches(c)) {
      continue;
    }
    pathHost_ = true;
    uint32_t mask = c.methodMask == 0 ? ((1u << GW_METHOD_COUNT) - 1) : c.methodMask;
    allow_ |= mask;
    if (req_.method_id >= GW_METHOD_COUNT || ((mask >> req_.method_id) & 1u) == 0) {
      continue;
    }
    methodOk_ = true;
    if (c.cond >= 0) {
      const gw_param* savedParams = ctx_.params;
      uint32_t savedCount = ctx_.param_count;
      ctx_.params = caps_;
      ctx_.param_count = capCount_;
      bool ok = evalBool(p_, static_cast<uint32_t>(c.cond), req_, ctx_) != 0;
      ctx_.params = savedParams;
      ctx_.param_count = savedCount;
      if (!ok) {
        continue;
      }
    }
    out_.route = static_cast<int32_t>(c.route);
    out_.status = 0;
    out_.allow_methods = 0;
    out_.param_count = capCount_;
    std::memcpy(out_.params, caps_, sizeof(gw_param) * capCount_);
    return true;
  }
  return false;
}

int32_t Walk::literalChild(const ir::MatchNode& n, std::string_view seg) const {
  for (const ir::LengthGroup& g : n.byLength) {
    if (g.length < seg.size()) {
      continue;
    }
    if (g.length > seg.size()) {
      return -1;
    }
    // Binary search among the edges of this length (sorted bytewise).
    uint32_t lo = g.first;
    uint32_t hi = g.first + g.count;
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      const std::string& s = p_.strings[n.edges[mid].segment];
      int c = seg.empty() ? 0 : std::memcmp(s.data(), seg.data(), seg.size());
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

bool Walk::dfs(uint32_t node, size_t depth) {
  const ir::MatchNode& n = t_.nodes[node];
  if (depth == segCount_) {
    return n.terminal.count > 0 && tryRange(n.terminal);
  }
  if (depth >= kMaxSegments) {
    return false;
  }
  std::string_view seg = segs_[depth];
  int32_t lit = literalChild(n, seg);
  if (lit >= 0 && dfs(static_cast<uint32_t>(lit), depth + 1)) {
    return true;
  }
  if (n.paramChild >= 0 && !seg.empty() && capCount_ < GW_MAX_PARAMS) {
    caps_[capCount_] = gw_param{capCount_, 0, gw_str{seg.data(), seg.size()}};
    ++capCount_;
    bool found = dfs(static_cast<uint32_t>(n.paramChild), depth + 1);
    --capCount_;
    return found;
  }
  return false;
}

void Walk::run() {
  segCount_ = 0;
  std::string_view path(req_.path.ptr, req_.path.len);
  if (!path.empty() && path != "/") {
    std::string_view rest = path.front() == '/' ? path.substr(1) : path;
    while (true) {
      size_t slash = rest.find('/');
      if (segCount_ < kMaxSegments) {
        segs_[segCount_] = rest.substr(0, slash);
      }
      ++segCount_;
      if (slash == std::string_view::npos) {
        break;
      }
      rest = rest.substr(slash + 1);
    }
  }
  if (t_.nodes.empty()) {
    out_.route = -1;
    out_.status = 404;
    return;
  }
  if (dfs(0, 0)) {
    return;
  }
  // Prefix candidates along the all-literal walk, deepest first.
  uint32_t chain[kMaxSegments + 1];
  size_t len = 0;
  uint32_t at = 0;
  chain[len++] = 0;
  for (size_t d = 0; d < segCount_ && d < kMaxSegments; ++d) {
    int32_t next = literalChild(t_.nodes[at], segs_[d]);
    if (next < 0) {
      break;
    }
    at = static_cast<uint32_t>(next);
    chain[len++] = at;
  }
  capCount_ = 0;
  for (size_t i = len; i-- > 0;) {
    const ir::MatchNode& n = t_.nodes[chain[i]];
    if (n.prefix.count > 0 && tryRange(n.prefix)) {
      return;
    }
  }
  out_.route = -1;
  out_.param_count = 0;
  out_.status = pathHost_ && !methodOk_ ? 405 : 404;
  out_.allow_methods = out_.status == 405 ? allow_ : 0;
}

}  // namespace

void matchTree(const ir::Program& p, const gw_request& req, gw_eval_ctx& ctx,
               gw_match_result& out) {
  Walk w(p, req, ctx, out);
  w.run();
}

}  // namespace gw::interp
