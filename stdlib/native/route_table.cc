#include "stdlib/native/route_table.h"

#include <cstring>

namespace gw::native {

namespace {

constexpr size_t kMaxSegments = 128;  // as interp/match_walk.cc
constexpr uint32_t kEmpty = UINT32_MAX;

uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

}  // namespace

uint64_t RouteTable::hashOf(uint32_t parent, std::string_view seg) {
  // Eight bytes at a time: segments are short, and this runs once per path segment.
  uint64_t h = (static_cast<uint64_t>(parent) << 32) ^ seg.size() ^ 0x9e3779b97f4a7c15ULL;
  size_t i = 0;
  for (; i + 8 <= seg.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, seg.data() + i, 8);
    h = mix(h ^ w) * 0x9e3779b97f4a7c15ULL;
  }
  uint64_t tail = 0;
  if (i < seg.size()) std::memcpy(&tail, seg.data() + i, seg.size() - i);
  return mix(h ^ tail ^ (tail << 7));
}

uint32_t RouteTable::addNode(int32_t paramChild, uint32_t termFirst, uint32_t termCount,
                             uint32_t prefFirst, uint32_t prefCount) {
  nodes_.push_back(Node{paramChild, termFirst, termCount, prefFirst, prefCount});
  return static_cast<uint32_t>(nodes_.size() - 1);
}

void RouteTable::addCandidate(uint32_t route, Host kind, std::string_view host, uint32_t methodMask,
                              int32_t cond) {
  auto at = static_cast<uint32_t>(bytes_.size());
  bytes_.append(host);
  cands_.push_back(Cand{route, kind, at, static_cast<uint32_t>(host.size()), methodMask, cond});
}

void RouteTable::addEdge(uint32_t parent, std::string_view segment, uint32_t child) {
  auto at = static_cast<uint32_t>(bytes_.size());
  bytes_.append(segment);
  edges_.push_back(Edge{hashOf(parent, segment), parent, child, at, static_cast<uint32_t>(segment.size())});
}

void RouteTable::finish() {
  size_t cap = 16;
  while (cap < edges_.size() * 2) cap *= 2;  // load factor <= 1/2
  slots_.assign(cap, Edge{0, 0, 0, 0, kEmpty});
  mask_ = cap - 1;
  for (const Edge& e : edges_) {
    uint64_t i = e.hash & mask_;
    while (slots_[i].len != kEmpty) i = (i + 1) & mask_;
    slots_[i] = e;
  }
  edges_.clear();
  edges_.shrink_to_fit();
}

size_t RouteTable::memoryBytes() const {
  return nodes_.capacity() * sizeof(Node) + cands_.capacity() * sizeof(Cand) +
         slots_.capacity() * sizeof(Edge) + bytes_.capacity();
}

int32_t RouteTable::child(uint32_t parent, std::string_view seg) const {
  uint64_t h = hashOf(parent, seg);
  for (uint64_t i = h & mask_;; i = (i + 1) & mask_) {
    const Edge& e = slots_[i];
    if (e.len == kEmpty) return -1;
    if (e.hash == h && e.parent == parent && e.len == seg.size() &&
        (seg.empty() || std::memcmp(bytes_.data() + e.at, seg.data(), seg.size()) == 0)) {
      return static_cast<int32_t>(e.child);
    }
  }
}

/// One match: the interpreter's walk over the table.
class RouteWalk {
 public:
  RouteWalk(const RouteTable& t, const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out,
            RouteTable::CondFn cond, const void* self)
      : t_(t), req_(req), ctx_(ctx), out_(out), cond_(cond), self_(self) {}

  void run();

 private:
  bool dfs(uint32_t node, size_t depth);
  bool tryRange(uint32_t first, uint32_t count);
  bool hostMatches(const RouteTable::Cand& c) const;

  const RouteTable& t_;
  const gw_request& req_;
  gw_eval_ctx& ctx_;
  gw_match_result& out_;
  RouteTable::CondFn cond_;
  const void* self_;
  // Plain slices, not string_view: the array is not zero-filled on every match (2 KiB).
  gw_str segs_[kMaxSegments];
  size_t segCount_ = 0;
  gw_param caps_[GW_MAX_PARAMS];
  uint32_t capCount_ = 0;
  bool pathHost_ = false;
  bool methodOk_ = false;
  uint32_t allow_ = 0;
};

bool RouteWalk::hostMatches(const RouteTable::Cand& c) const {
  if (c.kind == RouteTable::Host::Any) return true;
  const char* h = t_.bytes_.data() + c.hostAt;
  if (c.kind == RouteTable::Host::Exact) {
    return req_.host.len == c.hostLen && std::memcmp(req_.host.ptr, h, c.hostLen) == 0;
  }
  return req_.host.len > c.hostLen &&
         std::memcmp(req_.host.ptr + (req_.host.len - c.hostLen), h, c.hostLen) == 0;
}

bool RouteWalk::tryRange(uint32_t first, uint32_t count) {
  for (uint32_t i = first; i < first + count; ++i) {
    const RouteTable::Cand& c = t_.cands_[i];
    if (!hostMatches(c)) continue;
    pathHost_ = true;
    uint32_t mask = c.methodMask == 0 ? ((1u << GW_METHOD_COUNT) - 1) : c.methodMask;
    allow_ |= mask;
    if (req_.method_id >= GW_METHOD_COUNT || ((mask >> req_.method_id) & 1u) == 0) continue;
    methodOk_ = true;
    if (c.cond >= 0) {
      const gw_param* savedParams = ctx_.params;
      uint32_t savedCount = ctx_.param_count;
      ctx_.params = caps_;
      ctx_.param_count = capCount_;
      bool ok = cond_(self_, static_cast<uint32_t>(c.cond), &req_, &ctx_) != 0;
      ctx_.params = savedParams;
      ctx_.param_count = savedCount;
      if (!ok) continue;
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

bool RouteWalk::dfs(uint32_t node, size_t depth) {
  const RouteTable::Node& n = t_.nodes_[node];
  if (depth == segCount_) return n.termCount > 0 && tryRange(n.termFirst, n.termCount);
  if (depth >= kMaxSegments) return false;
  std::string_view seg(segs_[depth].ptr, segs_[depth].len);
  int32_t lit = t_.child(node, seg);
  if (lit >= 0 && dfs(static_cast<uint32_t>(lit), depth + 1)) return true;
  if (n.paramChild >= 0 && !seg.empty() && capCount_ < GW_MAX_PARAMS) {
    caps_[capCount_] = gw_param{capCount_, 0, gw_str{seg.data(), seg.size()}};
    ++capCount_;
    bool found = dfs(static_cast<uint32_t>(n.paramChild), depth + 1);
    --capCount_;
    return found;
  }
  return false;
}

void RouteWalk::run() {
  out_.param_count = 0;
  std::string_view path(req_.path.ptr, req_.path.len);
  if (!path.empty() && path != "/") {
    std::string_view rest = path.front() == '/' ? path.substr(1) : path;
    while (true) {
      size_t slash = rest.find('/');
      if (segCount_ < kMaxSegments) {
        std::string_view seg = rest.substr(0, slash);
        segs_[segCount_] = gw_str{seg.data(), seg.size()};
      }
      ++segCount_;
      if (slash == std::string_view::npos) break;
      rest = rest.substr(slash + 1);
    }
  }
  if (t_.nodes_.empty()) {
    out_.route = -1;
    out_.status = 404;
    out_.allow_methods = 0;
    return;
  }
  if (dfs(0, 0)) return;
  // Prefix candidates along the all-literal walk, deepest first.
  uint32_t chain[kMaxSegments + 1];
  size_t len = 0;
  uint32_t at = 0;
  chain[len++] = 0;
  for (size_t d = 0; d < segCount_ && d < kMaxSegments; ++d) {
    int32_t next = t_.child(at, std::string_view(segs_[d].ptr, segs_[d].len));
    if (next < 0) break;
    at = static_cast<uint32_t>(next);
    chain[len++] = at;
  }
  capCount_ = 0;
  for (size_t i = len; i-- > 0;) {
    const RouteTable::Node& n = t_.nodes_[chain[i]];
    if (n.prefCount > 0 && tryRange(n.prefFirst, n.prefCount)) return;
  }
  out_.route = -1;
  out_.param_count = 0;
  out_.status = pathHost_ && !methodOk_ ? 405 : 404;
  out_.allow_methods = out_.status == 405 ? allow_ : 0;
}

void RouteTable::match(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out, CondFn cond,
                       const void* self) const {
  RouteWalk(*this, req, ctx, out, cond, self).run();
}

}  // namespace gw::native
