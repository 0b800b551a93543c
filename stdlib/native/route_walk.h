#pragma once
// The route-matching walk: the one implementation of the matching semantics that is not
// generated code. The reference interpreter (compiler/interp/match_walk.cc, over ir::MatchTree)
// and the table matcher of large policies (route_table.cc, over native::RouteTable) both
// instantiate RouteWalk with their own tree representation, so the two cannot drift; the
// compiled matcher (codegen/match_codegen.cc) is held to the same answers by the differential
// tests. The order is documented in compiler/ir/match_tree.h:
//   1. depth-first from the root over the path's segments, literal child before `{param}` child
//      (iterative: the untried `{param}` children wait on a stack, deepest first);
//      at the node reached when the path is consumed, its terminal candidates;
//   2. else the prefix candidates of the nodes on the all-literal walk, deepest first;
//   3. else 405 with the union of the method masks of the candidates whose path and host
//      matched, if any did, or 404.
// At most kMaxWalkSegments segments are looked at (deeper paths can only match prefix routes
// that deep) and at most GW_MAX_PARAMS params are captured.
//
// The segments are split lazily, each once, as the walk first reaches its depth, so a long path
// under a shallow tree is not scanned past the deepest node. The table's terminal index
// (route_table.cc) answers most requests before a walk is set up, with the same candidate test
// (walkCandidates); when it finds no match the walk runs from scratch.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "gw/abi.h"

namespace gw::native {

constexpr size_t kMaxWalkSegments = 128;

/// Host kinds of a candidate, as ir::HostKind.
enum class WalkHost : uint8_t { Any, Exact, Wildcard };

/// A tree node as the walk reads it.
struct WalkNode {
  int32_t paramChild;  // -1: none
  uint32_t termFirst, termCount;
  uint32_t prefFirst, prefCount;
};

/// A candidate as the walk reads it: `host` is the lower-case host (Exact) or the suffix with
/// its dot (Wildcard); methodMask 0 = any method; cond = the Bool function index or -1.
struct WalkCandidate {
  uint32_t route;
  WalkHost kind;
  const char* host;
  uint32_t hostLen;
  uint32_t methodMask;
  int32_t cond;
};

/// What the candidate tests of one match saw, for its 404/405 decision: whether a candidate's
/// path and host matched, whether one also took the method, and the union of their methods.
struct WalkSeen {
  bool pathHost = false;
  bool methodOk = false;
  uint32_t allow = 0;
};

/// The length of the segment at p: the bytes before the first '/' of [p, p + left).
[[gnu::always_inline]] inline size_t walkSegmentLength(const char* p, size_t left) {
  // Eight bytes at a time (segments are short; a libc memchr call costs more than the scan):
  // the lowest byte of `w ^ "////////"` that is zero is the first '/'.
  constexpr uint64_t kSlashes = 0x2f2f2f2f2f2f2f2fULL;
  constexpr uint64_t kLow = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  size_t i = 0;
  for (; i + 8 <= left; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    uint64_t x = w ^ kSlashes;
    uint64_t zero = (x - kLow) & ~x & kHigh;
    if (zero != 0) {
      return i + static_cast<size_t>(__builtin_ctzll(zero)) / 8;
    }
  }
  while (i < left && p[i] != '/') {
    ++i;
  }
  return i;
}

/// One match over `Tree`, which provides:
///   using Segment = ...;  a key built once per path segment, with `ptr` and `len` members;
///   static void segment(Segment& out, const char* ptr, size_t len);  // builds in place
///   size_t nodeCount() const;
///   WalkNode node(uint32_t i) const;
///   int32_t literalChild(uint32_t node, const Segment& seg) const;  // -1: none
///   WalkCandidate candidate(uint32_t i) const;
///   bool condition(uint32_t fn, const gw_request&, gw_eval_ctx&) const;
/// Stack only, no allocation; one instance per match.
template <class Tree>
class RouteWalk {
 public:
  using Segment = typename Tree::Segment;

  /// `t` is copied: trees are views of a few pointers (one indirection less per lookup).
  RouteWalk(const Tree& t, const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out)
      : t_(t), req_(req), ctx_(ctx), out_(out) {}

  void run();

 private:
  /// A `{param}` child still to try if the literal walk below its parent fails: the depth-first
  /// order kept on an explicit stack (LIFO = deepest alternative first), so a level of the walk
  /// is one loop iteration, not a call.
  struct Alt {
    uint32_t node;   // the param child
    uint32_t depth;  // the segment it captures
    uint32_t caps;   // captures taken above it
  };

  bool hasSegment(size_t depth) { return depth < split_ || splitNext(depth); }
  // Inlined into walk(): as a call, its prologue, epilogue and constants cost as much as the
  // split itself (measured with callgrind on bench/match).
  [[gnu::always_inline]] bool splitNext(size_t depth);
  bool walk();
  bool tryRange(uint32_t first, uint32_t count);
  void notFound();

  const Tree t_;
  const gw_request& req_;
  gw_eval_ctx& ctx_;
  gw_match_result& out_;
  // Not zero-filled: only segs_[0 .. split_) and alts_[0 .. the stack's top) are ever read.
  Segment segs_[kMaxWalkSegments];
  size_t split_ = 0;  // segments split so far
  size_t pos_ = 0;    // where the next segment starts in the path
  bool more_ = false;  // whether the path has a segment at depth split_
  uint32_t chain_[kMaxWalkSegments + 1];  // the all-literal walk's nodes, recorded by walk()
  size_t chainLen_ = 0;
  Alt alts_[kMaxWalkSegments];  // at most one per depth: they are on the current path
  gw_param caps_[GW_MAX_PARAMS];
  uint32_t capCount_ = 0;
  WalkSeen seen_;
};

template <class Tree>
inline bool RouteWalk<Tree>::splitNext(size_t depth) {
  if (!more_) {
    return false;
  }
  if (depth >= kMaxWalkSegments) {
    return true;  // it exists; the walk stops here without reading it
  }
  // depth == split_: "/a/b" -> "a", "b"; "/a/" -> "a", "" (a trailing '/' is a last, empty
  // segment); "/" and "" -> none.
  const char* start = req_.path.ptr + pos_;
  size_t left = req_.path.len - pos_;
  size_t len = walkSegmentLength(start, left);
  Tree::segment(segs_[split_++], start, len);
  pos_ += len + 1;
  more_ = len < left;
  return true;
}

/// memcmp(a, b, n) == 0 for the short strings of a match (hosts): word loads, the last one
/// overlapping, instead of a libc call whose length dispatch costs more than the compare.
inline bool bytesEqual(const char* a, const char* b, size_t n) {
  auto word = [](const char* p) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  };
  if (n >= 8 && n <= 16) {
    return ((word(a) ^ word(b)) | (word(a + n - 8) ^ word(b + n - 8))) == 0;
  }
  if (n >= 8) {
    uint64_t diff = 0;
    for (size_t i = 0; i + 8 < n; i += 8) {
      diff |= word(a + i) ^ word(b + i);
    }
    return (diff | (word(a + n - 8) ^ word(b + n - 8))) == 0;
  }
  if (n >= 4) {
    uint32_t x, y, u, v;
    std::memcpy(&x, a, 4);
    std::memcpy(&y, b, 4);
    std::memcpy(&u, a + n - 4, 4);
    std::memcpy(&v, b + n - 4, 4);
    return ((x ^ y) | (u ^ v)) == 0;
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) {
      return false;
    }
  }
  return true;
}

/// Whether the request's host satisfies candidate c's host test.
inline bool walkHostMatches(const gw_request& req, const WalkCandidate& c) {
  if (c.kind == WalkHost::Any) {
    return true;
  }
  if (c.kind == WalkHost::Exact) {
    return req.host.len == c.hostLen && bytesEqual(req.host.ptr, c.host, c.hostLen);
  }
  return req.host.len > c.hostLen &&
         bytesEqual(req.host.ptr + (req.host.len - c.hostLen), c.host, c.hostLen);
}

/// The candidate test of one node: candidates [first, first + count) of `t` in order, the first
/// whose host, method and condition (run with ctx->params = caps, restored afterwards) hold
/// fills `out` with its route and the captures. `seen` accumulates the 404/405 evidence. Shared
/// by RouteWalk and the table's terminal index, so the two test candidates identically.
/// count >= 1 (every caller tests a node's range only when it has candidates).
template <class Tree>
[[gnu::always_inline]] inline bool walkCandidates(const Tree& t, uint32_t first, uint32_t count, const gw_request& req,
                           gw_eval_ctx& ctx, const gw_param* caps, uint32_t capCount,
                           WalkSeen& seen, gw_match_result& out) {
  constexpr uint32_t kAllMethods = (1u << GW_METHOD_COUNT) - 1;
  const uint32_t end = first + count;
  uint32_t i = first;
  do {  // count >= 1: no test before the first candidate; `continue` goes to the next one
    WalkCandidate c = t.candidate(i);
    if (!walkHostMatches(req, c)) {
      continue;
    }
    seen.pathHost = true;
    uint32_t mask = c.methodMask == 0 ? kAllMethods : c.methodMask;
    seen.allow |= mask;
    if (req.method_id >= GW_METHOD_COUNT || ((mask >> req.method_id) & 1u) == 0) {
      continue;
    }
    seen.methodOk = true;
    if (c.cond >= 0) {
      const gw_param* savedParams = ctx.params;
      uint32_t savedCount = ctx.param_count;
      ctx.params = caps;
      ctx.param_count = capCount;
      bool ok = t.condition(static_cast<uint32_t>(c.cond), req, ctx);
      ctx.params = savedParams;
      ctx.param_count = savedCount;
      if (!ok) {
        continue;
      }
    }
    out.route = static_cast<int32_t>(c.route);
    out.status = 0;
    out.allow_methods = 0;
    out.param_count = capCount;
    if (caps != out.params) {  // the table's index captures into out.params directly
      for (uint32_t p = 0; p < capCount; ++p) {  // usually 0-2: no libc call
        out.params[p] = caps[p];
      }
    }
    return true;
  } while (++i != end);
  return false;
}

template <class Tree>
bool RouteWalk<Tree>::tryRange(uint32_t first, uint32_t count) {
  return walkCandidates(t_, first, count, req_, ctx_, caps_, capCount_, seen_, out_);
}

template <class Tree>
bool RouteWalk<Tree>::walk() {
  uint32_t node = 0;
  size_t depth = 0;
  uint32_t alts = 0;
  for (;;) {
    WalkNode n = t_.node(node);
    if (capCount_ == 0) {
      // No param taken yet: this node is on the all-literal walk (step 2's chain).
      chain_[depth] = node;
      chainLen_ = depth + 1;
    }
    if (!hasSegment(depth)) {
      if (n.termCount > 0 && tryRange(n.termFirst, n.termCount)) {
        return true;
      }
    } else if (depth < kMaxWalkSegments) {
      const Segment& seg = segs_[depth];
      if (n.paramChild >= 0 && seg.len > 0 && capCount_ < GW_MAX_PARAMS) {
        alts_[alts++] = Alt{static_cast<uint32_t>(n.paramChild), static_cast<uint32_t>(depth), capCount_};
      }
      int32_t lit = t_.literalChild(node, seg);
      if (lit >= 0) {
        node = static_cast<uint32_t>(lit);
        ++depth;
        continue;
      }
    }
    // This subtree failed: the deepest `{param}` alternative left, with the captures above it.
    if (alts == 0) {
      return false;
    }
    Alt a = alts_[--alts];
    const Segment& seg = segs_[a.depth];
    capCount_ = a.caps;
    caps_[capCount_] = gw_param{capCount_, 0, gw_str{seg.ptr, seg.len}};
    ++capCount_;
    node = a.node;
    depth = a.depth + 1;
  }
}

template <class Tree>
void RouteWalk<Tree>::notFound() {
  out_.route = -1;
  out_.param_count = 0;
  out_.status = seen_.pathHost && !seen_.methodOk ? 405 : 404;
  out_.allow_methods = out_.status == 405 ? seen_.allow : 0;
}

template <class Tree>
void RouteWalk<Tree>::run() {
  std::string_view path(req_.path.ptr, req_.path.len);
  more_ = !(path.empty() || path == "/");
  pos_ = !path.empty() && path.front() == '/' ? 1 : 0;
  if (t_.nodeCount() == 0) {
    notFound();
    return;
  }
  if (walk()) {
    return;
  }
  // The literal walk below the last chain node failed or the path ended there: its nodes, deepest
  // first, offer their prefix candidates (no params captured).
  capCount_ = 0;
  for (size_t i = chainLen_; i-- > 0;) {
    WalkNode n = t_.node(chain_[i]);
    if (n.prefCount > 0 && tryRange(n.prefFirst, n.prefCount)) {
      return;
    }
  }
  notFound();
}

}  // namespace gw::native
