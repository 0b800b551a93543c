// The route table's terminal index, probed before any walk (route_table.h has the layout;
// docs/compiler-backend.md "The terminal index" the reasoning). Built by route_table.cc.
#include <cstring>

#include "stdlib/native/route_hash.h"
#include "stdlib/native/route_table.h"

namespace gw::native {

using namespace route_hash;

namespace {

constexpr uint64_t kSlashes = 0x2f2f2f2f2f2f2f2fULL;
constexpr uint64_t kLow = 0x0101010101010101ULL;
constexpr uint64_t kHigh = 0x8080808080808080ULL;

/// Bytes of w that are '/', as their top bits; the lowest one is exact (borrows only run up).
inline uint64_t slashBytes(uint64_t w) {
  uint64_t x = w ^ kSlashes;
  return (x - kLow) & ~x & kHigh;
}

/// The bit of every segment position of a path `depth` (<= 64) segments deep.
inline uint64_t positionsOf(size_t depth) {
  return depth == 64 ? ~uint64_t{0} : (uint64_t{1} << depth) - 1;
}

/// The low `n` (< 8) bytes of w.
inline uint64_t lowBytes(uint64_t w, size_t n) { return n == 0 ? 0 : w & (~uint64_t{0} >> (64 - 8 * n)); }

}  // namespace

/// Fills s's words (RouteTable::segment's values) for a segment of the path [p, end) whose
/// ptr and len are set: a short one (most are) with one load inside the path.
[[gnu::always_inline]] inline void RouteTable::segmentWords(Segment& s, const char* p,
                                                           const char* end) {
  if (s.len >= 8 || end - p < 8) {
    segment(s, s.ptr, s.len);
    return;
  }
  uint64_t w = s.ptr + 8 <= end ? load64(s.ptr) : load64(end - 8) >> (8 * (s.ptr - (end - 8)));
  s.w0 = lowBytes(w, s.len);
  s.w1 = 0;
  s.tail = 0;
}

[[gnu::always_inline]] inline int32_t RouteTable::wholePathNode(const char* p, size_t n) const {
  uint64_t h = pathHash(p, n);
  for (uint64_t i = h & pathMask_;; i = (i + 1) & pathMask_) {
    const PathSlot& e = paths_[i];
    if (e.len == kEmptySlot) {
      return -1;
    }
    if (e.hash == h && e.len == n && bytesEqual(bytes_.data() + e.at, p, n)) {
      return static_cast<int32_t>(e.node);
    }
  }
}

[[gnu::always_inline]] inline size_t RouteTable::split(const char* p, size_t n, Segment* segs) {
  // Only where each segment is: their words are loaded for the positions a probe reads.
  const char* end = p + n;
  size_t depth = 0;
  for (const char* at = p;;) {
    if (depth == kMaxShapeDepth) {
      return 0;
    }
    auto left = static_cast<size_t>(end - at);
    size_t len;
    if (left >= 8) {
      uint64_t zero = slashBytes(load64(at));
      len = zero != 0 ? static_cast<size_t>(__builtin_ctzll(zero)) / 8
                      : 8 + walkSegmentLength(at + 8, left - 8);
    } else if (n >= 8 && left > 0) {
      // The path's last 8 bytes shifted down to `at`: the bytes shifted in are zero, never '/'.
      uint64_t zero = slashBytes(load64(end - 8) >> (8 * (8 - left)));
      len = zero != 0 ? static_cast<size_t>(__builtin_ctzll(zero)) / 8 : left;
    } else {
      len = walkSegmentLength(at, left);
    }
    segs[depth].ptr = at;
    segs[depth].len = len;
    ++depth;
    if (len == left) {
      return depth;
    }
    at += len + 1;
  }
}

[[gnu::always_inline]] inline int32_t RouteTable::shapeNode(uint64_t h, uint64_t params, size_t depth, const Segment* segs) const {
  for (uint64_t i = h & shapeMask_;; i = (i + 1) & shapeMask_) {
    const ShapeSlot& e = shapes_[i];
    if (e.node == kEmptySlot) {
      return -1;
    }
    if (e.hash != h || e.params != params || e.depth != depth) {
      continue;
    }
    uint64_t positions = positionsOf(depth);
    const Lit* lit = lits_.data() + e.lit;
    bool same = true;
    for (uint64_t b = positions & ~params; same && b != 0; b &= b - 1, ++lit) {
      const Segment& seg = segs[__builtin_ctzll(b)];
      same = lit->len == seg.len && lit->w0 == seg.w0 && lit->w1 == seg.w1 &&
             (seg.len <= kInline ||
              std::memcmp(bytes_.data() + lit->at + kInline, seg.ptr + kInline, seg.len - kInline) == 0);
    }
    if (same) {
      return static_cast<int32_t>(e.node);
    }
  }
}

bool RouteTable::indexed(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out,
                         const Candidates& cands) const {
  // The depth-first walk tests terminal candidates only at nodes where the path is consumed,
  // i.e. nodes at the path's depth whose literal segments equal the path's and whose `{param}`
  // segments are not empty; it reaches them in lexicographic order of their param positions
  // (literal child before param child at every depth), the all-literal node first. Finding the
  // same nodes by hash in the same order gives the walk's answer when one of them matches.
  if (nodes_.empty()) {
    return false;
  }
  size_t skip = req.path.len > 0 && req.path.ptr[0] == '/' ? 1 : 0;
  const char* rest = req.path.ptr + skip;
  size_t restLen = req.path.len - skip;
  WalkSeen seen;  // dropped: when nothing here matches, the walk gathers the 404/405 evidence
  static constexpr gw_param kNoParams[1] = {};
  int32_t exact = wholePathNode(rest, restLen);
  if (exact >= 0) {
    const WalkNode& n = nodes_[static_cast<size_t>(exact)].walk;
    if (walkCandidates(cands, n.termFirst, n.termCount, req, ctx, kNoParams, 0, seen, out)) {
      return true;
    }
  }
  if (restLen == 0) {
    return false;  // "" and "/" have no segment: only the root, which is all-literal
  }
  Segment segs[kMaxShapeDepth];
  size_t depth = split(rest, restLen, segs);
  if (depth == 0) {
    return false;  // more than kMaxShapeDepth segments: walked
  }
  const MaskRange& range = depths_[depth];
  const ShapeMask* first = masks_.data() + range.first;
  const ShapeMask* last = first + range.count;
  // Each literal position of a mask at this depth: its words and position hash, once.
  uint64_t positions = positionsOf(depth);
  uint64_t need = 0;
  for (const ShapeMask* m = first; m != last; ++m) {
    need |= positions & ~m->params;
  }
  uint64_t hashes[kMaxShapeDepth];
  for (uint64_t b = need; b != 0; b &= b - 1) {
    auto i = static_cast<size_t>(__builtin_ctzll(b));
    segmentWords(segs[i], rest, rest + restLen);
    hashes[i] = positionHash(segs[i].w0, segs[i].w1, segs[i].len ^ segs[i].tail, i);
  }
  gw_param caps[GW_MAX_PARAMS];
  for (const ShapeMask* m = first; m != last; ++m) {
    bool empty = false;
    for (uint64_t b = m->params; b != 0; b &= b - 1) {
      empty |= segs[__builtin_ctzll(b)].len == 0;  // a `{param}` never captures ""
    }
    if (empty) {
      continue;
    }
    uint64_t literal = 0;
    for (uint64_t b = positions & ~m->params; b != 0; b &= b - 1) {
      literal += hashes[__builtin_ctzll(b)];
    }
    int32_t node = shapeNode(shapeKey(literal, m->seed), m->params, depth, segs);
    if (node < 0) {
      continue;
    }
    uint32_t capCount = 0;
    for (uint64_t b = m->params; b != 0; b &= b - 1, ++capCount) {
      const Segment& seg = segs[__builtin_ctzll(b)];
      caps[capCount] = gw_param{capCount, 0, gw_str{seg.ptr, seg.len}};
    }
    const WalkNode& n = nodes_[static_cast<size_t>(node)].walk;
    if (walkCandidates(cands, n.termFirst, n.termCount, req, ctx, caps, capCount, seen, out)) {
      return true;
    }
  }
  return false;
}

}  // namespace gw::native
