// The route table's terminal index, probed before any walk (route_table.h has the layout;
// docs/compiler-backend.md "The terminal index" the reasoning). Built by route_table.cc.
#include <cstddef>
#include <cstring>

#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif

#include "stdlib/native/route_hash.h"
#include "stdlib/native/route_table.h"

namespace gw::native {

using namespace route_hash;

namespace {

// indexed() writes a capture's name_index and reserved fields as one little-endian word.
static_assert(offsetof(gw_param, name_index) == 0 && offsetof(gw_param, reserved) == 4 &&
              __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__);

constexpr uint64_t kSlashes = 0x2f2f2f2f2f2f2f2fULL;
constexpr uint64_t kLow = 0x0101010101010101ULL;
constexpr uint64_t kHigh = 0x8080808080808080ULL;

/// Bytes of w that are '/', as their top bits; the lowest one is exact (borrows only run up).
inline uint64_t slashBytes(uint64_t w) {
  uint64_t x = w ^ kSlashes;
  return (x - kLow) & ~x & kHigh;
}

/// The byte offset of the lowest '/' that slashBytes() found (m != 0).
inline size_t firstSlash(uint64_t m) { return static_cast<unsigned>(__builtin_ctzll(m)) >> 3; }

/// kHeadMask.m[n]: the low n bytes of a word (n <= 8).
struct HeadMasks {
  uint64_t m[9];
  constexpr HeadMasks() : m() {
    for (size_t n = 0; n < 8; ++n) {
      m[n] = (uint64_t{1} << (8 * n)) - 1;
    }
    m[8] = ~uint64_t{0};
  }
};
inline constexpr HeadMasks kHeadMask{};

}  // namespace

[[gnu::always_inline]] inline const RouteTable::PathSlot* RouteTable::wholePathNode(const char* p, size_t n) const {
  uint64_t h = pathHash(p, n);
  for (uint64_t i = h & pathMask_;; i = (i + 1) & pathMask_) {
    const PathSlot& e = paths_[i];
    if (e.len == kEmptySlot) {
      return nullptr;
    }
    if (e.hash == h && e.len == n && bytesEqual(bytes_.data() + e.at, p, n)) {
      return &e;
    }
  }
}

size_t RouteTable::longSegment(const char* at, size_t left, size_t depth, Split& split) {
  size_t len = 8 + walkSegmentLength(at + 8, left - 8);
  putLong(at, len, depth, split);
  return len;
}

void RouteTable::putLong(const char* at, size_t len, size_t depth, Split& split) {
  Segment s;
  segment(s, at, len);
  split.ptr[depth] = at;
  split.key[depth] = segmentKey(s.w0, len);
  split.hash[depth] = positionHash(s.w0, s.w1, s.len, s.tail, depth);  // indexHash(), len >= 8
}

#if defined(__SSE2__) && defined(__x86_64__)
[[gnu::always_inline]] inline size_t RouteTable::splitBits(const char* p, size_t n, Split& split,
                                                          uint64_t& total) {
  // Every '/' of the path as one bit, 16 bytes per compare (the last 16 or 8 bytes loaded
  // again, overlapping, so nothing past the path is read), and bit n for the last segment's
  // end; then a segment per set bit, its length the distance between two bits. No per-segment
  // search, no depth check (n < 64: at most 64 segments) and no general-purpose register held
  // by the search's constants.
  const __m128i slash = _mm_set1_epi8('/');
  auto bits16 = [&](const char* q) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    return static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, slash))));
  };
  auto bits8 = [&](uint64_t w) {  // the upper 8 bytes are zero: never '/'
    __m128i v = _mm_cvtsi64_si128(static_cast<long long>(w));
    return static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, slash))));
  };
  uint64_t last = n >= 8 ? load64(p + n - 8) : headWord(p, n);  // bytes [base, n)
  size_t base = n >= 8 ? n - 8 : 0;
  uint64_t bits;
  if (n >= 16) {
    bits = bits16(p);
    for (size_t at = 16; at + 16 <= n; at += 16) {
      bits |= bits16(p + at) << at;
    }
    bits |= bits16(p + n - 16) << (n - 16);
  } else {
    bits = (n >= 8 ? bits8(load64(p)) : 0) | (bits8(last) << base);
  }
  bits |= uint64_t{1} << n;
  uint64_t sum = 0;
  size_t depth = 0;
  size_t at = 0;
  do {
    auto end = static_cast<size_t>(static_cast<unsigned>(__builtin_ctzll(bits)));
    bits &= bits - 1;
    size_t len = end - at;
    if (len < 8) {
      // The word at the segment, or near the end the path's last word shifted down to it (an
      // empty last segment, at == n, shifts by 0 & 63 and is masked to nothing).
      uint64_t w = at + 8 <= n ? load64(p + at) : last >> ((8 * (at - base)) & 63);
      uint64_t key = (w & kHeadMask.m[len]) | (len << 56);  // segmentKey(), len < 8
      uint64_t h = shortHash(key, depth);
      split.ptr[depth] = p + at;
      split.key[depth] = key;
      split.hash[depth] = h;
      sum += h;
    } else {
      putLong(p + at, len, depth, split);
      sum += split.hash[depth];
    }
    ++depth;
    at = end + 1;
  } while (bits != 0);
  total = sum;
  return depth;
}
#endif

[[gnu::always_inline]] inline size_t RouteTable::splitHashed(const char* p, size_t n, Split& split,
                                                            uint64_t& total) {
#if defined(__SSE2__) && defined(__x86_64__)
  if (n < 64) {
    return splitBits(p, n, split, total);
  }
#endif
  // One pass: each segment's start, length, first word and position hash, with one load per
  // short segment that never leaves the path, and four stores (the other fields of a Segment
  // are never read: a long literal is compared byte for byte).
  uint64_t sum = 0;
  size_t depth = 0;
  auto put = [&](size_t at, size_t len, uint64_t key, uint64_t h) {
    split.ptr[depth] = p + at;
    split.key[depth] = key;
    split.hash[depth] = h;
    sum += h;
    ++depth;
  };
  // Segments that start 8 or more bytes before the end: the word at the segment. A '/' in it
  // means another segment follows, so only a long segment can be the last one here.
  size_t at = 0;
  while (n >= 8 && at <= n - 8) {
    uint64_t w = load64(p + at);
    uint64_t slash = slashBytes(w);
    size_t len;
    if (slash != 0) {
      len = firstSlash(slash);
      uint64_t key = (w & kHeadMask.m[len]) | (len << 56);  // segmentKey(), len < 8
      put(at, len, key, shortHash(key, depth));
    } else {
      len = longSegment(p + at, n - at, depth, split);
      if (len >= kMaxKeyLength) {
        return 0;  // its key cannot hold its length: the walk takes the path
      }
      sum += split.hash[depth];
      ++depth;
      if (at + len == n) {
        total = sum;
        return depth;
      }
    }
    if (depth == kMaxShapeDepth) {
      return 0;
    }
    at += len + 1;
  }
  // The last bytes (fewer than 8): one word, the path's last 8 bytes shifted down to `at` (the
  // bytes shifted in are zero, never '/') or the whole of a shorter path, consumed segment by
  // segment.
  size_t left = n - at;
  uint64_t w = n < 8 ? headWord(p, n) : left == 0 ? 0 : load64(p + n - 8) >> (8 * (8 - left));
  for (;;) {
    uint64_t slash = slashBytes(w);
    size_t len = slash != 0 ? firstSlash(slash) : left;
    uint64_t key = (w & kHeadMask.m[len]) | (len << 56);  // segmentKey(), len < 8
    put(at, len, key, shortHash(key, depth));
    if (len == left) {
      total = sum;
      return depth;
    }
    if (depth == kMaxShapeDepth) {
      return 0;
    }
    at += len + 1;
    left -= len + 1;
    w >>= 8 * (len + 1);  // len + 1 <= left < 8
  }
}

[[gnu::always_inline]] inline bool RouteTable::sameShape(const ShapeSlot& e, uint64_t h, uint64_t params, size_t depth,
                                                         const Split& split) const {
  // A free slot has depth 0, never a split's. The inline literals in one branch, no loop
  // (unused entries compare key 0 with the split's 0 at kMaxShapeDepth); lits_ only for a
  // spilled slot.
  static_assert(kInlineLits == 3);
  if (e.hash != h || e.params != params || e.depth != depth) {
    return false;
  }
  uint64_t diff = (e.key[0] ^ split.key[e.pos[0]]) | (e.key[1] ^ split.key[e.pos[1]]) |
                  (e.key[2] ^ split.key[e.pos[2]]);
  return diff == 0 && (e.spill == 0 || spilledLiteralsMatch(e, split));
}

[[gnu::always_inline]] inline const RouteTable::ShapeSlot* RouteTable::shapeNode(uint64_t h, uint64_t params, size_t depth, const Split& split) const {
  // The home slot inline (load <= 1/4: usually the node or free); the rest of the probe out of
  // line, so its loop does not take registers from the hit path.
  uint64_t i = h & shapeMask_;
  const ShapeSlot& e = shapes_[i];
  if (sameShape(e, h, params, depth, split)) {
    return &e;
  }
  return e.termCount == 0 ? nullptr : probeShapes(i, h, params, depth, split);
}

const RouteTable::ShapeSlot* RouteTable::probeShapes(uint64_t i, uint64_t h, uint64_t params, size_t depth,
                                                     const Split& split) const {
  for (i = (i + 1) & shapeMask_;; i = (i + 1) & shapeMask_) {
    const ShapeSlot& e = shapes_[i];
    if (e.termCount == 0) {
      return nullptr;
    }
    if (sameShape(e, h, params, depth, split)) {
      return &e;
    }
  }
}

bool RouteTable::spilledLiteralsMatch(const ShapeSlot& e, const Split& split) const {
  for (const Lit* lit = lits_.data() + e.lit; lit != lits_.data() + e.lit + e.litCount; ++lit) {
    // The key holds the first 7 bytes and the length (the split's segments are shorter than
    // 255 bytes, so equal keys have equal lengths); past that, the bytes.
    size_t pos = lit->pos;
    if (lit->key != split.key[pos]) {
      return false;
    }
    if (lit->len >= 8 && !bytesEqual(bytes_.data() + lit->at, split.ptr[pos], lit->len)) {
      return false;
    }
  }
  return true;
}

[[gnu::always_inline]] inline bool RouteTable::indexed(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out,
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
  size_t lengthBit = restLen < kPathLengthBits ? restLen : kPathLengthBits - 1;
  const PathSlot* exact = ((pathLengths_[lengthBit / 64] >> (lengthBit % 64)) & 1) != 0
                              ? wholePathNode(rest, restLen)
                              : nullptr;
  if (exact != nullptr) {
    if (walkCandidates(cands, exact->termFirst, exact->termCount, req, ctx, kNoParams, 0, seen, out)) {
      return true;
    }
  }
  if (restLen == 0) {
    return false;  // "" and "/" have no segment: only the root, which is all-literal
  }
  Split split;  // not zero-filled: only [0, depth) is written and read
  uint64_t total = 0;
  size_t depth = splitHashed(rest, restLen, split, total);
  split.key[kMaxShapeDepth] = 0;
  const MaskRange& range = depths_[depth];  // depth 0 (more than kMaxShapeDepth): no masks
  const ShapeMask* first = masks_.data() + range.first;
  const ShapeMask* last = first + range.count;
  gw_param* caps = out.params;  // captured in place: walkCandidates copies nothing
  for (const ShapeMask* m = first; m != last; ++m) {
    // A key is the sum of its literal positions' hashes: the whole path's sum less the params'.
    // The captures are taken in the same pass (stores only: a miss leaves them for the walk to
    // overwrite).
    uint64_t literal = total;
    uint64_t least = UINT64_MAX;  // the smallest param key: 0 when one is empty
    uint32_t capCount = 0;
    for (uint64_t b = m->params; b != 0; b &= b - 1, ++capCount) {
      auto i = static_cast<size_t>(__builtin_ctzll(b));
      uint64_t key = split.key[i];
      least = key < least ? key : least;
      literal -= split.hash[i];
      // name_index and reserved (0) in one store (little-endian: name_index is the low half).
      uint64_t head = capCount;
      std::memcpy(&caps[capCount], &head, sizeof head);
      caps[capCount].value = gw_str{split.ptr[i], key >> 56};  // segmentKey()'s length byte
    }
    if (least == 0) {
      continue;  // a `{param}` never captures "" (the only segment whose key is 0)
    }
    const ShapeSlot* node = shapeNode(shapeKey(literal, m->seed), m->params, depth, split);
    if (node == nullptr) {
      continue;
    }
    if (walkCandidates(cands, node->termFirst, node->termCount, req, ctx, caps, capCount, seen, out)) {
      return true;
    }
  }
  return false;
}

bool RouteTable::matchIndexOnly(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out,
                                CondFn cond, const void* self) const {
  return indexed(req, ctx, out, candidates(cond, self));
}

void RouteTable::match(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out, CondFn cond,
                       const void* self) const {
  size_t scratch = ctx.scratch_used;
  if (indexed(req, ctx, out, candidates(cond, self))) {
    return;
  }
  // None of the indexed nodes matched: the walk tests them again, in the same order and from
  // the same state (the scratch too, so a condition that builds strings sees the same room).
  ctx.scratch_used = scratch;
  walk(req, ctx, out, cond, self);
}

}  // namespace gw::native
