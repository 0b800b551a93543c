#include "stdlib/native/route_table.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace gw::native {

namespace {

constexpr uint32_t kEmptySlot = UINT32_MAX;
constexpr size_t kInline = 16;  // segment bytes held in a slot
// Nodes with at most this many literal children scan them instead of hashing (measured: a scan
// of up to four 32-byte edges behind the length mask costs less than one hash and probe).
constexpr uint32_t kSmallFanout = 4;

uint64_t load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

uint64_t load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

/// 64x64 -> 128 multiply folded to 64 bits (wyhash's mixer): one multiplication per word.
uint64_t mum(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

constexpr uint64_t kK0 = 0xa0761d6478bd642fULL;
constexpr uint64_t kK1 = 0xe7037ed1a0b428dbULL;
constexpr uint64_t kK2 = 0x8ebc6af09c88c6e3ULL;
constexpr uint64_t kK3 = 0x589965cc75374cc3ULL;

/// The home slot of (parent node, segment): one multiplication of the segment's words with the
/// parent mixed in (the parent's product is independent of the words, so both run in parallel).
inline uint64_t slotOf(uint64_t w0, uint64_t w1, uint64_t lenAndTail, uint32_t parent, uint64_t mask) {
  return mum(w0 ^ kK0 ^ (static_cast<uint64_t>(parent) * kK2), w1 ^ kK1 ^ lenAndTail) & mask;
}

/// The first min(n, 8) bytes of p as a zero-padded little-endian word, reading only [p, p + n).
inline uint64_t headWord(const char* p, size_t n) {
  if (n >= 8) {
    return load64(p);
  }
  if (n >= 4) {
    return load32(p) | ((load32(p + n - 4) >> (8 * (8 - n))) << 32);
  }
  if (n == 0) {
    return 0;
  }
  auto byte = [&](size_t i) { return static_cast<uint64_t>(static_cast<unsigned char>(p[i])); };
  return byte(0) | (byte(n / 2) << (8 * (n / 2))) | (byte(n - 1) << (8 * (n - 1)));
}

/// Hash of a whole path (after its leading '/'): one multiplication per 8 bytes, the last
/// word overlapping the one before it (the length is mixed in first, so overlaps cannot alias).
inline uint64_t pathHash(const char* p, size_t n) {
  uint64_t h = kK0 ^ (n * kK3);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    h = mum(h ^ load64(p + i), kK1);
  }
  if (i < n) {
    h = mum(h ^ (n >= 8 ? load64(p + n - 8) : headWord(p, n)), kK2);
  }
  return h;
}

/// The key hash of a template node: its depth and param positions, then each literal segment.
inline uint64_t shapeSeed(size_t depth, uint64_t params) { return mum(kK0 ^ depth, kK1 ^ params); }
inline uint64_t shapeStep(uint64_t h, const char* p, size_t n) { return mum(h ^ pathHash(p, n), kK2); }

/// Bit of `len` in a node's length mask (lengths of 63 and more share the top bit).
inline uint64_t lengthBit(size_t len) { return uint64_t{1} << (len < 63 ? len : 63); }

}  // namespace

[[gnu::always_inline]] inline void RouteTable::segment(Segment& s, const char* p, size_t n) {
  // Little-endian loads that never read outside [p, p + n): the bytes past the segment are
  // zero in w0/w1, so two segments with equal words and length have equal first 16 bytes.
  s.ptr = p;
  s.len = n;
  s.w0 = headWord(p, n);
  s.w1 = 0;
  if (n >= 16) {
    s.w1 = load64(p + 8);
  } else if (n > 8) {
    s.w1 = load64(p + n - 8) >> (8 * (16 - n));
  }
  s.tail = 0;
  if (n > kInline) {
    uint64_t h = kK0;
    size_t i = kInline;
    for (; i + 8 <= n; i += 8) {
      h = mum(h ^ load64(p + i), kK2);
    }
    if (i < n) {
      h = mum(h ^ load64(p + n - 8), kK3);  // overlaps bytes already mixed; n > 16
    }
    s.tail = h;
  }
}


uint32_t RouteTable::addNode(int32_t paramChild, uint32_t termFirst, uint32_t termCount,
                             uint32_t prefFirst, uint32_t prefCount) {
  nodes_.push_back(Node{WalkNode{paramChild, termFirst, termCount, prefFirst, prefCount}, 0, 0, 0});
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
  edges_.push_back(Edge{parent, child, at, static_cast<uint32_t>(segment.size())});
}

void RouteTable::finish() {
  for (const Edge& e : edges_) {
    ++nodes_[e.parent].litCount;
    nodes_[e.parent].lengths |= lengthBit(e.len);
  }
  // Small nodes' children, grouped by parent: litFirst is a running offset into small_.
  uint32_t smallEdges = 0;
  size_t hashed = 0;
  for (Node& n : nodes_) {
    if (n.litCount <= kSmallFanout) {
      n.litFirst = smallEdges;
      smallEdges += n.litCount;
    } else {
      hashed += n.litCount;
    }
  }
  small_.assign(smallEdges, Slot{});
  std::vector<uint32_t> filled(nodes_.size(), 0);
  size_t cap = 16;
  while (cap < hashed * 2) {
    cap *= 2;
  }
  slots_.assign(cap, Slot{0, 0, 0, 0, kEmptySlot, 0});
  mask_ = cap - 1;
  for (const Edge& e : edges_) {
    Segment s;
    segment(s, bytes_.data() + e.at, e.len);
    Slot slot{s.w0, s.w1, e.parent, e.child, e.len, e.at};
    const Node& n = nodes_[e.parent];
    if (n.litCount <= kSmallFanout) {
      small_[n.litFirst + filled[e.parent]++] = slot;
      continue;
    }
    uint64_t i = slotOf(s.w0, s.w1, s.len ^ s.tail, e.parent, mask_);
    while (slots_[i].len != kEmptySlot) {
      i = (i + 1) & mask_;
    }
    slots_[i] = slot;
  }
  indexTerminals();
  edges_.clear();
  edges_.shrink_to_fit();
}

void RouteTable::indexTerminals() {
  // Every node's depth, parent and the edge into it (parents before children: BFS over literal
  // edges and `{param}` children); whole-path keys for the all-literal nodes.
  std::vector<std::vector<uint32_t>> children(nodes_.size());
  for (uint32_t i = 0; i < edges_.size(); ++i) {
    children[edges_[i].parent].push_back(i);
  }
  constexpr int64_t kParamEdge = -1;
  std::vector<std::string> key(nodes_.size());
  std::vector<uint32_t> depth(nodes_.size(), 0);
  std::vector<uint32_t> parentOf(nodes_.size(), 0);
  std::vector<int64_t> via(nodes_.size(), kParamEdge);  // literal edge index, or kParamEdge
  std::vector<char> literalOnly(nodes_.size(), 0);
  literalOnly[0] = 1;
  std::vector<uint32_t> order{0};
  std::vector<uint32_t> whole, shaped;
  for (size_t i = 0; i < order.size(); ++i) {
    uint32_t parent = order[i];
    // One empty segment joins to "", the key of the root: no path has exactly that segment
    // ("/" has none, and routes cannot have "//"), so that node is left to the walk.
    bool rootAlias = depth[parent] == 1 && literalOnly[parent] && key[parent].empty();
    if (nodes_[parent].walk.termCount > 0 && !rootAlias) {
      (literalOnly[parent] ? whole : shaped).push_back(parent);
    }
    if (depth[parent] >= kMaxWalkSegments) {
      continue;  // the walk never reads segment 128: deeper nodes are unreachable
    }
    auto visit = [&](uint32_t child, int64_t edge) {
      depth[child] = depth[parent] + 1;
      parentOf[child] = parent;
      via[child] = edge;
      literalOnly[child] = literalOnly[parent] && edge != kParamEdge;
      order.push_back(child);
    };
    for (uint32_t e : children[parent]) {
      const Edge& edge = edges_[e];
      visit(edge.child, e);
      if (literalOnly[parent]) {
        std::string_view seg(bytes_.data() + edge.at, edge.len);
        key[edge.child] = parent == 0 ? std::string(seg) : key[parent] + '/' + std::string(seg);
      }
    }
    if (nodes_[parent].walk.paramChild >= 0) {
      visit(static_cast<uint32_t>(nodes_[parent].walk.paramChild), kParamEdge);
    }
  }
  size_t cap = 16;
  while (cap < whole.size() * 2) {
    cap *= 2;
  }
  paths_.assign(cap, PathSlot{0, 0, kEmptySlot, 0});
  pathMask_ = cap - 1;
  for (uint32_t node : whole) {
    const std::string& k = key[node];
    auto at = static_cast<uint32_t>(bytes_.size());
    bytes_.append(k);
    uint64_t h = pathHash(k.data(), k.size());
    uint64_t i = h & pathMask_;
    while (paths_[i].len != kEmptySlot) {
      i = (i + 1) & pathMask_;
    }
    paths_[i] = PathSlot{h, node, static_cast<uint32_t>(k.size()), at};
  }
  std::vector<uint32_t> keep;
  for (uint32_t node : shaped) {
    if (depth[node] <= kMaxShapeDepth) {
      keep.push_back(node);
    }
  }
  indexShapes(keep, parentOf, via, depth);
}

void RouteTable::indexShapes(const std::vector<uint32_t>& nodes, const std::vector<uint32_t>& parentOf,
                             const std::vector<int64_t>& via, const std::vector<uint32_t>& depth) {
  // Each template node's param positions and key (segments joined, params left empty) with the
  // offsets where its params were: the key's literal runs lie between them.
  std::vector<uint64_t> params(nodes.size(), 0);
  std::vector<std::string> keys(nodes.size());
  std::vector<std::vector<uint32_t>> cuts(nodes.size());
  std::vector<std::vector<uint64_t>> byDepth(kMaxShapeDepth + 1);
  std::vector<char> usable(nodes.size(), 1);
  for (size_t i = 0; i < nodes.size(); ++i) {
    uint32_t d = depth[nodes[i]];
    std::vector<std::string_view> segs(d);
    for (uint32_t n = nodes[i]; n != 0; n = parentOf[n]) {
      uint32_t pos = depth[n] - 1;
      if (via[n] < 0) {
        params[i] |= uint64_t{1} << pos;
      } else {
        const Edge& e = edges_[static_cast<size_t>(via[n])];
        segs[pos] = std::string_view(bytes_.data() + e.at, e.len);
      }
    }
    for (uint32_t pos = 0; pos < d; ++pos) {
      if (pos > 0) keys[i] += '/';
      if ((params[i] >> pos) & 1) cuts[i].push_back(static_cast<uint32_t>(keys[i].size()));
      keys[i] += segs[pos];
    }
    // The walk captures at most GW_MAX_PARAMS params: a node needing more is never reached.
    usable[i] = __builtin_popcountll(params[i]) <= static_cast<int>(GW_MAX_PARAMS);
    if (usable[i]) {
      byDepth[d].push_back(params[i]);
    }
  }
  // The walk's order at one depth: literal before param at the first position that differs,
  // i.e. ascending masks read with position 0 as the most significant bit.
  depths_.assign(kMaxShapeDepth + 1, MaskRange{0, 0});
  for (size_t d = 0; d <= kMaxShapeDepth; ++d) {
    std::vector<uint64_t>& m = byDepth[d];
    auto order = [d](uint64_t mask) {
      uint64_t r = 0;
      for (size_t i = 0; i < d; ++i) r |= ((mask >> i) & 1) << (d - 1 - i);
      return r;
    };
    std::sort(m.begin(), m.end(), [&](uint64_t a, uint64_t b) { return order(a) < order(b); });
    m.erase(std::unique(m.begin(), m.end()), m.end());
    if (m.size() > kMaxShapes) {
      m.clear();  // too many shapes at this depth: its paths are walked
    }
    depths_[d] = MaskRange{static_cast<uint32_t>(masks_.size()), static_cast<uint32_t>(m.size())};
    masks_.insert(masks_.end(), m.begin(), m.end());
  }
  size_t cap = 16;
  while (cap < nodes.size() * 2) {
    cap *= 2;
  }
  shapes_.assign(cap, ShapeSlot{0, 0, kEmptySlot, 0, 0, 0});
  shapeMask_ = cap - 1;
  for (size_t i = 0; i < nodes.size(); ++i) {
    uint32_t d = depth[nodes[i]];
    if (!usable[i] || byDepth[d].empty()) {
      continue;
    }
    const std::string& k = keys[i];
    uint64_t h = shapeSeed(d, params[i]);
    uint32_t from = 0;
    for (uint32_t cut : cuts[i]) {
      h = shapeStep(h, k.data() + from, cut - from);
      from = cut;
    }
    h = shapeStep(h, k.data() + from, k.size() - from);
    auto at = static_cast<uint32_t>(bytes_.size());
    bytes_.append(k);
    uint64_t slot = h & shapeMask_;
    while (shapes_[slot].node != kEmptySlot) {
      slot = (slot + 1) & shapeMask_;
    }
    shapes_[slot] = ShapeSlot{h, params[i], nodes[i], d, at, static_cast<uint32_t>(k.size())};
  }
}

size_t RouteTable::memoryBytes() const {
  return nodes_.capacity() * sizeof(Node) + cands_.capacity() * sizeof(Cand) +
         paths_.capacity() * sizeof(PathSlot) + shapes_.capacity() * sizeof(ShapeSlot) +
         masks_.capacity() * sizeof(uint64_t) +
         (small_.capacity() + slots_.capacity()) * sizeof(Slot) + bytes_.capacity();
}

/// RouteWalk's view of a table and the caller's condition callback. Holds raw pointers to the
/// table's arrays, so a lookup is one load away from them (the walk keeps this by value).
class TableTree {
 public:
  using Segment = RouteTable::Segment;

  TableTree(const RouteTable& t, RouteTable::CondFn cond, const void* self)
      : nodes_(t.nodes_.data()), nodeCount_(t.nodes_.size()), cands_(t.cands_.data()),
        small_(t.small_.data()), slots_(t.slots_.data()), mask_(t.mask_), paths_(t.paths_.data()),
        pathMask_(t.pathMask_), shapes_(t.shapes_.data()), shapeMask_(t.shapeMask_),
        masks_(t.masks_.data()), depths_(t.depths_.data()),
        bytes_(t.bytes_.data()), cond_(cond), self_(self) {}

  static constexpr bool kIndexed = true;
  int32_t wholePathNode(const char* p, size_t n) const {
    uint64_t h = pathHash(p, n);
    for (uint64_t i = h & pathMask_;; i = (i + 1) & pathMask_) {
      const RouteTable::PathSlot& e = paths_[i];
      if (e.len == kEmptySlot) {
        return -1;
      }
      if (e.hash == h && e.len == n && bytesEqual(bytes_ + e.at, p, n)) {
        return static_cast<int32_t>(e.node);
      }
    }
  }

  [[gnu::always_inline]] static void segment(Segment& out, const char* ptr, size_t len) {
    RouteTable::segment(out, ptr, len);
  }
  size_t nodeCount() const { return nodeCount_; }
  WalkNode node(uint32_t i) const { return nodes_[i].walk; }
  int32_t literalChild(uint32_t node, const Segment& seg) const {
    const RouteTable::Node& n = nodes_[node];
    if ((n.lengths & lengthBit(seg.len)) == 0) {
      return -1;  // no literal child of this length (also: no literal child at all)
    }
    if (n.litCount <= kSmallFanout) {
      for (const RouteTable::Slot* e = small_ + n.litFirst; e != small_ + n.litFirst + n.litCount; ++e) {
        if (sameSegment(*e, seg)) {
          return static_cast<int32_t>(e->child);
        }
      }
      return -1;
    }
    for (uint64_t i = slotOf(seg.w0, seg.w1, seg.len ^ seg.tail, node, mask_);; i = (i + 1) & mask_) {
      const RouteTable::Slot& e = slots_[i];
      if (e.parent == node && sameSegment(e, seg)) {
        return static_cast<int32_t>(e.child);
      }
      if (e.len == kEmptySlot) {
        return -1;
      }
    }
  }
  /// The param masks of the template nodes at `depth` (<= kMaxShapeDepth), in walk order.
  const uint64_t* shapeMasks(size_t depth, uint32_t* count) const {
    *count = depths_[depth].count;
    return masks_ + depths_[depth].first;
  }
  int32_t shapeNode(const char* rest, size_t restLen, const gw_str* segs, size_t depth,
                    uint64_t params) const {
    // The literal runs: the path's bytes before, between and after the param segments.
    uint64_t h = shapeSeed(depth, params);
    const char* from = rest;
    for (uint64_t b = params; b != 0; b &= b - 1) {
      const gw_str& p = segs[__builtin_ctzll(b)];
      h = shapeStep(h, from, static_cast<size_t>(p.ptr - from));
      from = p.ptr + p.len;
    }
    h = shapeStep(h, from, static_cast<size_t>(rest + restLen - from));
    size_t literal = restLen;
    for (uint64_t b = params; b != 0; b &= b - 1) {
      literal -= segs[__builtin_ctzll(b)].len;
    }
    for (uint64_t i = h & shapeMask_;; i = (i + 1) & shapeMask_) {
      const RouteTable::ShapeSlot& e = shapes_[i];
      if (e.node == kEmptySlot) {
        return -1;
      }
      if (e.hash == h && e.params == params && e.depth == depth && e.len == literal &&
          sameRuns(e, rest, restLen, segs)) {
        return static_cast<int32_t>(e.node);
      }
    }
  }
  WalkCandidate candidate(uint32_t i) const {
    const RouteTable::Cand& c = cands_[i];
    return WalkCandidate{c.route, c.kind, bytes_ + c.hostAt, c.hostLen, c.methodMask, c.cond};
  }
  bool condition(uint32_t fn, const gw_request& req, gw_eval_ctx& ctx) const {
    return cond_(self_, fn, &req, &ctx) != 0;
  }

 private:
  /// Whether the path's literal runs concatenate to e's key (e.len == their total length).
  bool sameRuns(const RouteTable::ShapeSlot& e, const char* rest, size_t restLen,
                const gw_str* segs) const {
    const char* key = bytes_ + e.at;
    const char* from = rest;
    for (uint64_t b = e.params; b != 0; b &= b - 1) {
      const gw_str& p = segs[__builtin_ctzll(b)];
      auto n = static_cast<size_t>(p.ptr - from);
      if (!bytesEqual(key, from, n)) {
        return false;
      }
      key += n;
      from = p.ptr + p.len;
    }
    return bytesEqual(key, from, static_cast<size_t>(rest + restLen - from));
  }
  bool sameSegment(const RouteTable::Slot& e, const Segment& seg) const {
    return e.len == seg.len && e.w0 == seg.w0 && e.w1 == seg.w1 &&
           (seg.len <= kInline ||
            std::memcmp(bytes_ + e.at + kInline, seg.ptr + kInline, seg.len - kInline) == 0);
  }

  const RouteTable::Node* nodes_;
  size_t nodeCount_;
  const RouteTable::Cand* cands_;
  const RouteTable::Slot* small_;
  const RouteTable::Slot* slots_;
  uint64_t mask_;
  const RouteTable::PathSlot* paths_;
  uint64_t pathMask_;
  const RouteTable::ShapeSlot* shapes_;
  uint64_t shapeMask_;
  const uint64_t* masks_;
  const RouteTable::MaskRange* depths_;
  const char* bytes_;
  RouteTable::CondFn cond_;
  const void* self_;
};

void RouteTable::match(const gw_request& req, gw_eval_ctx& ctx, gw_match_result& out, CondFn cond,
                       const void* self) const {
  TableTree tree(*this, cond, self);
  RouteWalk<TableTree>(tree, req, ctx, out).run();
}

}  // namespace gw::native
