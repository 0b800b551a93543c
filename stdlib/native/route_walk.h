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
// under a shallow tree is not scanned past the deepest node.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "gw/abi.h"

namespace gw::native {

constexpr size_t kMaxWalkSegments = 128;
/// A tree's terminal index (Tree::kIndexed) answers paths of at most this many segments, with
/// at most kMaxShapes param masks at one depth; other paths are walked.
constexpr size_t kMaxShapeDepth = 64;
constexpr size_t kMaxShapes = 8;

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

/// One match over `Tree`, which provides:
///   using Segment = ...;  a key built once per path segment, with `ptr` and `len` members;
///   static void segment(Segment& out, const char* ptr, size_t len);  // builds in place
///   size_t nodeCount() const;
///   WalkNode node(uint32_t i) const;
///   int32_t literalChild(uint32_t node, const Segment& seg) const;  // -1: none
///   WalkCandidate candidate(uint32_t i) const;
///   bool condition(uint32_t fn, const gw_request&, gw_eval_ctx&) const;
///   static constexpr bool kIndexed;  // whether the next three members are a real index:
///   int32_t wholePathNode(const char* rest, size_t len) const;
///     the node reached from the root by literal edges only whose segments joined by '/' are
///     exactly `rest` (the path after its leading '/'), if it has terminal candidates; -1: none
///   const uint64_t* shapeMasks(size_t depth, uint32_t* count) const;
///     the param positions (bit i: segment i) of the other nodes with terminal candidates at
///     `depth` (<= kMaxShapeDepth), in the walk's order; none when the index leaves it to the walk
///   int32_t shapeNode(const char* rest, size_t len, const gw_str* segs, size_t depth,
///                     uint64_t params) const;
///     the node at `depth` with params at `params` whose literal segments are those of the path
///     `rest` (split into segs); -1: none
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
  [[gnu::always_inline]] static size_t segmentLength(const char* p, size_t left);
  bool indexed();
  /// Splits the path after its leading '/' into segs; 0 when it has more than kMaxShapeDepth.
  static size_t splitAll(const char* p, size_t n, gw_str* segs);
  bool walk();
  bool tryRange(uint32_t first, uint32_t count);
  bool hostMatches(const WalkCandidate& c) const;
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
  bool pathHost_ = false;
  bool methodOk_ = false;
  uint32_t allow_ = 0;
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
  size_t len = segmentLength(start, left);
  Tree::segment(segs_[split_++], start, len);
  pos_ += len + 1;
  more_ = len < left;
  return true;
}

template <class Tree>
inline size_t RouteWalk<Tree>::segmentLength(const char* p, size_t left) {
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

/// memcmp(a, b, n) == 0 for the short strings of a match (hosts): word loads, the last one
/// overlapping, instead of a libc call whose length dispatch costs more than the compare.
inline bool bytesEqual(const char* a, const char* b, size_t n) {
  auto word = [](const char* p) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  };
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

template <class Tree>
bool RouteWalk<Tree>::hostMatches(const WalkCandidate& c) const {
  if (c.kind == WalkHost::Any) {
    return true;
  }
  if (c.kind == WalkHost::Exact) {
    return req_.host.len == c.hostLen && bytesEqual(req_.host.ptr, c.host, c.hostLen);
  }
  return req_.host.len > c.hostLen &&
         bytesEqual(req_.host.ptr + (req_.host.len - c.hostLen), c.host, c.hostLen);
}

template <class Tree>
bool RouteWalk<Tree>::tryRange(uint32_t first, uint32_t count) {
  constexpr uint32_t kAllMethods = (1u << GW_METHOD_COUNT) - 1;
  for (uint32_t i = first; i < first + count; ++i) {
    WalkCandidate c = t_.candidate(i);
    if (!hostMatches(c)) {
      continue;
    }
    pathHost_ = true;
    uint32_t mask = c.methodMask == 0 ? kAllMethods : c.methodMask;
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
      bool ok = t_.condition(static_cast<uint32_t>(c.cond), req_, ctx_);
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
    for (uint32_t p = 0; p < capCount_; ++p) {  // usually 0-2: no libc call
      out_.params[p] = caps_[p];
    }
    return true;
  }
  return false;
}

template <class Tree>
size_t RouteWalk<Tree>::splitAll(const char* p, size_t n, gw_str* segs) {
  // Every '/' of the path, eight bytes at a time: an exact per-byte zero test of `w ^ "////////"`
  // (no borrow between bytes, so every set bit is a '/'), then one segment per bit.
  constexpr uint64_t kSlashes = 0x2f2f2f2f2f2f2f2fULL;
  constexpr uint64_t k7f = 0x7f7f7f7f7f7f7f7fULL;
  size_t depth = 0;
  size_t start = 0;
  auto slashes = [&](size_t at, uint64_t bits) {
    for (; bits != 0; bits &= bits - 1) {
      size_t end = at + static_cast<size_t>(__builtin_ctzll(bits)) / 8;
      if (depth + 1 == kMaxShapeDepth) {
        return false;
      }
      segs[depth++] = gw_str{p + start, end - start};
      start = end + 1;
    }
    return true;
  };
  auto zeroBytes = [&](uint64_t w) {
    uint64_t x = w ^ kSlashes;
    return ~(((x & k7f) + k7f) | x | k7f);
  };
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (!slashes(i, zeroBytes(w))) {
      return 0;
    }
  }
  if (i < n) {
    uint64_t w = 0;
    if (n >= 8) {
      std::memcpy(&w, p + n - 8, 8);  // overlaps bytes already scanned: shift them out
      w >>= 8 * (8 - (n - i));
    } else {
      std::memcpy(&w, p, n);  // n < 8: the rest of the word stays zero (never '/')
    }
    uint64_t live = (uint64_t{1} << (8 * (n - i))) - 1;  // n - i < 8
    if (!slashes(i, zeroBytes(w) & live)) {
      return 0;
    }
  }
  segs[depth++] = gw_str{p + start, n - start};
  return depth;
}

template <class Tree>
bool RouteWalk<Tree>::indexed() {
  // The depth-first walk tests terminal candidates only at nodes where the path is consumed,
  // i.e. nodes at the path's depth whose literal segments equal the path's and whose `{param}`
  // segments are not empty; it reaches them in lexicographic order of their param positions
  // (literal child before param child at every depth), the all-literal node first. Finding the
  // same nodes by hash in the same order gives the walk's answer when one of them matches.
  const char* rest = req_.path.ptr + pos_;
  size_t restLen = req_.path.len - pos_;
  int32_t exact = t_.wholePathNode(rest, restLen);
  if (exact >= 0) {
    WalkNode n = t_.node(static_cast<uint32_t>(exact));
    if (tryRange(n.termFirst, n.termCount)) {
      return true;
    }
  }
  if (!more_) {
    return false;  // no segment: only the root, which is all-literal
  }
  gw_str segs[kMaxShapeDepth];
  size_t depth = splitAll(rest, restLen, segs);
  if (depth == 0) {
    return false;  // more than kMaxShapeDepth segments: walked
  }
  uint32_t count = 0;
  const uint64_t* masks = t_.shapeMasks(depth, &count);
  for (uint32_t m = 0; m < count; ++m) {
    uint64_t params = masks[m];
    bool empty = false;
    for (uint64_t b = params; b != 0; b &= b - 1) {
      empty |= segs[__builtin_ctzll(b)].len == 0;  // a `{param}` never captures ""
    }
    int32_t node = empty ? -1 : t_.shapeNode(rest, restLen, segs, depth, params);
    if (node < 0) {
      continue;
    }
    capCount_ = 0;
    for (uint64_t b = params; b != 0; b &= b - 1) {
      caps_[capCount_] = gw_param{capCount_, 0, segs[__builtin_ctzll(b)]};
      ++capCount_;
    }
    WalkNode n = t_.node(static_cast<uint32_t>(node));
    if (tryRange(n.termFirst, n.termCount)) {
      return true;
    }
  }
  capCount_ = 0;
  return false;
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
  out_.status = pathHost_ && !methodOk_ ? 405 : 404;
  out_.allow_methods = out_.status == 405 ? allow_ : 0;
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
  if constexpr (Tree::kIndexed) {
    size_t scratch = ctx_.scratch_used;
    if (indexed()) {
      return;
    }
    // None of the indexed nodes matched: the walk tests them again, in the same order and from
    // the same state (the scratch too, so a condition that builds strings sees the same room).
    ctx_.scratch_used = scratch;
    pathHost_ = false;
    methodOk_ = false;
    allow_ = 0;
    capCount_ = 0;
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
